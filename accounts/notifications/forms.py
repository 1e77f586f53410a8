"""Forms of the notification pages: a person's preferences, and the admins' reminders page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DigestFrequency,
    NotificationChannel,
    NotificationKind,
    ReminderSchedule,
    Team,
    TeamWebhook,
    User,
)
from accounts.notifications.kinds import KINDS
from accounts.notifications.preferences import Preferences


def channel_field_name(kind: str, channel: str) -> str:
    return f"{channel.lower()}:{kind}"


class NotificationSettingsForm(forms.Form):
    """One checkbox per kind and channel, the digest frequency and quiet hours."""

    digest_frequency = forms.ChoiceField(label=_("Digest"), choices=DigestFrequency.choices)
    quiet_hours = forms.BooleanField(label=_("Quiet hours"), required=False)
    quiet_hours_start = forms.TimeField(
        label=_("Quiet from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    def __init__(self, *args, preferences: Preferences, **kwargs):
        setting = preferences.setting
        has_quiet = setting.quiet_hours_start is not None
        initial = {
            "digest_frequency": setting.digest_frequency,
            "quiet_hours": has_quiet,
            "quiet_hours_start": setting.quiet_hours_start or DEFAULT_QUIET_START,
            "quiet_hours_end": setting.quiet_hours_end or DEFAULT_QUIET_END,
        }
        for (kind, channel), enabled in preferences.channels.items():
            initial[channel_field_name(kind, channel)] = enabled
        super().__init__(*args, initial=initial, **kwargs)
        self.rows = []
        for kind in KINDS:
            cells = []
            for channel, channel_label in NotificationChannel.choices:
                name = channel_field_name(kind, channel)
                self.fields[name] = forms.BooleanField(
                    label=f"{NotificationKind(kind).label}: {channel_label}", required=False
                )
                cells.append(name)
            self.rows.append((NotificationKind(kind).label, [self[name] for name in cells]))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quiet_hours"):
            start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
            if start is None or end is None:
                raise forms.ValidationError(_("Quiet hours: give a start and an end time."))
            if start == end:
                raise forms.ValidationError(
                    _("Quiet hours: the start and the end must be different times.")
                )
        return cleaned

    def channels(self) -> dict[tuple[str, str], bool]:
        return {
            (kind, channel): bool(self.cleaned_data.get(channel_field_name(kind, channel)))
            for kind in KINDS
            for channel in NotificationChannel.values
        }

    def quiet_hours_value(self):
        if not self.cleaned_data.get("quiet_hours"):
            return None, None
        return self.cleaned_data["quiet_hours_start"], self.cleaned_data["quiet_hours_end"]


class ReminderScheduleForm(forms.Form):
    digest_weekday = forms.TypedChoiceField(
        label=_("Digest day"), choices=ReminderSchedule.Weekday.choices, coerce=int
    )
    digest_time = forms.TimeField(
        label=_("Digest time"),
        help_text=_("In each person's own time zone."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class TestSendForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, NotificationKind(kind).label) for kind in KINDS])


class WebhookForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"))
    service = forms.ChoiceField(label=_("Service"), choices=TeamWebhook.Service.choices)
    url = forms.CharField(
        label=_("Incoming webhook address"),
        max_length=2000,
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "From Slack (Incoming Webhooks) or Microsoft Teams (Workflows: “When a Teams "
            "webhook request is received”). It is stored encrypted and never shown again."
        ),
    )
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)
