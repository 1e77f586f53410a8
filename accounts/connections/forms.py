from django import forms
from django.utils.translation import gettext_lazy as _


class MastodonConnectForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=253,
        help_text=_("For example mastodon.social"),
    )


class BlueskyConnectForm(forms.Form):
    handle = forms.CharField(
        label=_("Bluesky handle"), max_length=253, help_text=_("For example alice.bsky.social")
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=64,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Never your main password. In Bluesky open Settings → Privacy and security → "
            "App passwords, add one named “Ambassador” and paste it here."
        ),
    )


class NetworkAppForm(forms.Form):
    enabled = forms.BooleanField(label=_("Employees may connect this network"), required=False)
    client_id = forms.CharField(label=_("Client ID"), max_length=200, required=False)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the stored secret."),
    )
