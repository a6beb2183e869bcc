"""What the review stage reads from the stages before it (planning, support, delivery).

Each function here is small and stands alone, so a change in another stage's models means a
change here only. The trigger engine and the pages call these; nothing else in this app
imports another stage's models (apart from planning's Decision and Goal, which reviews link
to directly).
"""

from __future__ import annotations

from dataclasses import dataclass

from coplan.people.models import Person
from coplan.planning.models import Goal


@dataclass(frozen=True)
class Item:
    """One thing the person is asked about in a check-in."""

    kind: str  # an ItemKind value
    id: int | None
    label: str
    picture: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


def checkin_items(person: Person) -> list[Item]:
    """The things to ask about this week: the person's active goals (and, where the support
    stage has them, their routines and activities)."""
    goals = Goal.objects.filter(person=person, status=Goal.Status.ACTIVE).order_by("id")
    return [Item("goal", g.pk, g.in_own_words) for g in goals]


def record_counts_since(person: Person, since) -> dict[str, int]:
    """Counts from the shift records since `since` (refusals, declines, incidents), for a
    review's evidence. Empty until the delivery stage records them."""
    return {}
