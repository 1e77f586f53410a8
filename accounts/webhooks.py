"""Team channels: Slack and Microsoft Teams incoming webhooks.

An admin enters a team's webhook URL; it is checked by the SSRF-safe fetcher and stored
encrypted. Messages are rows (``WebhookMessage``) unique on (webhook, kind, subject,
period), claimed with a conditional UPDATE and posted through the fetcher. A 429 waits
for its ``Retry-After``; 5xx and network errors back off with jitter; any other answer
fails the message at once. A failing webhook is shown to admins. Webhook work runs in its
own tasks, so a slow or broken webhook never holds up email.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.audit import AuditAction
from accounts.models import Team, TeamWebhook, User, WebhookMessage
from accounts.services import audit_record
from ambassador import encryption, fetch

MAX_ATTEMPTS = 6
RETRY_AFTER_CAP = dt.timedelta(hours=1)
SLACK_MAX_FIELDS = 10


class WebhookError(Exception):
    """The webhook cannot be saved; the message is for people."""


# --- Saving and removing ------------------------------------------------------------------------


def _url_hint(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}/…{url[-4:]}"[:80]


def webhook_check_url(url: str) -> str:
    """The URL as it will be stored, or ``WebhookError`` saying why not."""
    url = url.strip()
    parts = urlsplit(url)
    # Webhook URLs are secrets: only over TLS. Tests' fake servers on 127.0.0.1 speak plain
    # HTTP, and only tests let the fetcher reach them.
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.FETCH_ALLOWED_NETWORKS):
        raise WebhookError(_("The webhook address must start with https://."))
    try:
        fetch.check_url(url)
    except fetch.FetchError as exc:
        raise WebhookError(str(exc.reason)) from exc
    return url


@transaction.atomic
def webhook_save(*, team: Team, service: str, url: str, language: str, by: User) -> TeamWebhook:
    """Store (or replace) ``team``'s webhook for ``service``, encrypted."""
    if service not in TeamWebhook.Service.values:
        raise WebhookError(_("Choose Slack or Microsoft Teams."))
    url = webhook_check_url(url)
    if not encryption.is_configured():
        raise WebhookError(
            _("Secrets cannot be stored: FIELD_ENCRYPTION_KEYS is not set on the server.")
        )
    webhook, created = TeamWebhook.objects.update_or_create(
        team=team,
        service=service,
        defaults={
            "url": url,
            "url_hint": _url_hint(url),
            "language": language if language in User.Language.values else "en",
            "is_active": True,
            "created_by": by,
            "failing_since": None,
            "last_error": "",
        },
    )
    # The URL is a secret: the audit row names the team and service only.
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=webhook,
        detail={"webhook": service, "team": team.pk, "added": created, "replaced": not created},
    )
    return webhook


@transaction.atomic
def webhook_remove(*, webhook_id: int, by: User) -> None:
    # Never decrypted here: a webhook whose key is gone can still be removed.
    webhook = TeamWebhook.objects.defer("url").filter(pk=webhook_id).first()
    if webhook is None:
        return
    audit_record(
        actor=by,
        action=AuditAction.SETTINGS_CHANGED,
        target=webhook,
        detail={"webhook": webhook.service, "team": webhook.team_id, "removed": True},
    )
    webhook.delete()


# --- Messages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    """What a message says, whatever the service: formatted for Slack or Teams on send."""

    title: str
    text: str = ""
    url: str = ""
    link_label: str = ""
    facts: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "text": self.text,
            "url": self.url,
            "link_label": self.link_label,
            "facts": [list(fact) for fact in self.facts],
        }


def messages_create(
    *,
    webhooks: Iterable[TeamWebhook],
    kind: str,
    subject: str,
    period: str,
    payloads: dict[int, Payload],
    now: dt.datetime,
    expires_at: dt.datetime | None = None,
) -> int:
    """One message per webhook (``payloads`` by webhook id); an existing one stays."""
    rows = [
        WebhookMessage(
            webhook=webhook,
            kind=kind,
            subject=subject[:100],
            period=period[:40],
            payload=payloads[webhook.pk].to_json(),
            due_at=now,
            expires_at=expires_at,
            created_at=now,
        )
        for webhook in webhooks
        if webhook.pk in payloads
    ]
    if rows:
        WebhookMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def messages_reclaim(*, now: dt.datetime) -> int:
    """Claims held longer than any task may run belong to a dead worker: give them back."""
    timeout = dt.timedelta(seconds=settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS)
    return WebhookMessage.objects.filter(
        state=WebhookMessage.State.SENDING, claimed_at__lt=now - timeout
    ).update(state=WebhookMessage.State.PENDING, queued_at=None, due_at=now)


def messages_queue_due(*, now: dt.datetime, limit: int = 1000) -> list[int]:
    """Messages to hand to workers now, each marked queued with a conditional UPDATE."""
    requeue = dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_SECONDS)
    with transaction.atomic():
        WebhookMessage.objects.filter(
            state=WebhookMessage.State.PENDING, expires_at__lte=now
        ).update(state=WebhookMessage.State.DROPPED)
        ids = list(
            WebhookMessage.objects.select_for_update(skip_locked=True)
            .filter(state=WebhookMessage.State.PENDING, due_at__lte=now)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - requeue))
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            WebhookMessage.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


def _escape_slack(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(payload: dict) -> dict:
    """A Slack incoming-webhook message: Block Kit with a plain ``text`` fallback."""
    title, url = payload.get("title", ""), payload.get("url", "")
    heading = f"*<{url}|{_escape_slack(title)}>*" if url else f"*{_escape_slack(title)}*"
    text = payload.get("text", "")
    blocks: list[dict] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": heading + (f"\n{_escape_slack(text)}" if text else ""),
            },
        }
    ]
    facts = payload.get("facts") or []
    if facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{_escape_slack(name)}*\n{_escape_slack(value)}"}
                    for name, value in facts[:SLACK_MAX_FIELDS]
                ],
            }
        )
    if url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": payload.get("link_label") or title},
                        "url": url,
                    }
                ],
            }
        )
    fallback = f"{title} {url}".strip()
    return {"text": fallback, "blocks": blocks}


