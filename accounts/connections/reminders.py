"""Reminders about connected accounts: a connection about to expire is announced 12 and 5
days before (LinkedIn's grants run out after 60 days), and one the network refused is
announced at once by ``connection_mark_reconnect``. The source is registered in
``AccountsConfig.ready`` like the other apps' sources."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Connection, Notification, NotificationKind, User
from accounts.notifications import (
    PreviewLine,
    ReminderSource,
    draft_for,
    in_language_of,
    notifications_create,
    with_delivery,
    zone,
)
from accounts.selectors import connections_expiring
from ambassador.networks import Network

CONNECTION_WARN_DAYS = (12, 5)
PREVIEW_AHEAD = dt.timedelta(days=1)


@dataclass(frozen=True)
class ConnectionDue:
    user_id: int
    connection_id: int
    network_label: str
    expires_at: dt.datetime | None = None  # when the grant runs out (LinkedIn)
    broken_at: dt.datetime | None = None  # when it was marked "reconnect needed"
    handle: str = ""


def connection_subject(connection_id: int) -> str:
    return f"connection:{connection_id}"


def connection_period(due: ConnectionDue, *, now: dt.datetime) -> str:
    """Which occasion ``due`` is at ``now``: the 12- or the 5-day warning of one expiry date,
    or one breakage; empty when nothing is due. A warning missed while nothing ran is not
    sent late once the next one is due: at 4 days left only the 5-day one goes out."""
    if due.broken_at is not None:
        return f"reconnect-{due.broken_at.astimezone(dt.UTC):%Y%m%dT%H%M}"
    if due.expires_at is None or due.expires_at <= now:
        return ""
    left = due.expires_at - now
    warn = [days for days in CONNECTION_WARN_DAYS if left < dt.timedelta(days=days)]
    if not warn:
        return ""
    return f"expiry-{min(warn)}d-{due.expires_at.astimezone(dt.UTC):%Y%m%d}"


def connections_due(*, now: dt.datetime) -> list[ConnectionDue]:
    """Working connections whose 12- or 5-day warning is due and not created yet (two
    queries, whatever the number of connections)."""
    found = [
        ConnectionDue(user_id, pk, Network(network).label, expires_at=expires_at, handle=handle)
        for pk, user_id, network, handle, expires_at in connections_expiring(
            start=now, end=now + dt.timedelta(days=max(CONNECTION_WARN_DAYS))
        ).values_list("pk", "user_id", "network", "handle", "expires_at")
    ]
    if not found:
        return []
    done = set(
        Notification.objects.filter(
            kind=NotificationKind.CONNECTION,
            recipient_id__in={due.user_id for due in found},
            subject__in=[connection_subject(due.connection_id) for due in found],
        ).values_list("recipient_id", "subject", "period")
    )
    return [
        due
        for due in found
        if (due.user_id, connection_subject(due.connection_id), connection_period(due, now=now))
        not in done
    ]


def _texts(item: ConnectionDue, *, person: User) -> tuple[str, str]:
    if item.broken_at is not None:
        title = _("Connect %(network)s again") % {"network": item.network_label}
        body = _(
            "%(network)s no longer accepts the connection to %(handle)s. Connect it "
            "again to keep posting and measuring from Ambassador."
        ) % {"network": item.network_label, "handle": item.handle}
        return title, body
    local_day = item.expires_at.astimezone(zone(person.time_zone)).date()
    title = _("Your %(network)s connection expires on %(date)s") % {
        "network": item.network_label,
        "date": formats.date_format(local_day, "DATE_FORMAT"),
    }
    body = _(
        "Connect %(network)s again before then to keep posting and measuring from Ambassador."
    ) % {"network": item.network_label}
    return title, body


def connection_reminders_create(*, due: Iterable[ConnectionDue], now: dt.datetime) -> int:
    """Reminders for connections about to expire or broken, each once per connection and
    occasion, in each person's language, on their channels, email after their quiet hours."""
    by_user: dict[int, list[tuple[ConnectionDue, str]]] = defaultdict(list)
    for item in due:
        period = connection_period(item, now=now)
        if period:
            by_user[item.user_id].append((item, period))
    if not by_user:
        return 0
    people = with_delivery(
        User.objects.active().filter(pk__in=list(by_user)), kind=NotificationKind.CONNECTION
    )
    url = reverse("accounts:connections")
    drafts = []
    for person in people:
        for item, period in by_user[person.pk]:
            with in_language_of(person):
                title, body = _texts(item, person=person)
            drafts.append(
                draft_for(
                    person,
                    kind=NotificationKind.CONNECTION,
                    subject=connection_subject(item.connection_id),
                    period=period,
                    title=title,
                    body=body,
                    url=url,
                    now=now,
                )
            )
    return notifications_create(drafts=drafts, now=now)


def connection_broken_announce(*, connection: Connection, now: dt.datetime) -> int:
    """Tell the person at once that ``connection`` needs connecting again."""
    return connection_reminders_create(
        due=[
            ConnectionDue(
                connection.user_id,
                connection.pk,
                connection.get_network_display(),
                broken_at=now,
                handle=connection.handle,
            )
        ],
        now=now,
    )


def _connections_collect(*, now: dt.datetime) -> int:
    return connection_reminders_create(due=connections_due(now=now), now=now)


def connections_preview(*, now: dt.datetime) -> list[PreviewLine]:
    """The admins' preview: warnings falling due in the next day, and to how many people
    (one query per warning)."""
    lines = []
    for days in CONNECTION_WARN_DAYS:
        start = now + dt.timedelta(days=days)
        found = connections_expiring(start=start, end=start + PREVIEW_AHEAD).aggregate(
            people=Count("user", distinct=True), first=Min("expires_at")
        )
        if found["people"]:
            lines.append(
                PreviewLine(
                    kind=NotificationKind.CONNECTION,
                    when=found["first"] - dt.timedelta(days=days),
                    people=found["people"],
                    note=ngettext(
                        "A connection expires in %(days)d day",
                        "Connections expire in %(days)d days",
                        days,
                    )
                    % {"days": days},
                )
            )
    return lines


CONNECTION_SOURCE = ReminderSource(
    name="accounts.connections",
    kinds=(NotificationKind.CONNECTION,),
    collect=_connections_collect,
    preview=connections_preview,
)
