"""Evidence packs: for one person or a whole service, over a period, the evidence a provider
hands to a commissioner or an inspector, as HTML and as PDF.

A pack is a list of sections, each made by a small builder (`SECTIONS`) that returns a
`Section`: its title, the CQC quality statements it evidences, which of CQC's six evidence
categories it is, and the template and context that show it. The content is rendered once,
kept with the pack, and carries a SHA-256 checksum that the verification page checks.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from coplan.access.models import AccessLog
from coplan.accounts.models import Service, User
from coplan.assurance import alignment, charts, index, spotchecks, trends
from coplan.assurance.models.packs import EvidencePack, digest
from coplan.delivery.models import DailyNote, Incident
from coplan.easyread import pdf as easy_read_pdf
from coplan.easyread import selectors as easy_read
from coplan.lib import input as policy
from coplan.people.models import Person
from coplan.planning.models import Decision, DecisionOption, DecisionParticipant
from coplan.reviews.models import CheckIn, CheckInAnswer, Review, ReviewTrigger, WorkingNotWorking
from coplan.risk.models import PracticeSession

# CQC's single assessment framework: the quality statements, by key question (DESIGN.md).
QUALITY_STATEMENTS: dict[str, list[str]] = {
    "Safe": [
        "Learning culture",
        "Safe systems, pathways and transitions",
        "Safeguarding",
        "Involving people to manage risks",
        "Safe environments",
        "Safe and effective staffing",
        "Infection prevention and control",
        "Medicines optimisation",
    ],
    "Effective": [
        "Assessing needs",
        "Delivering evidence-based care and treatment",
        "How staff, teams and services work together",
        "Supporting people to live healthier lives",
        "Monitoring and improving outcomes",
        "Consent to care and treatment",
    ],
    "Caring": [
        "Kindness, compassion and dignity",
        "Treating people as individuals",
        "Independence, choice and control",
        "Responding to people's immediate needs",
        "Workforce wellbeing and enablement",
    ],
    "Responsive": [
        "Person-centred care",
        "Care provision, integration and continuity",
        "Providing information",
        "Listening to and involving people",
        "Equity in access",
        "Equity in experiences and outcomes",
        "Planning for the future",
    ],
    "Well-led": [
        "Shared direction and culture",
        "Capable, compassionate and inclusive leaders",
        "Freedom to speak up",
        "Workforce equality, diversity and inclusion",
        "Governance, management and sustainability",
        "Partnerships and communities",
        "Learning, improvement and innovation",
    ],
}
KEY_QUESTION = {s: q for q, names in QUALITY_STATEMENTS.items() for s in names}

# CQC's six evidence categories.
PEOPLES_EXPERIENCE = "People's experience"
STAFF_FEEDBACK = "Feedback from staff and leaders"
PARTNER_FEEDBACK = "Feedback from partners"
OBSERVATION = "Observation"
PROCESSES = "Processes"
OUTCOMES = "Outcomes"
EVIDENCE_CATEGORIES = [
    PEOPLES_EXPERIENCE,
    STAFF_FEEDBACK,
    PARTNER_FEEDBACK,
    OBSERVATION,
    PROCESSES,
    OUTCOMES,
]


@dataclass(frozen=True)
class PackScope:
    """What a pack is about: one person or a service, over a period."""

    scope: trends.Scope
    period: trends.Period

    @property
    def person(self) -> Person | None:
        return self.scope.person

    @property
    def service(self) -> Service:
        return self.scope.service

    def q(self, path: str = "person") -> Q:
        return self.scope.q(path)


@dataclass
class Section:
    key: str
    title: str
    statements: list[str]
    category: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = [s for s in self.statements if s not in KEY_QUESTION]
        if unknown or self.category not in EVIDENCE_CATEGORIES:
            raise ValueError(f"Not a CQC statement or category: {unknown or self.category}")

    @property
    def statements_by_question(self) -> list[tuple[str, str]]:
        return [(KEY_QUESTION[s], s) for s in self.statements]


SectionBuilder = Callable[[PackScope], Section | None]


# The sections ----------------------------------------------------------------------------


def decisions_section(ps: PackScope) -> Section:
    """Each decision agreed in the period: the options weighed, who took part and how, what
    was agreed and why, and the person's own words."""
    decisions = (
        Decision.objects.filter(ps.q(), ps.period.moments("agreed_at"))
        .filter(status__in=[Decision.Status.AGREED, Decision.Status.SUPERSEDED])
        .select_related("person", "agreed_by", "supersedes")
        .prefetch_related(
            Prefetch("options", queryset=DecisionOption.objects.order_by("position", "id")),
            Prefetch("participants", queryset=DecisionParticipant.objects.order_by("id")),
        )
        .order_by("agreed_at", "id")
    )
    return Section(
        key="decisions",
        title="Decisions: the options considered, who was involved, what was agreed and why",
        statements=[
            "Person-centred care",
            "Independence, choice and control",
            "Listening to and involving people",
            "Consent to care and treatment",
            "Involving people to manage risks",
        ],
        category=PROCESSES,
        template="assurance/pack/_decisions.html",
        context={"decisions": list(decisions), "whole_service": ps.person is None},
    )


