"""What review pages show of a trigger, as far as the reader may see."""

from __future__ import annotations

from collections.abc import Container

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
