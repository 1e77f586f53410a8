"""Forms of shares: the caption check, the share form (intent, copy, post now, schedule),
and the post address pasted after an intent. Forms validate; services persist."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.notifications import zone
from ambassador.forms import SafeDateTimeField, SafeForm
from ambassador.networks import Network
from posts.forms.content import CAPTION_MAX_CHARS
from posts.models.shares import OTHER_NETWORK, SHARE_NETWORK_CHOICES

# A post scheduled further ahead than this is a typing mistake (a year instead of a month).
SCHEDULE_AHEAD_MAX = dt.timedelta(days=366)
# A time a little in the past is the minute the person pressed the button in.
SCHEDULE_PAST_GRACE = dt.timedelta(minutes=1)
SCHEDULE_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class CaptionCheckForm(SafeForm):
    network = forms.ChoiceField(label=gettext_lazy("Network"), choices=SHARE_NETWORK_CHOICES)
    caption = forms.CharField(
        label=gettext_lazy("Caption"), required=False, max_length=CAPTION_MAX_CHARS
    )


class ShareForm(CaptionCheckForm):
    ACTION_INTENT = "intent"
    ACTION_COPY = "copy"
    ACTION_POST_NOW = "post_now"
    ACTION_SCHEDULE = "schedule"
    PUBLISH_ACTIONS = (ACTION_POST_NOW, ACTION_SCHEDULE)

    caption = forms.CharField(
        label=gettext_lazy("Caption"),
        required=False,
        max_length=CAPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    mastodon_instance = forms.URLField(
        label=gettext_lazy("Your Mastodon server"),
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy(
            "For example https://mastodon.social — we remember it for next time."
        ),
    )
    action = forms.ChoiceField(
        choices=[
            (ACTION_INTENT, gettext_lazy("Share")),
            (ACTION_COPY, gettext_lazy("Copy link and caption")),
            (ACTION_POST_NOW, gettext_lazy("Post now")),
            (ACTION_SCHEDULE, gettext_lazy("Schedule")),
        ],
        required=False,
    )
    # A wall-clock time in the person's own time zone (not the browser's, not UTC).
    scheduled_for = SafeDateTimeField(
        label=gettext_lazy("Date and time"),
        required=False,
        input_formats=SCHEDULE_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    avoid_quiet_hours = forms.BooleanField(
        label=gettext_lazy("Avoid my quiet hours"),
        required=False,
        help_text=gettext_lazy("A time inside your quiet hours moves to when they end."),
    )

    def __init__(
        self,
        *args,
        needs_instance: bool = False,
        time_zone: str | None = None,
        publishable: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.needs_instance = needs_instance
        self.time_zone = time_zone
        self.publishable = publishable

    @property
    def publishing(self) -> bool:
        return self.is_bound and self.data.get("action") in self.PUBLISH_ACTIONS

    def clean_mastodon_instance(self) -> str:
        value = self.cleaned_data.get("mastodon_instance", "")
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/"):
            raise forms.ValidationError(
                gettext_lazy(
                    "Enter the address of your Mastodon server, like https://mastodon.social."
                )
            )
        return f"https://{parts.netloc}"

    def clean_scheduled_for(self) -> dt.datetime | None:
        value = self.cleaned_data.get("scheduled_for")
        if value is None:
            return None
        # The field made it aware in the active time zone; the person's own one decides.
        local = timezone.make_naive(value) if timezone.is_aware(value) else value
        try:
            return timezone.make_aware(local, zone(self.time_zone))
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError(gettext_lazy("Enter a valid date and time.")) from exc

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("network") == OTHER_NETWORK:
            # No share intent to open for another network: copying is the only way.
            cleaned["action"] = self.ACTION_COPY
        action = cleaned.get("action")
        if action in self.PUBLISH_ACTIONS and not self.publishable:
            self.add_error(None, gettext_lazy("Connect this network first to post from here."))
        if action == self.ACTION_SCHEDULE:
            self._clean_schedule(cleaned)
        if (
            cleaned.get("network") == Network.MASTODON
            and action in (self.ACTION_INTENT, "")
            and self.needs_instance
            and not cleaned.get("mastodon_instance")
        ):
            self.add_error(
                "mastodon_instance",
                gettext_lazy("Tell us your Mastodon server so we can open it for you."),
            )
        return cleaned

    def _clean_schedule(self, cleaned) -> None:
        at = cleaned.get("scheduled_for")
        if at is None:
            if "scheduled_for" not in self.errors:
                self.add_error("scheduled_for", gettext_lazy("Choose the date and time to post."))
            return
        now = timezone.now()
        if at < now - SCHEDULE_PAST_GRACE:
            self.add_error("scheduled_for", gettext_lazy("Choose a time in the future."))
        elif at > now + SCHEDULE_AHEAD_MAX:
            self.add_error(
                "scheduled_for", gettext_lazy("Choose a time within the next twelve months.")
            )


class PostUrlForm(SafeForm):
    """The address of the post made through an intent; which network it must be on is the
    service's check (it knows the share and the person's instance)."""

    post_url = forms.URLField(
        label=gettext_lazy("Address of your post"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("Open your post on the network and copy its address."),
    )
