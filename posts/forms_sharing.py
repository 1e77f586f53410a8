"""Forms of the sharing area: the share form and the live caption check."""

from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from posts.models.sharing import OTHER_NETWORK, SHARE_NETWORK_CHOICES
from posts.networks import Network


class CaptionCheckForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=SHARE_NETWORK_CHOICES)
    caption = forms.CharField(label=_("Caption"), required=False, max_length=100_000)


class ShareForm(CaptionCheckForm):
    ACTION_INTENT = "intent"
    ACTION_COPY = "copy"

    caption = forms.CharField(
        label=_("Caption"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    mastodon_instance = forms.URLField(
        label=_("Your Mastodon server"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://mastodon.social — we remember it for next time."),
    )
    action = forms.ChoiceField(
        choices=[(ACTION_INTENT, _("Share")), (ACTION_COPY, _("Copy link and caption"))],
        required=False,
    )

    def __init__(self, *args, needs_instance: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_instance = needs_instance

    def clean_mastodon_instance(self) -> str:
        value = self.cleaned_data.get("mastodon_instance", "")
        if not value:
            return ""
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname or parts.path not in ("", "/"):
            raise forms.ValidationError(
                _("Enter the address of your Mastodon server, like https://mastodon.social.")
            )
        return f"https://{parts.netloc}"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("network") == OTHER_NETWORK:
            # No share intent to open for another network: copying is the only way.
            cleaned["action"] = self.ACTION_COPY
        if (
            cleaned.get("network") == Network.MASTODON
            and cleaned.get("action") != self.ACTION_COPY
            and self.needs_instance
            and not cleaned.get("mastodon_instance")
        ):
            self.add_error(
                "mastodon_instance", _("Tell us your Mastodon server so we can open it for you.")
            )
        return cleaned
