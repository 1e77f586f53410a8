"""Forms of the content library: content items, suggestions, curation, comments and feeds.
Forms validate; services persist."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Team
from accounts.selectors import access_for, teams_managed_by
from ambassador.forms import (
    SafeDateTimeField,
    SafeForm,
    SafeModelForm,
    SafeModelMultipleChoiceField,
)
from ambassador.networks import CAPTION_LIMITS, Network
from ambassador.translated import TranslatedFieldsMixin, content_languages, localized, text_in
from posts.models import ContentStatus, Feed, Topic
from posts.selectors import caption_problems, caption_text_limits
from posts.services.content import BULK_ACTIONS
from posts.services.feeds import FeedError, feed_read
from posts.services.suggestions import suggestion_language
from posts.validators import (
    content_url_problem,
    image_problem,
    image_size_problem,
    window_problem,
)

# The most characters a caption field takes, whatever the network counts (X and Mastodon
# count a long URL as 23): the network's own limit is checked on top.
CAPTION_MAX_CHARS = 100_000

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime_field(label, help_text) -> SafeDateTimeField:
    return SafeDateTimeField(
        label=label,
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DateTimeLocalInput(),
        help_text=help_text,
    )


class ContentUrlField(forms.CharField):
    """A web address: http(s) only, checked by the same rule the services use."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", forms.URLInput(attrs={"placeholder": "https://"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value and not self.required:
            return value
        if problem := content_url_problem(value):
            raise forms.ValidationError(problem)
        return value.strip()


def caption_field_name(network: str, language: str) -> str:
    return f"caption_{network.lower()}_{language}"


class ContentItemForm(TranslatedFieldsMixin, SafeForm):
    """An item with its title and summary in every language side by side (all optional:
    the link preview fills the default language's where they are left empty)."""

    translated_fields = ("title", "summary")
    translated_labels = {"title": gettext_lazy("Title"), "summary": gettext_lazy("Summary")}
    translated_form_fields = {
        "title": lambda: forms.CharField(
            max_length=300, help_text=gettext_lazy("Leave empty to take it from the page.")
        ),
        "summary": lambda: forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=gettext_lazy("Leave empty to take it from the page."),
        ),
    }
    url = ContentUrlField(label=gettext_lazy("URL"))
    image = forms.FileField(
        label=gettext_lazy("Image"),
        required=False,
        help_text=gettext_lazy(
            "JPEG, PNG, GIF or WebP, at most 5 MB. Leave empty to use the page's preview image."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )
    topics = SafeModelMultipleChoiceField(
        label=gettext_lazy("Topics"),
        queryset=Topic.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_everyone = forms.BooleanField(
        label=gettext_lazy("For everyone"), required=False, initial=True
    )
    target_teams = SafeModelMultipleChoiceField(
        label=gettext_lazy("Target teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Only used when the item is not for everyone."),
    )
    publish_at = _datetime_field(
        gettext_lazy("Publish at"), gettext_lazy("Empty: as soon as it is approved.")
    )
    expire_at = _datetime_field(gettext_lazy("Expire at"), gettext_lazy("Empty: never expires."))
    caption_editable = forms.BooleanField(
        label=gettext_lazy("Employees may edit the caption"), required=False, initial=True
    )
    featured = forms.BooleanField(label=gettext_lazy("Featured"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_teams"].queryset = teams_managed_by(user=user).order_by("name")
        if not access_for(user=user).may_curate_everyone:
            # Content for everyone is curated by admins and company-wide curators only.
            everyone = self.fields["target_everyone"]
            everyone.disabled, everyone.initial = True, False
            everyone.help_text = gettext_lazy(
                "Only admins and company-wide curators can aim content at everyone."
            )
        # The counter counts the caption's own text: the disclosure and the tracked link are
        # added when it is shared, and take their part of the network's limit.
        limits = caption_text_limits()
        for network in Network:
            for code, language in settings.LANGUAGES:
                limit = limits[(network.value, code)]
                self.fields[caption_field_name(network, code)] = forms.CharField(
                    label=_("%(network)s caption (%(language)s)")
                    % {"network": network.label, "language": language},
                    required=False,
                    max_length=CAPTION_MAX_CHARS,
                    widget=forms.Textarea(
                        attrs={"rows": 3, "data-limit": limit, "data-network": network.value}
                    ),
                    help_text=_(
                        "At most %(limit)s characters: the disclosure and the tracked link, "
                        "added when it is shared, take the rest of %(network)s's %(total)s."
                    )
                    % {
                        "limit": f"{limit:,}",
                        "network": network.label,
                        "total": f"{CAPTION_LIMITS[network]:,}",
                    },
                )

    def caption_fields(self):
        return [
            self[caption_field_name(n, code)] for n in Network for code, _l in settings.LANGUAGES
        ]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        # The declared size first: a huge upload is refused without reading it into memory.
        if problem := image_size_problem(upload.size):
            raise forms.ValidationError(problem)
        data = upload.read()
        if problem := image_problem(data):
            raise forms.ValidationError(problem)
        return data

    def clean(self):
        cleaned = super().clean()
        if problem := window_problem(cleaned.get("publish_at"), cleaned.get("expire_at")):
            self.add_error("expire_at", problem)
        if not cleaned.get("target_everyone") and not cleaned.get("target_teams"):
            self.add_error(
                "target_teams", _("Target teams: choose at least one team, or target everyone.")
            )
        captions = {
            (network.value, code): (cleaned.get(caption_field_name(network, code)) or "").strip()
            for network in Network
            for code, _language in settings.LANGUAGES
        }
        for (network, code), problem in caption_problems(captions=captions).items():
            self.add_error(caption_field_name(Network(network), code), problem)
        return cleaned

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "url": data["url"],
            "texts": {
                localized(field, language): (data.get(localized(field, language)) or "").strip()
                for field in self.translated_fields
                for language in content_languages()
            },
            "image": data.get("image"),
            "topics": data.get("topics") or [],
            "target_everyone": bool(data.get("target_everyone")),
            "target_teams": data.get("target_teams") or [],
            "publish_at": data.get("publish_at"),
            "expire_at": data.get("expire_at"),
            "caption_editable": bool(data.get("caption_editable")),
            "featured": bool(data.get("featured")),
            "captions": {
                (network.value, code): data.get(caption_field_name(network, code)) or ""
                for network in Network
                for code, _language in settings.LANGUAGES
            },
        }

    @classmethod
    def initial_for(cls, item) -> dict:
        initial = {
            "url": item.url,
            **{
                localized(field, language): text_in(item, field, language)
                for field in cls.translated_fields
                for language in content_languages()
            },
            "topics": list(item.topics.all()),
            "target_everyone": item.target_everyone,
            "target_teams": list(item.target_teams.all()),
            "publish_at": item.publish_at,
            "expire_at": item.expire_at,
            "caption_editable": item.caption_editable,
            "featured": item.featured,
        }
        for caption in item.captions.all():
            initial[caption_field_name(Network(caption.network), caption.language)] = caption.text
        return initial


class ContentEditForm(ContentItemForm):
    remove_image = forms.BooleanField(label=gettext_lazy("Remove the image"), required=False)


class SuggestionForm(SafeForm):
    url = ContentUrlField(label=gettext_lazy("URL"))
    reason = forms.CharField(
        label=gettext_lazy("Why is it worth sharing?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    network = forms.ChoiceField(
        label=gettext_lazy("Network for your caption"),
        choices=Network.choices,
        initial=Network.LINKEDIN,
        required=False,
    )
    caption = forms.CharField(
        label=gettext_lazy("Suggested caption (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = suggestion_language(user)

    def clean(self):
        cleaned = super().clean()
        caption = (cleaned.get("caption") or "").strip()
        if caption:
            network = cleaned.get("network")
            if network not in CAPTION_LIMITS:
                self.add_error("network", _("Network: choose a network."))
            elif problems := caption_problems(captions={(network, self.language): caption}):
                self.add_error("caption", problems[(network, self.language)])
        return cleaned


class RejectForm(SafeForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestChangesForm(SafeForm):
    note = forms.CharField(
        label=gettext_lazy("What should change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BulkActionForm(SafeForm):
    action = forms.ChoiceField(label=gettext_lazy("With the selected items"), choices=())
    items = forms.TypedMultipleChoiceField(coerce=int, choices=(), label=gettext_lazy("Items"))
    reason = forms.CharField(label=gettext_lazy("Reason (for rejecting)"), required=False)

    def __init__(self, *args, item_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = list(BULK_ACTIONS.items())
        self.fields["items"].choices = [(pk, pk) for pk in item_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Reason: say why the items are rejected."))
        return cleaned


class FeedFilterForm(SafeForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    topic = forms.ChoiceField(label=gettext_lazy("Topic"), required=False, choices=())
    network = forms.ChoiceField(label=gettext_lazy("Network"), required=False, choices=())

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics"))] + [(t.slug, t.name) for t in topics]
        self.fields["network"].choices = [("", _("All networks")), *Network.choices]


CURATION_TABS = [
    ContentStatus.IN_REVIEW,
    ContentStatus.DRAFT,
    ContentStatus.CHANGES_REQUESTED,
    ContentStatus.APPROVED,
    ContentStatus.REJECTED,
    ContentStatus.ARCHIVED,
]


# --- Comments and feeds ----------------------------------------------------------------------


class CommentForm(SafeForm):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Markdown works: **bold**, _italic_, [links](https://…), lists."),
    )


class FeedAdminForm(SafeModelForm):
    """Admins add feeds in the Django admin. A new or changed URL is fetched once through the
    SSRF-safe fetcher, so a malformed or unreachable feed is refused with a clear message."""

    url = forms.CharField(label=gettext_lazy("Feed URL"), max_length=2000, widget=forms.URLInput)

    class Meta:
        model = Feed
        fields = ["name", "url", "trusted", "daily_max", "is_active", "topics"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if content_url_problem(url):
            raise forms.ValidationError(
                _("Feed URL: enter a web address that starts with https:// or http://.")
            )
        url = url.strip()
        if self.instance.pk and self.instance.url == url:
            return url
        try:
            feed_read(url=url)
        except FeedError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url