def teams_body(payload: dict) -> dict:
    """A Microsoft Teams (Workflows) webhook message: one Adaptive Card."""
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": payload.get("title", ""),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if payload.get("text"):
        body.append({"type": "TextBlock", "text": payload["text"], "wrap": True})
    facts = payload.get("facts") or []
    if facts:
        body.append({"type": "FactSet", "facts": [{"title": n, "value": v} for n, v in facts]})
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if payload.get("url"):
        card["actions"] = [
            {
                "type": "Action.OpenUrl",
                "title": payload.get("link_label") or payload.get("title", ""),
                "url": payload["url"],
            }
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def backoff(attempts: int) -> dt.timedelta:
    """30 s, 1, 2, 4 … minutes, at most an hour, with ±25 % jitter so retries spread out."""
    base = min(3600.0, 30.0 * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=base * random.uniform(0.75, 1.25))


def _retry_after(headers: dict[str, str], *, now: dt.datetime) -> dt.timedelta | None:
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        return min(dt.timedelta(seconds=int(value)), RETRY_AFTER_CAP)
    if value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is not None:
            return max(dt.timedelta(0), min(when - now, RETRY_AFTER_CAP))
    return None


def _fail(message: WebhookMessage, *, error: str, now: dt.datetime) -> str:
    WebhookMessage.objects.filter(pk=message.pk).update(
        state=WebhookMessage.State.FAILED, last_error=error[:300]
    )
    TeamWebhook.objects.filter(pk=message.webhook_id, failing_since__isnull=True).update(
        failing_since=now
    )
    TeamWebhook.objects.filter(pk=message.webhook_id).update(last_error=error[:300])
    return WebhookMessage.State.FAILED


def _retry(message: WebhookMessage, *, error: str, wait: dt.timedelta, now: dt.datetime) -> str:
    if message.attempts >= MAX_ATTEMPTS:
        return _fail(message, error=error, now=now)
    WebhookMessage.objects.filter(pk=message.pk).update(
        state=WebhookMessage.State.PENDING,
        queued_at=None,
        due_at=now + wait,
        last_error=error[:300],
    )
    TeamWebhook.objects.filter(pk=message.webhook_id).update(last_error=error[:300])
    return WebhookMessage.State.PENDING


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Post one message once. Returns the message's state afterwards ("" when another
    worker has it or it is not due)."""
    now = now or timezone.now()
    claimed = WebhookMessage.objects.filter(
        pk=message_id, state=WebhookMessage.State.PENDING, due_at__lte=now
    ).update(state=WebhookMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return ""
    # The URL is decrypted only when read, so a message whose key is gone fails alone.
    message = (
        WebhookMessage.objects.select_related("webhook").defer("webhook__url").get(pk=message_id)
    )
    webhook = message.webhook
    if message.expires_at is not None and message.expires_at <= now:
        WebhookMessage.objects.filter(pk=message.pk).update(state=WebhookMessage.State.DROPPED)
        return WebhookMessage.State.DROPPED
    if not webhook.is_active:
        return _fail(message, error="The webhook is turned off.", now=now)
    try:
        url = webhook.url
    except encryption.DecryptionError:
        return _fail(message, error="The stored address cannot be decrypted.", now=now)
    shape = slack_body if webhook.service == TeamWebhook.Service.SLACK else teams_body
    body = json.dumps(shape(message.payload)).encode()
    try:
        response = fetch.post(url, body=body, content_type="application/json")
    except fetch.BlockedURLError as exc:
        return _fail(message, error=str(exc.reason), now=now)
    except fetch.FetchError as exc:
        return _retry(message, error=str(exc.reason), wait=backoff(message.attempts), now=now)
    status = response.status
    detail = response.content[:120].decode("utf-8", "replace").strip()
    error = f"HTTP {status}" + (f": {detail}" if detail else "")
    if 200 <= status < 300:
        WebhookMessage.objects.filter(pk=message.pk).update(
            state=WebhookMessage.State.SENT, sent_at=now, last_error=""
        )
        TeamWebhook.objects.filter(pk=webhook.pk).update(
            last_success_at=now, failing_since=None, last_error=""
        )
        return WebhookMessage.State.SENT
    if status == 429:
        wait = _retry_after(response.headers, now=now) or backoff(message.attempts)
        return _retry(message, error=error, wait=wait, now=now)
    if status >= 500:
        return _retry(message, error=error, wait=backoff(message.attempts), now=now)
    # 3xx, 400 invalid payload, 403 prohibited, 404 no such hook, 410 archived channel:
    # trying again changes nothing; an admin has to look.
    return _fail(message, error=error, now=now)


def webhook_send_test(*, webhook: TeamWebhook, by: User, now: dt.datetime | None = None) -> int:
    """An admin's "send a test message" to one webhook."""
    now = now or timezone.now()
    with translation.override(webhook.language):
        payload = Payload(
            title=_("Ambassador is connected to %(team)s") % {"team": webhook.team.name},
            text=_("New featured content and a weekly summary will appear here."),
            url=settings.SITE_URL,
            link_label=_("Open Ambassador"),
        )
    return messages_create(
        webhooks=[webhook],
        kind="TEST",
        subject=f"user:{by.pk}",
        period=now.isoformat(),
        payloads={webhook.pk: payload},
        now=now,
    )
