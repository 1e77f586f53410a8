from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from ambassador.forms import SafeForm, SafeModelForm, SafeModelMultipleChoiceField
from ambassador.networks import Network
from training.models import GuidelineVersion, Lesson, Module, Programme, Question


class MissionForm(SafeModelForm):
    class Meta:
        model = Programme
        fields = ["mission_en", "mission_nb"]
        widgets = {
            "mission_en": forms.Textarea(attrs={"rows": 8}),
            "mission_nb": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {"mission_en": _("Markdown. A few paragraphs on why the programme exists.")}


class CaptionRulesForm(SafeModelForm):
    class Meta:
        model = Programme
        fields = [
            "disclosure_en",
            "disclosure_nb",
            "forbidden_phrases",
            "max_hashtags",
            "max_links",
        ]
        widgets = {"forbidden_phrases": forms.Textarea(attrs={"rows": 6})}

    def clean_forbidden_phrases(self):
        lines = [
            " ".join(line.split()) for line in self.cleaned_data["forbidden_phrases"].splitlines()
        ]
        unique = list(dict.fromkeys(line for line in lines if line))
        return "\n".join(unique)


class ProgrammeSettingsForm(SafeModelForm):
    class Meta:
        model = Programme
        fields = ["sharing_gate_enabled", "two_person_approval"]


class GuidelinesPublishForm(SafeForm):
    body_en = forms.CharField(
        label=_("Guidelines (English)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown. Use headings for sections per network."),
    )
    body_nb = forms.CharField(
        label=_("Guidelines (Norwegian)"),
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
    )
    change_summary = forms.CharField(
        label=_("Change summary"),
        max_length=300,
        help_text=_("Required. Tell people in one sentence what changed."),
    )

    change_summary_nb = forms.CharField(
        label=_("Change summary (Norwegian)"), max_length=300, required=False
    )

    def clean_change_summary(self):
        summary = " ".join(self.cleaned_data["change_summary"].split())
        if not summary:
            raise ValidationError(_("Say in a few words what changed in this version."))
        return summary


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


class ModuleForm(SafeModelForm):
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
            "title",
            "summary",
            "position",
            "audience",
            "is_published",
            "is_required",
            "due_days_after_joining",
            "due_date",
            "pass_mark",
            "max_attempts",
        ]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

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


class LessonForm(SafeModelForm):
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("An https:// link to the video."),
    )

    class Meta:
        model = Lesson
        fields = ["title", "position", "body", "image", "image_alt", "video_url"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {"body": _("Markdown.")}

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
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return data


class QuestionForm(SafeForm):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    position = forms.IntegerField(label=_("Position"), min_value=0, required=False)
    answers = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One answer per line. Start each correct answer with an asterisk (*)."),
    )

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
        raw = data.get("answers")
        kind = data.get("kind")
        if raw is None or kind is None:
            return data
        parsed = []
        for line in raw.splitlines():
            line = line.strip()
            if not line:
                continue
            correct = line.startswith("*")
            text = line.lstrip("*").strip()
            if text:
                parsed.append((text[:300], correct))
        correct = sum(1 for _t, ok in parsed if ok)
        if len(parsed) < 2:
            self.add_error("answers", _("A question needs at least two answers."))
        elif correct == 0:
            self.add_error("answers", _("Mark at least one answer as correct."))
        elif kind == Question.Kind.SINGLE and correct != 1:
            self.add_error("answers", _("A single-choice question has exactly one correct answer."))
        data["parsed_answers"] = parsed
        return data


def question_initial(question: Question) -> dict:
    return {
        "text": question.text,
        "kind": question.kind,
        "position": question.position,
        "answers": "\n".join(
            ("* " if a.is_correct else "") + a.text for a in question.answers.order_by("id")
        ),
    }
