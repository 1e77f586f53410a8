"""Mission, versioned posting guidelines, caption rules, training modules and certificates."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ambassador import translated

PROGRAMME_ID = 1

# Unambiguous upper-case letters and digits (no 0/O, 1/I/L) for codes people type in.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class Programme(models.Model):
    """The one programme row (id 1): mission, caption rules and the sharing gate switch."""

    # Translated (training/translation.py): mission_en, mission_nb, disclosure_en, …
    mission = models.TextField(_("mission"), blank=True)
    sharing_gate_enabled = models.BooleanField(
        _("sharing gate"),
        default=False,
        help_text=_(
            "When on, people must acknowledge the current guidelines and complete the "
            "required modules before they can share."
        ),
    )
    two_person_approval = models.BooleanField(
        _("two people approve"),
        default=False,
        help_text=_(
            "When on, content is approved by someone other than the person who created or "
            "suggested it."
        ),
    )
    disclosure = models.CharField(
        _("disclosure"),
        max_length=100,
        blank=True,
        help_text=_("Appended to every caption, e.g. #employee."),
    )
    forbidden_phrases = models.TextField(
        _("forbidden words and phrases"), blank=True, help_text=_("One per line.")
    )
    max_hashtags = models.PositiveSmallIntegerField(
        _("maximum hashtags"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    max_links = models.PositiveSmallIntegerField(
        _("maximum links"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programme")
        constraints = [
            models.CheckConstraint(condition=Q(id=PROGRAMME_ID), name="training_programme_single"),
        ]

    def __str__(self) -> str:
        return str(_("Programme"))

    def mission_for(self, language: str | None = None) -> str:
        return translated.read(self, "mission", language)

    def disclosure_for(self, language: str | None = None) -> str:
        return translated.read(self, "disclosure", language).strip()

    def forbidden_phrase_list(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.forbidden_phrases.splitlines() if line.strip())


class GuidelineVersionQuerySet(models.QuerySet):
    def current(self) -> GuidelineVersion | None:
        return self.order_by("-number").first()


class GuidelineVersion(models.Model):
    """One published version of the posting guidelines. Versions are never edited."""

    number = models.PositiveIntegerField(_("version"))
    # Translated (training/translation.py): body_en, body_nb, change_summary_en, …
    body = models.TextField(_("guidelines"))
    change_summary = models.CharField(_("change summary"), max_length=300)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when people were told about this version; claimed with a conditional UPDATE.
    announced_at = models.DateTimeField(_("announced at"), null=True, blank=True)

    objects = GuidelineVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("guidelines version")
        verbose_name_plural = _("guidelines versions")
        constraints = [
            models.UniqueConstraint(fields=["number"], name="training_guideline_number_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="training_guideline_number_gte_1"
            ),
            models.CheckConstraint(
                condition=~Q(change_summary=""), name="training_guideline_summary_required"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Guidelines version %(number)d") % {"number": self.number})

    def summary_for(self, language: str | None = None) -> str:
        return translated.read(self, "change_summary", language)

    def body_for(self, language: str | None = None) -> str:
        return translated.read(self, "body", language)


class GuidelineAcknowledgement(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="guideline_acknowledgements",
    )
    version = models.ForeignKey(
        GuidelineVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), default=timezone.now)

    class Meta:
        verbose_name = _("guidelines acknowledgement")
        verbose_name_plural = _("guidelines acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="training_ack_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged v{self.version_id}"


class Module(models.Model):
    """A training module: ordered lessons and a quiz at the end."""

    class Audience(models.TextChoices):
        EVERYONE = "EVERYONE", _("Everyone")
        MANAGERS = "MANAGERS", _("Managers only")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    teams = models.ManyToManyField(
        "accounts.Team",
        verbose_name=_("teams"),
        blank=True,
        related_name="training_modules",
        help_text=_("Leave empty for every team."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    is_required = models.BooleanField(_("required"), default=False)
    due_days_after_joining = models.PositiveIntegerField(
        _("due (days after joining)"), null=True, blank=True
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, help_text=_("Share of questions to get right, 1-100.")
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, help_text=_("Empty: unlimited retries.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="training_module_pass_mark_range",
            ),
            models.CheckConstraint(
                condition=Q(due_days_after_joining__isnull=True) | Q(due_date__isnull=True),
                name="training_module_one_due_rule",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1),
                name="training_module_max_attempts_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"), blank=True)
    image = models.ImageField(_("image"), upload_to="training/lessons/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), blank=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "position"], name="training_lesson_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class LessonRead(models.Model):
    """A person has read a lesson (progress through a module)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons_read"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="training_lesson_read_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.lesson_id}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "SINGLE", _("Single choice")
        MULTIPLE = "MULTIPLE", _("Multiple choice")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("position"), default=0)
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SINGLE)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "position"], name="training_question_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveSmallIntegerField(_("score (%)"))
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [models.Index(fields=["user", "module"])]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="training_attempt_score_max"),
            # A module is passed once; a second passing attempt is refused by the database too.
            models.UniqueConstraint(
                fields=["user", "module"],
                condition=Q(passed=True),
                name="training_attempt_one_pass",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.module_id}: {self.score}%"


class QuestionResult(models.Model):
    """Whether one question was answered correctly in one attempt (failure statistics)."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="results")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="results")
    correct = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="training_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question_id}: {self.correct}"


class Completion(models.Model):
    """A completed module, and its certificate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)
    code = models.CharField(
        _("verification code"), max_length=16, unique=True, default=new_verification_code
    )

    class Meta:
        verbose_name = _("completed module")
        verbose_name_plural = _("completed modules")
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="training_completion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.module}"