OWN_VOICE = [CheckIn.AnsweredBy.PERSON, CheckIn.AnsweredBy.STAFF_WITH_PERSON]


def voice_section(ps: PackScope) -> Section:
    """The person's own words: in decisions, daily notes, practice sessions, their weekly
    check-ins and what is working and not working from where they stand."""
    words: list[dict[str, Any]] = []
    for d in (
        Decision.objects.filter(ps.q(), ps.period.moments("agreed_at"))
        .exclude(persons_words="")
        .select_related("person")
    ):
        words.append(
            {
                "at": d.agreed_at,
                "person": d.person,
                "where": f"Decision {d.pk}",
                "words": d.persons_words,
            }
        )
    for n in (
        DailyNote.objects.filter(ps.q(), ps.period.moments("occurred_at"))
        .exclude(persons_words="")
        .select_related("person")
    ):
        words.append(
            {
                "at": n.occurred_at,
                "person": n.person,
                "where": "Daily note",
                "words": n.persons_words,
            }
        )
    for s in (
        PracticeSession.objects.filter(ps.q(), ps.period.moments("occurred_at"))
        .exclude(persons_words="")
        .select_related("person")
    ):
        words.append(
            {
                "at": s.occurred_at,
                "person": s.person,
                "where": f"Practice: {s.route}",
                "words": s.persons_words,
            }
        )
    words.sort(key=lambda w: w["at"])
    checkins = (
        CheckIn.objects.filter(
            ps.q(),
            answered_by__in=OWN_VOICE,
            week_start__gte=ps.period.start,
            week_start__lte=ps.period.end,
        )
        .select_related("person")
        .prefetch_related(Prefetch("answers", queryset=CheckInAnswer.objects.order_by("id")))
        .order_by("week_start", "id")
    )
    working = (
        WorkingNotWorking.objects.filter(
            ps.q(),
            perspective="person",
            on__gte=ps.period.start,
            on__lte=ps.period.end,
        )
        .select_related("person")
        .order_by("on", "id")
    )
    return Section(
        key="voice",
        title="The person's voice: their words and their check-ins",
        statements=[
            "Listening to and involving people",
            "Treating people as individuals",
            "Person-centred care",
        ],
        category=PEOPLES_EXPERIENCE,
        template="assurance/pack/_voice.html",
        context={
            "words": words,
            "checkins": list(checkins),
            "working": list(working),
            "whole_service": ps.person is None,
        },
    )


def trends_section(ps: PackScope) -> Section:
    """The trends, each a chart with its table, decisions marked."""
    series = trends.all_trends(ps.scope, ps.period)
    return Section(
        key="trends",
        title="Trends, with the decisions that changed the plan marked",
        statements=["Monitoring and improving outcomes", "Independence, choice and control"],
        category=OUTCOMES,
        template="assurance/pack/_trends.html",
        context={
            "charts": [charts.chart(s, chart_id=f"pack-{s.key}") for s in series],
            "period": ps.period,
        },
    )


