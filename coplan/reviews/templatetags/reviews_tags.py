"""What review pages show of a trigger, as far as the reader may see."""

from __future__ import annotations

from collections.abc import Container
from datetime import date

from django import template

from coplan.access.rules import Action
from coplan.reviews import selectors
from coplan.reviews.models import ReviewTrigger

register = template.Library()


@register.filter
def shown_reason(trigger: ReviewTrigger, caps: Container[str]) -> str:
    """`{{ t|shown_reason:caps }}`: the reason, or a neutral label for a reader who may not
    see the shift records it quotes (the page's capabilities say)."""
    return selectors.trigger_reason(trigger, may_see_records=Action.VIEW_RECORDS in caps)


@register.filter
def latest_evidence(trigger: ReviewTrigger, caps: Container[str]) -> list[tuple[date, str]]:
    """`{{ t|latest_evidence:caps }}`: the records a trigger gathered, latest first, as
    (day, what), for a reader who may see the shift records: each "not practical" flag in
    its words, or each day's count of refusals or declines."""
    if Action.VIEW_RECORDS not in caps or not isinstance(trigger.evidence, dict):
        return []
    rows: list[tuple[date, str]] = []
    for flag in trigger.evidence.get("flags") or []:
        rows.append((date.fromisoformat(flag["day"]), str(flag["text"])))
    for day, n in (trigger.evidence.get("days") or {}).items():
        rows.append((date.fromisoformat(day), f"{n} on the day"))
    rows.sort(key=lambda row: row[0], reverse=True)
    return rows if len(rows) > 1 else []
