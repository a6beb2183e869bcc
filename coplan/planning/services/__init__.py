"""Every write to the planning stage: sessions, views before a session, decisions (with
their options and participants), goals, progress and the contingency plan.

Forms, the API, the admin and the demo seed all call these functions, so the web and the
API refuse the same bad input with the same message."""

from coplan.planning.services.common import (
    ACTION_FIELDS,
    AGREE_NOT_CONFIRMED,
    AGREED_CANNOT_CHANGE,
    BEST_INTERESTS_FIELDS,
    CARRIED_OVER,
    CHOICE_FIELDS,
    CONTINGENCY_FIELDS,
    DECISION_FIELDS,
    DEFAULT_PROMPTS,
    GOAL_FIELDS,
    INVITEE_FIELDS,
    OPTION_FIELDS,
    PARTICIPANT_FIELDS,
    PROMPT_FIELDS,
    SESSION_FIELDS,
    ContingencyFields,
    DecisionFields,
    GoalFields,
    M,
    PromptFields,
    Row,
    SessionFields,
)
from coplan.planning.services.contingency import contingency_plan_save
from coplan.planning.services.decisions import (
    decision_agree,
    decision_create,
    decision_delete,
    decision_problems,
    decision_supersede,
    decision_update,
    ensure_draft,
)
from coplan.planning.services.goals import goal_create, goal_progress_add, goal_update
from coplan.planning.services.prompts import (
    prompt_create,
    prompt_library_seed_defaults,
    prompt_update,
)
from coplan.planning.services.sessions import (
    session_create,
    session_record_taking_part,
    session_update,
    session_view_add,
)

__all__ = [
    "ACTION_FIELDS",
    "AGREED_CANNOT_CHANGE",
    "AGREE_NOT_CONFIRMED",
    "BEST_INTERESTS_FIELDS",
    "CARRIED_OVER",
    "CHOICE_FIELDS",
    "CONTINGENCY_FIELDS",
    "ContingencyFields",
    "DECISION_FIELDS",
    "DEFAULT_PROMPTS",
    "DecisionFields",
    "GOAL_FIELDS",
    "GoalFields",
    "INVITEE_FIELDS",
    "M",
    "OPTION_FIELDS",
    "PARTICIPANT_FIELDS",
    "PROMPT_FIELDS",
    "PromptFields",
    "Row",
    "SESSION_FIELDS",
    "SessionFields",
    "contingency_plan_save",
    "decision_agree",
    "decision_create",
    "decision_delete",
    "decision_problems",
    "decision_supersede",
    "decision_update",
    "ensure_draft",
    "goal_create",
    "goal_progress_add",
    "goal_update",
    "prompt_create",
    "prompt_library_seed_defaults",
    "prompt_update",
    "session_create",
    "session_record_taking_part",
    "session_update",
    "session_view_add",
]
