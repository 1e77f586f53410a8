"""Earned-media-value rates an admin sets per network and currency from an effective date;
every change audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.audit import AuditAction
from accounts.models import User
from accounts.services import audit_record
from posts.models import (
    MetricRate,
)


@transaction.atomic
def metric_rate_create(
    *,
    network: str,
    currency: str,
    cpm: Decimal,
    cpc: Decimal,
    reaction_weight: Decimal,
    effective_date: dt.date,
    by: User,
) -> MetricRate:
    """Set (or replace) the EMV rates of ``network`` in ``currency`` from ``effective_date``."""
    currency = currency.strip().upper()
    rate, created = MetricRate.objects.update_or_create(
        network=network,
        currency=currency,
        effective_date=effective_date,
        defaults={"cpm": cpm, "cpc": cpc, "reaction_weight": reaction_weight, "created_by": by},
    )
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=rate,
        detail={
            "metric_rate": "created" if created else "replaced",
            "network": network,
            "currency": currency,
            "effective_date": effective_date.isoformat(),
            "cpm": str(cpm),
            "cpc": str(cpc),
            "reaction_weight": str(reaction_weight),
        },
    )
    return rate


@transaction.atomic
def metric_rate_delete(*, rate_id: int, by: User) -> bool:
    rate = MetricRate.objects.filter(pk=rate_id).first()
    if rate is None:
        return False
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=rate,
        detail={
            "metric_rate": "deleted",
            "network": rate.network,
            "currency": rate.currency,
            "effective_date": rate.effective_date.isoformat(),
        },
    )
    rate.delete()
    return True