def on_time(trigger: ReviewTrigger) -> bool | None:
    """Reviewed by its due date: True or False once closed, None while open and not due."""
    if trigger.status == ReviewTrigger.Status.REVIEWED and trigger.closed_at is not None:
        return timezone.localdate(trigger.closed_at) <= trigger.due_on
    if trigger.status == ReviewTrigger.Status.WAITING:
        return None
    return None if trigger.due_on >= timezone.localdate() else False


def reviews_section(ps: PackScope) -> Section:
    """Review triggers in the period, whether each was reviewed on time, and the reviews
    concluded with what they decided."""
    triggers = list(
        ReviewTrigger.objects.filter(
            ps.q(),
            Q(due_on__gte=ps.period.start, due_on__lte=ps.period.end)
            | Q(ps.period.moments("created_at")),
        )
        .select_related("person")
        .order_by("due_on", "id")
    )
    rows = [{"trigger": t, "on_time": on_time(t)} for t in triggers]
    decided = [r for r in rows if r["on_time"] is not None]
    reviews = (
        Review.objects.filter(ps.q(), ps.period.moments("concluded_at"))
        .select_related("person")
        .prefetch_related("new_decisions")
        .order_by("concluded_at", "id")
    )
    return Section(
        key="reviews",
        title="Review triggers and whether reviews were on time",
        statements=[
            "Governance, management and sustainability",
            "Monitoring and improving outcomes",
            "Learning, improvement and innovation",
        ],
        category=PROCESSES,
        template="assurance/pack/_reviews.html",
        context={
            "rows": rows,
            "on_time": sum(1 for r in decided if r["on_time"]),
            "decided": len(decided),
            "reviews": list(reviews),
            "whole_service": ps.person is None,
        },
    )


def incidents_section(ps: PackScope) -> Section:
    """Incidents, the plan element involved, what was done, and what the mini-review that
    followed learned."""
    incidents = list(
        Incident.objects.filter(ps.q(), ps.period.moments("occurred_at"))
        .select_related("person", "routine_version__routine", "rhythm_version__rhythm")
        .order_by("occurred_at", "id")
    )
    learned: dict[int, list[Review]] = {}
    mini = (
        ReviewTrigger.objects.filter(
            person_id__in={i.person_id for i in incidents}, kind=ReviewTrigger.Kind.INCIDENT
        )
        .prefetch_related(Prefetch("reviews", queryset=Review.objects.order_by("id")))
        .only("id", "evidence", "person_id")
    )
    for t in mini if incidents else []:
        incident_id = (t.evidence or {}).get("incident_id")
        if incident_id is not None:
            learned.setdefault(int(incident_id), []).extend(t.reviews.all())
    return Section(
        key="incidents",
        title="Incidents and what was learned",
        statements=["Learning culture", "Safeguarding", "Involving people to manage risks"],
        category=PROCESSES,
        template="assurance/pack/_incidents.html",
        context={
            "rows": [{"incident": i, "reviews": learned.get(i.pk, [])} for i in incidents],
            "whole_service": ps.person is None,
        },
    )


def index_section(ps: PackScope) -> Section:
    """The co-production index: for each person and each part of the plan, influence,
    practice and review discipline side by side, never blended, each with how it was counted;
    people whose plan is described but not delivered are named first."""
    start, end = ps.period.start, ps.period.end
    # The pack shows the figures and the records why, not every record behind them.
    if ps.person is not None:
        people = [index.person_index(ps.person, start, end, every_record=False)]
    else:
        people = sorted(
            index.service_index(ps.service, start, end, every_record=False),
            key=lambda p: (not p.flagged, p.name),
        )
    return Section(
        key="index",
        title="The co-production index: influence, practice and review discipline",
        statements=[
            "Person-centred care",
            "Independence, choice and control",
            "Monitoring and improving outcomes",
        ],
        category=OUTCOMES,
        template="assurance/pack/_index.html",
        context={
            "people": people,
            "threshold": index.PRACTICE_THRESHOLD,
            "whole_service": ps.person is None,
        },
    )


