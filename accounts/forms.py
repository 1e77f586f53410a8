import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_domain_name
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.adapters import domain_refused_message, may_sign_up, session_invitation
from accounts.audit import AuditAction
from accounts.models import Team, User
from accounts.selectors import team_descendant_ids
from accounts.services import normalise_domain
from ambassador.networks import Network


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class SignupForm(AllauthSignupForm):
    """allauth's signup, open only to allowed domains or the invited address."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        invitation = session_invitation(getattr(self, "request", None) or _current_request())
        if invitation is not None and not self.is_bound:
            self.initial["email"] = invitation.email

    def clean_email(self):
        value = super().clean_email()
        if not may_sign_up(_current_request(), value):
            raise ValidationError(domain_refused_message(value), code="domain_not_allowed")
        return value


def _current_request():
    return context.request


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=150, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("As my browser")), *User.Language.choices],
        required=False,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)


class SocialProfileForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=Network.choices)
    handle = forms.CharField(label=_("Handle"), max_length=200, required=False)
    instance_url = forms.URLField(
        label=_("Mastodon instance URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Only for Mastodon, e.g. https://mastodon.social"),
    )
    followers_count = forms.IntegerField(
        label=_("Followers"), min_value=0, max_value=100_000_000, initial=0
    )

    def clean_instance_url(self):
        value = self.cleaned_data["instance_url"]
        if value and not value.startswith("https://"):
            raise ValidationError(_("Mastodon instance URL: use an https:// address."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("network") != Network.MASTODON:
            data["instance_url"] = ""
        return data


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), required=False
    )


class InvitationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One person per line: email address, then optionally the team's name. "
            "A first line with the heading “email” is skipped."
        ),
    )

    MAX_BYTES = 1_000_000

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("CSV file: the file is larger than 1 MB."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("CSV file: the file must be UTF-8 text.")) from exc


class MembershipForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"))
    is_manager = forms.BooleanField(label=_("Manager of this team"), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.ModelChoiceField(
        label=_("Parent team"), queryset=Team.objects.order_by("name"), required=False
    )

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.fields["parent"].queryset = Team.objects.exclude(
                id__in=team_descendant_ids(team_ids={team.pk})
            ).order_by("name")


class AllowedDomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain"), max_length=253, help_text=_("For example: example.com")
    )

    def clean_domain(self):
        value = normalise_domain(self.cleaned_data["domain"])
        try:
            validate_domain_name(value)
        except ValidationError as exc:
            raise ValidationError(_("Domain: enter a domain such as example.com.")) from exc
        if "." not in value:
            raise ValidationError(_("Domain: enter a domain such as example.com."))
        return value


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("All actions")),
            *[(value, capfirst(label)) for value, label in AuditAction.choices],
        ]
