from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from ambassador.forms import SafeForm, SafeModelForm, SafeModelMultipleChoiceField
from ambassador.networks import Network
from ambassador.translated import (
    TranslatedFieldsMixin,
    content_languages,
    default_language,
    localized,
    localized_fields,
    text_in,
)
from training.models import GuidelineVersion, Lesson, Module, Programme, Question


class MissionForm(TranslatedFieldsMixin, SafeModelForm):
    translated_fields = ("mission",)
    required_fields = ("mission",)

    class Meta:
        model = Programme
        fields = localized_fields("mission")
        widgets = {name: forms.Textarea(attrs={"rows": 8}) for name in fields}
        help_texts = {
            localized("mission", default_language()): _(
                "Markdown. A few paragraphs on why the programme exists."
            )
        }


class CaptionRulesForm(TranslatedFieldsMixin, SafeModelForm):
    translated_fields = ("disclosure",)

    class Meta:
        model = Programme
        fields = [
            *localized_fields("disclosure"),
            "forbidden_phrases",
            "max_hashtags",
            "max_links",
        ]
        widgets = {"forbidden_phrases": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            name: _("Appended to every caption in this language, e.g. #employee.")
            for name in localized_fields("disclosure")
        }

    def clean_forbidden_phrases(self):
        lines = [
            " ".join(line.split()) for line in self.cleaned_data["forbidden_phrases"].splitlines()
        ]
        unique = list(dict.fromkeys(line for line in lines if line))
        return "\n".join(unique)


class ProgrammeSettingsForm(TranslatedFieldsMixin, SafeModelForm):
    class Meta:
        model = Programme
        fields = ["sharing_gate_enabled", "two_person_approval"]


class GuidelinesPublishForm(TranslatedFieldsMixin, SafeForm):
    translated_fields = ("body", "change_summary")
    required_fields = ("body", "change_summary")
    translated_labels = {"body": _("Guidelines"), "change_summary": _("Change summary")}

    translated_form_fields = {
        "body": lambda: forms.CharField(
            widget=forms.Textarea(attrs={"rows": 18}),
            help_text=_("Markdown. Use headings for sections per network."),
        ),
        "change_summary": lambda: forms.CharField(
            max_length=300, help_text=_("Tell people in one sentence what changed.")
        ),
    }

    def clean(self):
        data = super().clean()
        for language in content_languages():
            name = localized("change_summary", language)
            if data.get(name):
                data[name] = " ".join(data[name].split())
        default = localized("change_summary", default_language())
        if default in data and not data[default] and default not in self.errors:
            self.add_error(default, _("Say in a few words what changed in this version."))
        return data


class GuidelineCompareForm(SafeForm):
    old = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    new = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args, versions: list[GuidelineVersion], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, str(v.number)) for v in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices


