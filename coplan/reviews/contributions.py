"""What the reviews stage adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from coplan.lib.contributions import contribute
from coplan.reviews.models import ReviewTrigger
from coplan.risk.models import RiskPlan


@contribute("risk.mini_reviews")
def mini_reviews(*, plan: RiskPlan, **_: Any) -> list[tuple[int, ReviewTrigger]]:
    """The mini-review opened for each incident under this risk plan, keyed by incident id.
    One query."""
    prefix = f"incident:risk_plan:{plan.pk}:incident:"
    triggers = ReviewTrigger.objects.filter(person_id=plan.person_id, dedupe_key__startswith=prefix)
    return [(int(t.dedupe_key.removeprefix(prefix)), t) for t in triggers]
