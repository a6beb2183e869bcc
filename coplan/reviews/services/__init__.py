"""Every write to the review stage: check-ins, working / not working, triggers (by hand and
by the trigger engine) and reviews.

Views, the API, the management command, the background task and the demo seed all call
these functions, so every door refuses the same bad input with the same message."""

from coplan.reviews.services.checkins import checkin_record, queue_scan
from coplan.reviews.services.common import (
    ALREADY_CLOSED,
    CLOSE_NEEDS_REASON,
    HAND_KINDS,
    QUESTION_FIELDS,
    REVIEW_CONCLUDED,
    week_start_of,
)
from coplan.reviews.services.engine import people_in_scope, scan
from coplan.reviews.services.reviews import review_conclude, review_contribute, review_open
from coplan.reviews.services.triggers import trigger_close, trigger_open_by_hand
from coplan.reviews.services.working_not_working import working_not_working_add

__all__ = [
    "ALREADY_CLOSED",
    "CLOSE_NEEDS_REASON",
    "HAND_KINDS",
    "QUESTION_FIELDS",
    "REVIEW_CONCLUDED",
    "checkin_record",
    "people_in_scope",
    "queue_scan",
    "review_conclude",
    "review_contribute",
    "review_open",
    "scan",
    "trigger_close",
    "trigger_open_by_hand",
    "week_start_of",
    "working_not_working_add",
]
