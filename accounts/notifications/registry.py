"""What each app registers in its ``AppConfig.ready``: its reminder sources, the email
template of a kind, and the sample an admin's test or preview shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import Notification
from accounts.notifications.rows import Draft


@dataclass(frozen=True)
class PreviewLine:
    """One line of the admin's "next run" preview."""

    kind: str
    when: dt.datetime | None
    people: int
    note: str = ""


@dataclass(frozen=True)
class ReminderSource:
    """What one app has to say. ``collect(now=)`` creates the rows due at ``now`` and
    returns how many it offered; ``preview(now=)`` says what the next run would send."""

    name: str
    kinds: tuple[str, ...]
    collect: Callable[..., int]
    preview: Callable[..., list[PreviewLine]] | None = None
    # Run at most once per this long (its people are re-checked, so more often buys
    # nothing); None: every tick.
    every: dt.timedelta | None = None


# An email renderer takes rows of one kind and returns one template context per row, in
# order, with constant queries for the whole list.
EmailRenderer = Callable[[list[Notification]], list[dict[str, Any]]]
SampleMaker = Callable[..., Draft]


@dataclass(frozen=True)
class EmailTemplate:
    template: str  # without extension: <template>.html and <template>.txt
    context: EmailRenderer | None = None
    # Context values the template only prints, never tests, filters or loops over. With
    # them named, a batch renders the template once for every other value it holds (the
    # language, the kind, whether it is a test, ...) and puts each row's values in: a
    # digest run renders its layout a few times instead of ten thousand. The template may
    # then use neither ``notification`` nor ``recipient``.
    blanks: tuple[str, ...] = ()


_sources: dict[str, ReminderSource] = {}
_email_templates: dict[str, EmailTemplate] = {}
_samples: dict[str, SampleMaker] = {}
GENERIC_TEMPLATE = EmailTemplate("accounts/email/notification")


def register_source(source: ReminderSource) -> None:
    _sources[source.name] = source


def register_email(kind: str, template: EmailTemplate) -> None:
    _email_templates[kind] = template


def register_sample(kind: str, maker: SampleMaker) -> None:
    """``maker(user=, now=)`` returns a Draft showing ``user`` what a ``kind`` looks like."""
    _samples[kind] = maker


def sources() -> list[ReminderSource]:
    return list(_sources.values())


def email_template(kind: str) -> EmailTemplate:
    return _email_templates.get(kind, GENERIC_TEMPLATE)


def sample_maker(kind: str) -> SampleMaker | None:
    return _samples.get(kind)
