"""The kinds of notification and their default channels."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import NotificationChannel, NotificationKind

Email = NotificationChannel.EMAIL
InApp = NotificationChannel.IN_APP


@dataclass(frozen=True)
class KindInfo:
    kind: str
    email: bool  # on by default by email
    in_app: bool  # on by default in the app
    help: str = ""


# A new employee gets the digest, training and guideline reminders by email, and
# everything in the app. Connection trouble stops their sharing, so it comes by email too.
KINDS: dict[str, KindInfo] = {
    info.kind: info
    for info in (
        KindInfo(NotificationKind.DIGEST, email=True, in_app=True),
        KindInfo(NotificationKind.TRAINING_DUE, email=True, in_app=True),
        KindInfo(NotificationKind.GUIDELINES, email=True, in_app=True),
        KindInfo(NotificationKind.NUDGE, email=False, in_app=True),
        KindInfo(NotificationKind.FEATURED, email=False, in_app=True),
        KindInfo(NotificationKind.CONNECTION, email=True, in_app=True),
        KindInfo(NotificationKind.SCHEDULED_POST, email=False, in_app=True),
        KindInfo(NotificationKind.SUGGESTION, email=False, in_app=True),
        KindInfo(NotificationKind.THREAD_REPLY, email=False, in_app=True),
    )
}


def channel_default(kind: str, channel: str) -> bool:
    info = KINDS.get(kind)
    if info is None:
        return channel == InApp
    return info.email if channel == Email else info.in_app


def kind_label(kind: str) -> str:
    try:
        return str(NotificationKind(kind).label)
    except ValueError:
        return str(_("Other notifications"))
