"""Public reads of the training app that other apps (the sharing flow, reminders) call, one
module per entity: ``programme`` (and its caption rules), ``guidelines``, ``modules``,
``certificates``, ``gate`` (may this person share?) and ``teams`` (training status of teams)."""

from training.selectors.certificates import completion_by_code, completions_of
from training.selectors.gate import MissingStep, SharingGate, sharing_gate
from training.selectors.guidelines import (
    guideline_current,
    guideline_has_acknowledged,
    guideline_versions,
    users_without_current_acknowledgement,
)
from training.selectors.modules import (
    lesson_hidden_from,
    module_due_date,
    module_for,
    module_lessons,
    modules_for,
    question_failure_stats,
    quiz_attempt_count,
    quiz_questions,
)
from training.selectors.programme import (
    caption_final_text,
    caption_length_violation,
    caption_rules_for,
    caption_text_limit,
    caption_violations,
    programme_get,
)
from training.selectors.teams import (
    MODULE_COLUMNS,
    MODULE_ROWS,
    TEAM_PAGE_SIZE,
    TeamStatus,
    TeamsTraining,
    TeamTraining,
    team_statuses,
    team_training_for,
    teams_training_for,
)

__all__ = [
    "MODULE_COLUMNS",
    "MODULE_ROWS",
    "MissingStep",
    "SharingGate",
    "TEAM_PAGE_SIZE",
    "TeamStatus",
    "TeamTraining",
    "TeamsTraining",
    "caption_final_text",
    "caption_length_violation",
    "caption_rules_for",
    "caption_text_limit",
    "caption_violations",
    "completion_by_code",
    "completions_of",
    "guideline_current",
    "guideline_has_acknowledged",
    "guideline_versions",
    "lesson_hidden_from",
    "module_due_date",
    "module_for",
    "module_lessons",
    "modules_for",
    "programme_get",
    "question_failure_stats",
    "quiz_attempt_count",
    "quiz_questions",
    "sharing_gate",
    "team_statuses",
    "team_training_for",
    "teams_training_for",
    "users_without_current_acknowledgement",
]
