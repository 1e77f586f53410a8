"""Views of the inbox, a person's notification settings, unsubscribe links, and the admins'
reminders page."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import notifications, webhooks
from accounts.decorators import admin_required
from accounts.models import TeamWebhook, User
from accounts.notifications import selectors
from accounts.notifications.forms import (
    NotificationSettingsForm,
    ReminderScheduleForm,
    TestSendForm,
    WebhookForm,
)

PAGE_SIZE = 25
RUNS_DAYS = 14


# --- Inbox ---------------------------------------------------------------------------------


def _inbox_context(request, kind: str) -> dict:
    kinds = selectors.inbox_kinds(user=request.user)
    if kind not in {group.kind for group in kinds}:
        kind = ""
    page = Paginator(selectors.inbox(user=request.user, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {"page": page, "kinds": kinds, "kind": kind}


@login_required
@require_GET
def inbox(request):
    context = _inbox_context(request, request.GET.get("kind", ""))
    return render(request, "accounts/notifications.html", context)


@login_required
@require_POST
def mark_read(request):
    """Mark one notification, one kind, or everything read."""
    raw = request.POST.get("notification", "")
    kind = request.POST.get("kind", "")
    notifications.notifications_mark_read(
        user=request.user, notification_id=int(raw) if raw.isdigit() else None, kind=kind
    )
    shown_kind = request.POST.get("shown_kind", "")
    if request.htmx:
        context = _inbox_context(request, shown_kind)
        return render(request, "accounts/_notification_list.html", context)
    url = reverse("accounts:notifications")
    return redirect(f"{url}?{urlencode({'kind': shown_kind})}" if shown_kind else url)


# --- A person's settings -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    preferences = notifications.preferences_of(user=request.user)
    form = NotificationSettingsForm(request.POST or None, preferences=preferences)
    if request.method == "POST" and form.is_valid():
        start, end = form.quiet_hours_value()
        notifications.preferences_save(
            user=request.user,
            channels=form.channels(),
            digest_frequency=form.cleaned_data["digest_frequency"],
            quiet_hours_start=start,
            quiet_hours_end=end,
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("accounts:notification_settings")
    return render(
        request,
        "accounts/notifications/settings.html",
        {"form": form, "time_zone": request.user.time_zone},
        status=400 if form.is_bound else 200,
    )


# --- Unsubscribe ---------------------------------------------------------------------------


# Mail providers post the one-click unsubscribe (List-Unsubscribe-Post) without cookies or
# a CSRF token: the signed token in the address is what authorises it, and all it can do
# is turn one kind of email off for its one person.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    found = notifications.unsubscribe_read(token=token)
    if found is None:
        return render(request, "accounts/notifications/unsubscribe_invalid.html", status=404)
    user, kind = found
    context = {"kind_label": notifications.kind_label(kind), "person": user}
    if request.method == "POST":
        notifications.unsubscribe(token=token)
        return render(request, "accounts/notifications/unsubscribed.html", context)
    return render(request, "accounts/notifications/unsubscribe.html", context)


# --- Admins: the reminders page --------------------------------------------------------------


def _next_run_preview(now: dt.datetime) -> list[notifications.PreviewLine]:
    lines = [
        notifications.PreviewLine(
            kind=waiting.kind,
            when=waiting.first_due_at,
            people=waiting.people,
            note=_("Emails waiting: quiet hours or a retry"),
        )
        for waiting in selectors.emails_waiting()
    ]
    for source in notifications.sources():
        if source.preview is not None:
            lines.extend(source.preview(now=now))
    return lines


@admin_required
@require_GET
def reminders(request):
    now = timezone.now()
    schedule = notifications.reminder_schedule()
    context = {
        "schedule_form": ReminderScheduleForm(
            initial={
                "digest_weekday": schedule.digest_weekday,
                "digest_time": schedule.digest_time,
            }
        ),
        "preview": [(line, notifications.kind_label(line.kind)) for line in _next_run_preview(now)],
        "runs": selectors.reminder_runs(since=now - dt.timedelta(days=RUNS_DAYS)),
        "failures": selectors.email_failures(),
        "test_kinds": [(kind, notifications.kind_label(kind)) for kind in notifications.KINDS],
        "webhooks": selectors.webhooks_for_admin(),
        "webhook_form": WebhookForm(),
        "languages": User.Language.choices,
    }
    return render(request, "accounts/notifications/reminders.html", context)


@admin_required
@require_POST
def reminders_schedule(request):
    form = ReminderScheduleForm(request.POST)
    if form.is_valid():
        notifications.reminder_schedule_save(
            weekday=form.cleaned_data["digest_weekday"],
            at=form.cleaned_data["digest_time"],
            by=request.user,
        )
        messages.success(request, _("Digest schedule saved."))
    else:
        messages.error(request, _("Digest schedule: choose a day and a time."))
    return redirect("accounts:reminders")


@admin_required
@require_POST
def reminders_test(request):
    form = TestSendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a kind of notification to test."))
        return redirect("accounts:reminders")
    kind = form.cleaned_data["kind"]
    notifications.notification_send_test(kind=kind, user=request.user)
    messages.success(
        request,
        _("A test of “%(kind)s” is on its way to %(email)s and your inbox.")
        % {"kind": notifications.kind_label(kind), "email": request.user.email},
    )
    return redirect("accounts:reminders")


# The preview is the email itself, which styles itself inline as emails must; it may run
# no script, load nothing but images, and submit nothing.
@csp_replace(
    {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "script-src": ["'none'"],
        "form-action": ["'none'"],
        "sandbox": [""],
    }
)
@admin_required
@require_GET
def reminders_preview(request, kind: str, language: str):
    if kind not in notifications.KINDS or language not in User.Language.values:
        raise Http404
    now = timezone.now()
    # The admin, as if they read in ``language``.
    reader = User(
        pk=request.user.pk,
        email=request.user.email,
        display_name=request.user.display_name,
        language=language,
        time_zone=request.user.time_zone,
    )
    draft = notifications.sample_draft(kind=kind, user=reader, now=now)
    row = draft.to_row(now=now)
    row.subject = ""  # a preview, not a test that was sent
    row.recipient = reader
    ((template, context),) = notifications.email_contexts([row])
    message = notifications.email_render(row, template=template, context=context)
    html = message.alternatives[0].content
    if request.GET.get("format") == "text":
        return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
    return HttpResponse(html)


@admin_required
@require_POST
def webhook_add(request):
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            webhooks.webhook_save(
                team=form.cleaned_data["team"],
                service=form.cleaned_data["service"],
                url=form.cleaned_data["url"],
                language=form.cleaned_data["language"],
                by=request.user,
            )
        except webhooks.WebhookError as exc:
            messages.error(request, _("Webhook not saved: %(reason)s") % {"reason": exc})
        else:
            messages.success(request, _("Webhook saved."))
    else:
        messages.error(
            request, _("Webhook not saved: choose a team and a service and give the address.")
        )
    return redirect("accounts:reminders")


@admin_required
@require_POST
def webhook_remove(request, pk: int):
    webhooks.webhook_remove(webhook_id=pk, by=request.user)
    messages.success(request, _("Webhook removed."))
    return redirect("accounts:reminders")


@admin_required
@require_POST
def webhook_test(request, pk: int):
    webhook = get_object_or_404(TeamWebhook.objects.select_related("team").defer("url"), pk=pk)
    webhooks.webhook_send_test(webhook=webhook, by=request.user)
    messages.success(
        request, _("A test message is on its way to %(webhook)s.") % {"webhook": webhook}
    )
    return redirect("accounts:reminders")