def checks_section(ps: PackScope) -> Section:
    """Whether staff follow what was agreed: alignment checks in supervision and observation
    (the share aligned per staff member and per routine, and the follow-ups still open), and
    the service's spot checks of records with their findings."""
    start, end = ps.period.start, ps.period.end
    if ps.person is not None:
        summary = alignment.alignment_summary(person=ps.person, start=start, end=end)
    else:
        summary = alignment.alignment_summary(service=ps.service, start=start, end=end)
    return Section(
        key="checks",
        title="Staff follow what was agreed: alignment and spot checks",
        statements=[
            "Safe and effective staffing",
            "Governance, management and sustainability",
            "Learning, improvement and innovation",
        ],
        category=OBSERVATION,
        template="assurance/pack/_checks.html",
        context={
            "alignment": summary,
            "spot": spotchecks.spot_check_results(ps.service, start, end),
            "whole_service": ps.person is None,
        },
    )


def easy_read_section(ps: PackScope) -> Section | None:
    """The person's own version of their plan, in easy read, as they see it today (a whole
    service's pack leaves it out: each person's is in their own pack)."""
    if ps.person is None:
        return None
    return Section(
        key="easy-read",
        title="The person's own version of the plan (easy read)",
        statements=["Providing information", "Person-centred care"],
        category=PEOPLES_EXPERIENCE,
        template="assurance/pack/_easy_read.html",
        context={"easy": easy_read.plan_easy_read(ps.person)},
    )


# The pack is these sections, in order.
SECTIONS_ADDED_AT_MERGE: list[SectionBuilder] = [easy_read_section, index_section, checks_section]
SECTIONS: list[SectionBuilder] = [
    decisions_section,
    voice_section,
    *SECTIONS_ADDED_AT_MERGE,
    trends_section,
    reviews_section,
    incidents_section,
]


def build_sections(
    ps: PackScope, progress: Callable[[int, str], None] | None = None
) -> list[Section]:
    built: list[Section] = []
    for n, builder in enumerate(SECTIONS):
        section = builder(ps)
        if section is not None:
            built.append(section)
            if progress is not None:
                progress(n + 1, section.title)
    return built


def render_body(pack: EvidencePack, sections: list[Section]) -> str:
    """The pack's content: what it is about, its period, when and by whom it was made, and
    every section. The checksum is of exactly this."""
    rendered = [
        {"section": s, "html": render_to_string(s.template, {**s.context, "section": s})}
        for s in sections
    ]
    return render_to_string("assurance/pack/_body.html", {"pack": pack, "sections": rendered})


_INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_SVG_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)


def _as_image(match: re.Match) -> str:
    # WeasyPrint draws an SVG image (text stays text in the PDF) much faster than inline
    # SVG, whose every style attribute it would first read as page CSS.
    svg = match.group(0)
    title = _SVG_TITLE.search(svg)
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = title.group(1) if title else "Chart"
    return f'<img class="chart-image" src="data:image/svg+xml;base64,{data}" alt="{alt}">'


def render_pdf(pack: EvidencePack) -> bytes:
    from weasyprint import HTML

    content = mark_safe(_INLINE_SVG.sub(_as_image, pack.html))  # noqa: S308 (our own render)
    document = render_to_string("assurance/pack/print.html", {"pack": pack, "content": content})
    # Pictograms in the easy-read section are read from disk, never fetched.
    return HTML(
        string=document,
        base_url="http://coplan.invalid/",
        url_fetcher=easy_read_pdf.static_fetcher(),
    ).write_pdf()


def pack_scope(pack: EvidencePack) -> PackScope:
    scope = trends.Scope(service=pack.service, person=pack.person)
    return PackScope(scope=scope, period=trends.Period(pack.start, pack.end))


# Services --------------------------------------------------------------------------------

MAX_PERIOD_DAYS = 366 * 3


