"""Planning pages: preparation, views before a session, decision capture, goals and the
contingency plan. Each view checks access, calls a service or selector, renders."""

from coplan.planning.views.contingency import contingency, contingency_edit
from coplan.planning.views.decisions import (
    decision_add,
    decision_agree,
    decision_delete,
    decision_detail,
    decision_edit,
    decision_log,
    decision_supersede,
)
from coplan.planning.views.goals import goal_add, goal_detail, goal_edit, progress_add
from coplan.planning.views.overview import plan_home
from coplan.planning.views.prompts import prompt_edit, prompt_library
from coplan.planning.views.sessions import (
    session_add,
    session_detail,
    session_edit,
    session_sheet,
    session_taking_part,
    session_view_add,
    views_home,
)

__all__ = [
    "contingency",
    "contingency_edit",
    "decision_add",
    "decision_agree",
    "decision_delete",
    "decision_detail",
    "decision_edit",
    "decision_log",
    "decision_supersede",
    "goal_add",
    "goal_detail",
    "goal_edit",
    "plan_home",
    "progress_add",
    "prompt_edit",
    "prompt_library",
    "session_add",
    "session_detail",
    "session_edit",
    "session_sheet",
    "session_taking_part",
    "session_view_add",
    "views_home",
]