class CaptionCheckForm(SafeForm):
    network = forms.ChoiceField(label=_("Network"), choices=Network.choices)
    caption = forms.CharField(
        label=_("Draft caption"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=70000,
        strip=False,
    )


MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_DUE_DAYS = 3650  # ten years: a due date is computed from it on every training page


def _https_only(value: str) -> None:
    if value and not value.lower().startswith("https://"):
        raise ValidationError(_("Use an https:// link."))


class ModuleForm(TranslatedFieldsMixin, SafeModelForm):
    translated_fields = ("title", "summary")
    required_fields = ("title",)
    teams = SafeModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every team."),
    )

    class Meta:
        model = Module
        fields = [
            *localized_fields("title", "summary"),
            "position",
            "audience",
            "is_published",
            "is_required",
            "due_days_after_joining",
            "due_date",
            "pass_mark",
            "max_attempts",
        ]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in localized_fields("summary")},
        }

    def clean_pass_mark(self):
        value = self.cleaned_data["pass_mark"]
        if not 1 <= value <= 100:
            raise ValidationError(_("The pass mark is a percentage from 1 to 100."))
        return value

    def clean_due_days_after_joining(self):
        value = self.cleaned_data["due_days_after_joining"]
        if value is not None and value > MAX_DUE_DAYS:
            raise ValidationError(
                _("Give at most %(days)d days after joining.") % {"days": MAX_DUE_DAYS}
            )
        return value

    def clean_max_attempts(self):
        value = self.cleaned_data["max_attempts"]
        if value is not None and value < 1:
            raise ValidationError(_("Allow at least one attempt, or leave empty for unlimited."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("due_days_after_joining") is not None and data.get("due_date"):
            self.add_error(
                "due_date",
                _("Choose either days after joining or a fixed due date, not both."),
            )
        return data


class LessonForm(TranslatedFieldsMixin, SafeModelForm):
    translated_fields = ("title", "body", "image_alt")
    required_fields = ("title",)
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("An https:// link to the video."),
    )

    class Meta:
        model = Lesson
        fields = [
            *localized_fields("title", "body", "image_alt"),
            "position",
            "image",
            "video_url",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 14}) for name in localized_fields("body")}
        help_texts = {name: _("Markdown.") for name in localized_fields("body")}

    def clean_position(self):
        position = self.cleaned_data["position"]
        taken = (
            Lesson.objects.filter(module_id=self.instance.module_id, position=position)
            .exclude(pk=self.instance.pk)
            .exists()
        )
        if position and taken:
            raise ValidationError(_("Another lesson in this module has this position."))
        return position

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and getattr(image, "size", 0) > MAX_IMAGE_BYTES:
            raise ValidationError(
                _("The image is too large. Upload an image of at most %(size)d MB.")
                % {"size": MAX_IMAGE_BYTES // (1024 * 1024)}
            )
        return image

    def clean_video_url(self):
        value = self.cleaned_data["video_url"]
        _https_only(value)
        return value

    def clean(self):
        data = super().clean()
        alt = localized("image_alt", default_language())
        if data.get("image") and not data.get(alt):
            self.add_error(alt, _("Describe the image for people who cannot see it."))
        return data


class QuestionForm(TranslatedFieldsMixin, SafeForm):
    """A question and its answers in every language side by side. The answers are one per
    line, in the same order in every language; an asterisk in the default language marks
    each correct answer."""

    translated_fields = ("text", "answers")
    required_fields = ("text", "answers")
    translated_labels = {"text": _("Question"), "answers": _("Answers")}

    translated_form_fields = {
        "text": lambda: forms.CharField(max_length=500),
        "answers": lambda: forms.CharField(
            widget=forms.Textarea(attrs={"rows": 6}),
            help_text=_(
                "One answer per line, in the same order in every language. "
                "Start each correct answer with an asterisk (*)."
            ),
        ),
    }
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)

    def __init__(self, *args, module: Module, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        self.question = question

    def clean_position(self):
        position = self.cleaned_data.get("position")
        taken = (
            Question.objects.filter(module=self.module, position=position)
            .exclude(pk=self.question.pk if self.question else None)
            .exists()
        )
        if position and taken:
            raise ValidationError(_("Another question in this module has this position."))
        return position

    def clean(self):
        data = super().clean()
        default = default_language()
        default_field = localized("answers", default)
        raw = data.get(default_field)
        kind = data.get("kind")
        if not raw or kind is None:
            return data
        parsed = _parse_answer_lines(raw)
        correct = sum(1 for _t, ok in parsed if ok)
        if len(parsed) < 2:
            self.add_error(default_field, _("A question needs at least two answers."))
        elif correct == 0:
            self.add_error(default_field, _("Mark at least one answer as correct."))
        elif kind == Question.Kind.SINGLE and correct != 1:
            self.add_error(
                default_field, _("A single-choice question has exactly one correct answer.")
            )
        answers = [({default: text}, ok) for text, ok in parsed]
        for language in content_languages():
            if language == default:
                continue
            name = localized("answers", language)
            lines = _parse_answer_lines(data.get(name) or "")
            if lines and len(lines) != len(parsed):
                self.add_error(
                    name,
                    _("Give as many answers as in the default language, in the same order."),
                )
                continue
            for (texts, _ok), (text, _marked) in zip(answers, lines, strict=False):
                texts[language] = text
        data["parsed_answers"] = answers
        data["texts"] = {
            localized("text", language): data.get(localized("text", language)) or ""
            for language in content_languages()
        }
        return data


def _parse_answer_lines(raw: str) -> list[tuple[str, bool]]:
    parsed = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        correct = line.startswith("*")
        text = line.lstrip("*").strip()
        if text:
            parsed.append((text[:300], correct))
    return parsed


def question_initial(question: Question) -> dict:
    answers = list(question.answers.order_by("id"))
    initial = {"kind": question.kind, "position": question.position}
    default = default_language()
    for language in content_languages():
        initial[localized("text", language)] = text_in(question, "text", language)
        lines = [
            ("* " if a.is_correct and language == default else "") + text_in(a, "text", language)
            for a in answers
        ]
        initial[localized("answers", language)] = (
            "\n".join(lines) if any(text_in(a, "text", language) for a in answers) else ""
        )
    return initial
