"""Reads for the planning stage, each in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from coplan.accounts.models import Organisation
from coplan.lib.contributions import gather
from coplan.people.models import DecisionAgreementEntry, Person
from coplan.planning.models import (
    AgendaPrompt,
    CoproductionSession,
    Decision,
    DecisionOption,
    Domain,
    Goal,
    GoalProgress,
    SessionView,
)

# Words that tie a decision-making agreement entry ("My morning routine", "Going out on my
# own") to a decision domain, so the final say can be filled in for the user.
DOMAIN_WORDS: dict[str, tuple[str, ...]] = {
    Domain.GOALS: ("goal", "outcome", "future", "activit", "what i do"),
    Domain.SUPPORT: ("support", "routine", "personal care", "daily", "morning", "care"),
    Domain.RISK: ("risk", "safe", "travel", "going out", "on my own", "money"),
    Domain.REVIEW: ("review", "progress", "plan"),
}


def sessions_for(person: Person) -> QuerySet[CoproductionSession]:
    return person.sessions.annotate(
        choice_count=Count("choices", distinct=True), view_count=Count("views", distinct=True)
    ).order_by("-scheduled_for")


def upcoming_sessions_for(person: Person) -> QuerySet[CoproductionSession]:
    return person.sessions.filter(status=CoproductionSession.Status.PLANNED).order_by(
        "scheduled_for"
    )


def sessions_for_page() -> QuerySet[CoproductionSession]:
    """Sessions with everything their page shows, for the access helper to fetch one."""
    return CoproductionSession.objects.select_related(
        "person__service", "created_by"
    ).prefetch_related(
        "choices",
        "invitees",
        Prefetch("views", queryset=SessionView.objects.select_related("recorded_by")),
        Prefetch("decisions", queryset=Decision.objects.order_by("-created_at")),
    )


def session_page(session_id: int) -> CoproductionSession:
    return sessions_for_page().get(pk=session_id)


def default_information_formats(person: Person) -> list[str]:
    """The formats the person's active communication needs ask for, to prepare by default."""
    return sorted(
        {
            n.information_format
            for n in person.communication_needs.all()
            if n.is_active and n.information_format
        }
    )


def decision_profile(person: Person):
    return getattr(person, "decision_profile", None)


def agreement_entries(person: Person) -> list[DecisionAgreementEntry]:
    return list(person.decision_agreement.all())


def agreement_for_domain(
    entries: list[DecisionAgreementEntry], domain: str | None
) -> DecisionAgreementEntry | None:
    """The decision-making agreement entry whose kind matches this domain, if one does."""
    if not domain:
        return None
    words = DOMAIN_WORDS.get(domain, ())
    for entry in entries:
        kind = entry.decision_kind.lower()
        if any(word in kind for word in words):
            return entry
    return None


def prompt_library(organisation: Organisation, *, active_only: bool = True):
    qs = AgendaPrompt.objects.filter(organisation=organisation)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("domain", "position", "id")


def prompts_by_domain(prompts) -> list[tuple[str, list[AgendaPrompt]]]:
    labels = dict(Domain.choices)
    grouped: dict[str, list[AgendaPrompt]] = {}
    for prompt in prompts:
        grouped.setdefault(prompt.domain, []).append(prompt)
    return [(labels[d], grouped[d]) for d in Domain.values if d in grouped]


def decision_log(person: Person, *, domain: str = "", status: str = "") -> QuerySet[Decision]:
    qs = (
        Decision.objects.filter(person=person)
        .select_related("agreed_by", "created_by", "supersedes", "superseded_by", "session")
        .prefetch_related(
            Prefetch(
                "options",
                queryset=DecisionOption.objects.filter(is_chosen=True),
                to_attr="chosen_options",
            )
        )
        .order_by("-created_at", "-id")
    )
    if domain:
        qs = qs.filter(domain=domain)
    if status:
        qs = qs.filter(status=status)
    return qs


