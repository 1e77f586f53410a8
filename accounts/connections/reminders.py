"""Reminders about connected accounts about to expire or broken: a reminder source,
registered in ``AccountsConfig.ready`` like the other apps' sources."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from accounts.notifications import (
    ReminderSource,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
    zone,
)

# ``connections_due`` finds nothing yet, so this source stays silent: a connection the
# network refuses already tells its person (``connection_mark_reconnect``), and feeding
# it the connections about to expire (``accounts.selectors.connections_expiring``) is
# still to be done.

CONNECTION_WARN_DAYS = (12, 5)


@dataclass(frozen=True)
class ConnectionDue:
    user_id: int
    connection_id: int
    network_label: str
    expires_at: dt.datetime | None = None  # when the token expires (LinkedIn)
    broken_at: dt.datetime | None = None  # when it was marked "reconnect needed"


def connections_due(*, now: dt.datetime) -> list[ConnectionDue]:
    return []


def _connection_period(due: ConnectionDue, *, now: dt.datetime) -> str:
    if due.broken_at is not None:
        return f"reconnect-{due.broken_at.astimezone(dt.UTC):%Y%m%dT%H%M}"
    if due.expires_at is None or due.expires_at <= now:
        return ""
    days_left = (due.expires_at - now).days
    warn = [days for days in CONNECTION_WARN_DAYS if days_left < days]
    if not warn:
        return ""
    return f"expiry-{min(warn)}d-{due.expires_at.astimezone(dt.UTC):%Y%m%d}"


def connection_reminders_create(*, due: Iterable[ConnectionDue], now: dt.datetime) -> int:
    """Reminders for connections about to expire (12 and 5 days before) or broken (at
    once), each once per connection and occasion."""
    by_user: dict[int, list[tuple[ConnectionDue, str]]] = defaultdict(list)
    for item in due:
        period = _connection_period(item, now=now)
        if period:
            by_user[item.user_id].append((item, period))
    if not by_user:
        return 0
    people = with_delivery(
        User.objects.active().filter(pk__in=list(by_user)), kind=NotificationKind.CONNECTION
    )
    drafts = []
    url = reverse("accounts:profile")
    for person in people:
        for item, period in by_user[person.pk]:
            with in_language_of(person):
                if item.broken_at is not None:
                    title = _("Reconnect %(network)s to keep sharing") % {
                        "network": item.network_label
                    }
                else:
                    title = _("Your %(network)s connection expires on %(date)s") % {
                        "network": item.network_label,
                        "date": item.expires_at.astimezone(zone(person.time_zone)).date(),
                    }
                body = _("Open your profile and connect the account again.")
            drafts.append(
                draft_for(
                    person,
                    kind=NotificationKind.CONNECTION,
                    subject=f"connection:{item.connection_id}",
                    period=period,
                    title=title,
                    body=body,
                    url=url,
                    now=now,
                )
            )
    return notifications_create(drafts=drafts, now=now)


def _connections_collect(*, now: dt.datetime) -> int:
    return connection_reminders_create(due=connections_due(now=now), now=now)


CONNECTION_SOURCE = ReminderSource(
    name="accounts.connections",
    kinds=(NotificationKind.CONNECTION,),
    collect=_connections_collect,
)
