"""What the support plan adds to earlier stages' pages (see coplan/lib/contributions)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from coplan.lib.contributions import TodayRow, TodaySection, contribute
from coplan.support.selectors import superseded_citations


@contribute("access.today", order=60)
def elements_citing_superseded(*, services: list[int], **_: Any) -> TodaySection:
    """Plan elements in force that still cite a decision since replaced: to re-cite or
    retire. A fixed number of queries (superseded_citations)."""
    rows = []
    for found in superseded_citations(services):
        element = found["element"]
        questions = "; ".join(
            f"“{c.decision.question}”, replaced by "
            + (f"“{c.successor.question}”" if c.successor else "a later decision")
            for c in found["cites"]
        )
        rows.append(
            TodayRow(
                person=element.person.display_name,
                service_id=element.person.service_id,
                text=f"{element} cites {questions}",
                url=reverse(
                    "support:element",
                    kwargs={"person_id": element.person_id, "kind": element.kind, "pk": element.pk},
                ),
            )
        )
    return TodaySection(
        key="to-recite",
        short="To re-cite",
        title="To re-cite or retire",
        rows=rows,
        empty="No plan element cites a replaced decision.",
        hint="In force on shift but citing a decision that has been replaced.",
    )