def decisions_for_api(person: Person, *, domain: str = "", status: str = ""):
    qs = (
        Decision.objects.filter(person=person)
        .select_related("agreed_by", "superseded_by")
        .prefetch_related("options", "participants")
    )
    if domain:
        qs = qs.filter(domain=domain)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def decisions_for_page() -> QuerySet[Decision]:
    """Decisions with everything their page shows, for the access helper to fetch one."""
    return Decision.objects.select_related(
        "person__service",
        "agreed_by",
        "created_by",
        "session",
        "supersedes__agreed_by",
        "superseded_by__agreed_by",
    ).prefetch_related("options", "participants", "goals")


def decision_page(decision_id: int) -> Decision:
    return decisions_for_page().get(pk=decision_id)


def decision_chain(decision: Decision, limit: int = 50) -> list[Decision]:
    """Every version of this decision, oldest first: what it replaced and what replaced it.

    Versions of a decision are all the person's, so one query reads every decision of theirs
    that supersedes or is superseded by another, and the chain is walked in memory. None at
    all when the decision stands alone (decision_page has read both its links)."""
    if decision.supersedes_id is None and not _has_successor(decision):
        return [decision]
    linked = {
        d.pk: d
        for d in Decision.objects.filter(person_id=decision.person_id)
        .filter(Q(supersedes__isnull=False) | Q(superseded_by__isnull=False))
        .select_related("agreed_by")
    }
    successor = {d.supersedes_id: d for d in linked.values() if d.supersedes_id}
    earlier: list[Decision] = []
    current = decision
    while current.supersedes_id in linked and len(earlier) < limit:
        current = linked[current.supersedes_id]
        earlier.append(current)
    later: list[Decision] = []
    current = decision
    while current.pk in successor and len(later) < limit:
        current = successor[current.pk]
        later.append(current)
    return [*reversed(earlier), decision, *later]


def _has_successor(decision: Decision) -> bool:
    try:
        return decision.superseded_by is not None
    except Decision.superseded_by.RelatedObjectDoesNotExist:
        return False


def decision_shaped(decision: Decision) -> list[dict[str, Any]]:
    """What this decision shaped in practice: the plan elements that cite it, as rows of
    {"kind", "title", "url"}. Planning knows none of them: later stages (support's routines,
    rhythms and instructions; risk's plans) contribute them to the slot."""
    return gather("planning.decision_shaped", decision=decision)


def goals_for(person: Person) -> QuerySet[Goal]:
    return (
        person.goals.prefetch_related("actions", "decisions")
        .annotate(progress_count=Count("progress"))
        .order_by("status", "-importance", "id")
    )


def goals_for_page() -> QuerySet[Goal]:
    """Goals with everything their page shows, for the access helper to fetch one."""
    return Goal.objects.select_related("person__service", "created_by").prefetch_related(
        "actions",
        "decisions",
        Prefetch("progress", queryset=GoalProgress.objects.select_related("recorded_by")),
    )


def goal_page(goal_id: int) -> Goal:
    return goals_for_page().get(pk=goal_id)


def progress_points(goal: Goal) -> list[dict[str, Any]]:
    """One point per progress entry, for the chart and its table."""
    points = []
    for entry in goal.progress.all():
        if goal.measure == Goal.Measure.CHECKLIST:
            value = len(entry.checklist_done)
        else:
            value = entry.value or 0
        points.append({"entry": entry, "value": value})
    return points


def progress_scale(goal: Goal, points: list[dict[str, Any]]) -> int:
    if goal.measure == Goal.Measure.RATING:
        return goal.scale_max or 10
    if goal.measure == Goal.Measure.CHECKLIST:
        return max(len(goal.checklist), 1)
    return max([goal.target_value or 0, *[p["value"] for p in points], 1])


def plan_counts(person: Person) -> dict[str, int]:
    return person.decisions.aggregate(
        drafts=Count("id", filter=Q(status=Decision.Status.DRAFT)),
        agreed=Count("id", filter=Q(status=Decision.Status.AGREED)),
        superseded=Count("id", filter=Q(status=Decision.Status.SUPERSEDED)),
    )