def _check_period(start: date, end: date) -> None:
    problems = {
        name: problem
        for name, value in (("start", start), ("end", end))
        if (problem := policy.RECORD.problem(value))
    }
    if problems:
        raise ValidationError(problems)
    if end < start:
        raise ValidationError({"end": "The period must end on or after its start."})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ValidationError({"end": "Choose a period of 3 years or less."})
    if end > timezone.localdate():
        raise ValidationError({"end": "The period cannot end in the future."})


def _log_build(pack: EvidencePack, by: User, path: str, what: str) -> None:
    people = (
        [pack.person]
        if pack.person_id
        else Person.objects.filter(service=pack.service, is_active=True)
    )
    AccessLog.objects.bulk_create(
        AccessLog(
            user=by, person=p, what=what[:200], action=AccessLog.Action.EXPORT, path=path[:500]
        )
        for p in people
    )


@transaction.atomic
def pack_request(
    *,
    by: User,
    service: Service,
    person: Person | None,
    start: date,
    end: date,
    client_key=None,
    path: str = "",
) -> tuple[EvidencePack, bool]:
    """Ask for a pack to be made (in the background). Asking again with the same client
    key returns the first pack. Who may ask is decided by the access rules, before this.
    Returns the pack and whether it is new."""
    if client_key is not None:
        existing = EvidencePack.objects.filter(made_by=by, client_key=client_key).first()
        if existing is not None:
            return existing, False
    _check_period(start, end)
    if person is not None and person.service_id != service.pk:
        raise ValidationError("The person is not supported in this service.")
    pack = EvidencePack(
        service=service,
        person=person,
        start=start,
        end=end,
        made_by=by,
        made_by_name=str(by),
        client_key=client_key,
    )
    pack.full_clean()
    pack.save()
    _log_build(pack, by, path, f"Evidence pack {pack.pk} made ({start:%d %b %Y} to {end:%d %b %Y})")
    from coplan.assurance.tasks import build_pack_task

    transaction.on_commit(lambda: build_pack_task.enqueue(pack.pk))
    return pack, True


def _set_progress(pack: EvidencePack, percent: int, step: str) -> None:
    EvidencePack.objects.filter(pk=pack.pk).update(
        progress=min(percent, 100), step=step[:200], status=EvidencePack.Status.BUILDING
    )


def pack_build(*, pack: EvidencePack) -> EvidencePack:
    """Make the pack's content, checksum and PDF, telling its progress as it goes."""
    total = len(SECTIONS) + 2  # the sections, then the content, then the PDF
    _set_progress(pack, 1, "Starting")
    try:
        sections = build_sections(
            pack_scope(pack),
            lambda n, title: _set_progress(pack, int(100 * n / total), title),
        )
        pack.html = render_body(pack, sections)
        pack.checksum = digest(pack.html)
        _set_progress(pack, int(100 * (total - 1) / total), "Making the PDF")
        pack.pdf = render_pdf(pack)
    except Exception as exc:  # a failed build says so on the page, and is not left building
        EvidencePack.objects.filter(pk=pack.pk).update(
            status=EvidencePack.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    pack.status = EvidencePack.Status.READY
    pack.progress = 100
    pack.step = "Ready"
    pack.finished_at = timezone.now()
    pack.save(
        update_fields=["html", "checksum", "pdf", "status", "progress", "step", "finished_at"]
    )
    return pack


@dataclass(frozen=True)
class Verification:
    checksum: str
    pack: EvidencePack | None

    @property
    def matches(self) -> bool:
        return self.pack is not None and self.pack.content_intact


def pack_verify(checksum: str) -> Verification:
    """Whether a checksum printed on a pack is one Coplan made, and the stored content still
    has it."""
    value = (checksum or "").strip().lower()
    pack = None
    if len(value) == 64 and all(c in "0123456789abcdef" for c in value):
        pack = (
            EvidencePack.objects.filter(checksum=value, status=EvidencePack.Status.READY)
            .select_related("person", "service")
            .defer("pdf")
            .first()
        )
    return Verification(checksum=value, pack=pack)
