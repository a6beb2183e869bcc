"""Alignment checks, spot checks and the co-production index as JSON. Each operation checks
access through the access rules, then calls a service or a reader. Each create needs an
`Idempotency-Key` header (a new UUID per check): the same key and body again answers the
first check; the same key with a different body answers 409."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.assurance import alignment, spotchecks
from coplan.assurance import index as coindex
from coplan.assurance.models import AlignmentCheck, AlignmentItem, SpotCheck
from coplan.delivery.idempotency import save_once
from coplan.support import selectors as support_selectors
from coplan.support.models import Routine, RoutineVersion

router = Router(tags=["assurance"])

MAX_DAYS = 366 * 3
PERIOD = "The period must end on or after its start, and be 3 years or less."


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required, or the API's token, has made sure of it)."""
    return cast(User, request.user)


# Schemas -----------------------------------------------------------------------------------


class AlignmentAnswerIn(Schema):
    source: str = Field(
        max_length=60, description="The question's source, from /alignment-questions."
    )
    answer: str = ""
    result: AlignmentItem.Result


class AlignmentFollowUpIn(Schema):
    what: str = Field(max_length=300)
    owner_id: int
    due_on: date


class AlignmentCheckIn(Schema):
    staff_id: int
    kind: AlignmentCheck.Kind
    routine_id: int | None = None
    answers: list[AlignmentAnswerIn]
    notes: str = ""
    follow_up: AlignmentFollowUpIn | None = Field(
        None, description="Required when anything differs."
    )


class QuestionOut(Schema):
    prompt: str
    plan_text: str
    source: str


class AlignmentItemOut(Schema):
    prompt: str
    plan_text: str
    source: str
    answer: str
    result: str


class FollowUpOut(Schema):
    id: int
    what: str
    owner_id: int
    due_on: date
    done_at: datetime | None


class AlignmentCheckOut(Schema):
    id: int
    uid: str
    person_id: int
    staff_id: int
    kind: str
    routine_id: int | None
    held_at: datetime
    is_aligned: bool
    notes: str
    by_id: int
    items: list[AlignmentItemOut]
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_uid(obj: AlignmentCheck) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_items(obj: AlignmentCheck) -> list[AlignmentItem]:
        return list(obj.items.all())

    @staticmethod
    def resolve_follow_ups(obj: AlignmentCheck) -> list:
        return list(obj.follow_ups.all())


class DrawIn(Schema):
    period_start: date
    period_end: date
    sample_size: int = Field(spotchecks.DEFAULT_SIZE, ge=1, le=spotchecks.MAX_SIZE)
    seed: int | None = Field(None, ge=0, le=2**62, description="Leave out for a new random seed.")


class SampledOut(Schema):
    record_kind: str
    record_id: int


class SpotCheckItemOut(Schema):
    id: int
    position: int
    record_kind: str
    record_id: int
    person_id: int
    results: dict[str, str]
    note: str


class SpotCheckOut(Schema):
    id: int
    service_id: int
    seed: int
    period_start: date
    period_end: date
    sample_size: int
    status: str
    findings: str
    by_id: int
    drawn_at: datetime
    completed_at: datetime | None
    items: list[SpotCheckItemOut]

    @staticmethod
    def resolve_items(obj: SpotCheck) -> list:
        return list(obj.items.order_by("position"))


class DrawOut(Schema):
    seed: int
    sample: list[SampledOut]
    same_as_kept: bool | None = None


class ItemResultIn(Schema):
    item_id: int
    results: dict[str, str]
    note: str = ""


class SpotActionIn(Schema):
    what: str = Field(max_length=300)
    owner_id: int
    due_on: date


class SpotResultsIn(Schema):
    items: list[ItemResultIn]
    findings: str = ""
    actions: list[SpotActionIn] = []


class PeriodQuery(Schema):
    start: date | None = None
    end: date | None = None


# Helpers ---------------------------------------------------------------------------------


def _key(request: HttpRequest) -> str | None:
    return request.headers.get("Idempotency-Key")


def _period(query: PeriodQuery, days: int = 90) -> tuple[date, date]:
    today = timezone.localdate()
    end = query.end or today
    start = query.start or end - timedelta(days=days - 1)
    if end < start or (end - start).days > MAX_DAYS:
        raise ValidationError({"start": PERIOD})
    return start, end


def _plain(value: Any) -> Any:
    """A dataclass as JSON-ready dicts, with each figure's percent and words."""
    if isinstance(value, coindex.Figure):
        return {
            "numerator": value.numerator,
            "denominator": value.denominator,
            "percent": value.percent,
            "how": value.how,
            "numerator_means": value.numerator_means,
            "denominator_means": value.denominator_means,
            "records": [dataclasses.asdict(r) for r in value.records],
        }
    if isinstance(value, coindex.DomainIndex):
        return {
            "domain": value.domain,
            "label": value.label,
            "has_plan": value.has_plan,
            "described_not_delivered": value.described_not_delivered,
            "influence": _plain(value.influence),
            "practice": _plain(value.practice),
            "review": _plain(value.review),
        }
    if isinstance(value, coindex.PersonIndex):
        return {
            "person_id": value.person_id,
            "name": value.name,
            "service_id": value.service_id,
            "start": value.start,
            "end": value.end,
            "flagged": value.flagged,
            "threshold": coindex.PRACTICE_THRESHOLD,
            "domains": [_plain(d) for d in value.domains],
            "why": [dataclasses.asdict(r) for r in value.why],
        }
    raise TypeError(type(value))


# Alignment checks ------------------------------------------------------------------------


@router.get("/alignment-checks", response=list[AlignmentCheckOut])
def list_alignment_checks(request: HttpRequest, person_id: int | None = None):
    """Checks the user may see: those about people they may assure (one person's, with
    `person_id`), and their own as the staff member checked. Newest first, at most 200."""
    if person_id is not None:
        person = access.get_person_for_user(
            request, person_id, Action.VIEW_PLAN, what="Alignment checks"
        )
        qs = AlignmentCheck.objects.filter(person=person)
        if not access.can(_user(request), Action.ASSURE, person):
            qs = qs.filter(staff=_user(request))
    else:
        qs = AlignmentCheck.objects.filter(
            Q(person__in=access.people_for_user(_user(request), Action.ASSURE))
            | Q(staff=_user(request))
        )
    return list(qs.prefetch_related("items", "follow_ups").order_by("-held_at", "-id")[:200])


@router.get("/people/{person_id}/alignment-questions", response=list[QuestionOut])
def alignment_questions(
    request: HttpRequest, person_id: int, kind: AlignmentCheck.Kind, routine_id: int | None = None
):
    person = access.get_person_for_user(
        request, person_id, Action.SUPERVISE, what="Alignment check (plan)"
    )
    version = _routine_version(person, routine_id)
    return alignment.questions_for(person, kind, version)


def _routine_version(person, routine_id: int | None):
    if routine_id is None:
        return None
    routine = Routine.objects.filter(person=person, pk=routine_id, is_active=True).first()
    if routine is None:
        raise ValidationError({"routine_id": alignment.NO_ROUTINE})
    return cast(RoutineVersion | None, support_selectors.version_in_force(routine))


@router.post("/people/{person_id}/alignment-checks", response={201: AlignmentCheckOut})
def create_alignment_check(request: HttpRequest, person_id: int, payload: AlignmentCheckIn):
    person = access.get_person_for_user(request, person_id, Action.SUPERVISE, log=False)
    staff = alignment.staff_to_check(person).filter(pk=payload.staff_id).first()
    if staff is None:
        raise ValidationError({"staff_id": alignment.NOT_STAFF})
    routine = None
    if payload.routine_id is not None:
        routine = Routine.objects.filter(
            person=person, pk=payload.routine_id, is_active=True
        ).first()
        if routine is None:
            raise ValidationError({"routine_id": alignment.NO_ROUTINE})
    version = _routine_version(person, payload.routine_id)
    questions = {q.source: q for q in alignment.questions_for(person, payload.kind, version)}
    items = []
    for answer in payload.answers:
        q = questions.get(answer.source)
        if q is None:
            raise ValidationError({"answers": f"No such question now: {answer.source}."})
        items.append(
            {
                "prompt": q.prompt,
                "plan_text": q.plan_text,
                "source": q.source,
                "answer": answer.answer,
                "result": answer.result,
            }
        )
    follow_up = None
    if payload.follow_up is not None:
        follow_up = {
            "what": payload.follow_up.what,
            "owner": User.objects.filter(pk=payload.follow_up.owner_id).first(),
            "due_on": payload.follow_up.due_on,
        }
    check, _ = save_once(
        key=_key(request),
        user=_user(request),
        model=AlignmentCheck,
        body={"person": person.pk, **payload.dict()},
        create=lambda: alignment.alignment_check_record(
            person=person,
            staff=staff,
            by=_user(request),
            kind=payload.kind,
            routine=routine,
            items=items,
            notes=payload.notes,
            follow_up=follow_up,
        ),
    )
    return Status(201, check)


@router.get("/alignment-checks/{check_id}", response=AlignmentCheckOut)
def get_alignment_check(request: HttpRequest, check_id: int):
    return access.get_object_for_user_or_subject(
        request, AlignmentCheck, check_id, Action.ASSURE, subject_field="staff_id"
    )


# Spot checks -----------------------------------------------------------------------------


@router.get("/services/{service_id}/spot-checks", response=list[SpotCheckOut])
def list_spot_checks(request: HttpRequest, service_id: int):
    service = access.get_service_for_user(_user(request), service_id, Action.ASSURE)
    return list(service.spot_checks.prefetch_related("items").order_by("-drawn_at", "-id")[:100])


@router.post("/services/{service_id}/spot-checks", response={201: SpotCheckOut})
def create_spot_check(request: HttpRequest, service_id: int, payload: DrawIn):
    """Draw a sample and keep it, with its seed and period."""
    service = access.get_service_for_user(_user(request), service_id, Action.SPOT_CHECK)
    data = payload.dict()
    check, _ = save_once(
        key=_key(request),
        user=_user(request),
        model=SpotCheck,
        body={"service": service.pk, **data},
        create=lambda: spotchecks.spot_check_draw(service=service, by=_user(request), **data),
    )
    return Status(201, check)


@router.post("/services/{service_id}/spot-checks/draw", response=DrawOut)
def draw_spot_check(request: HttpRequest, service_id: int, payload: DrawIn):
    """What a seed draws from the period's records now, without keeping it (to show that a
    kept sample is what its seed draws). A seed is required here."""
    service = access.get_service_for_user(_user(request), service_id, Action.SPOT_CHECK)
    if payload.seed is None:
        raise ValidationError({"seed": "Give the seed to draw from."})
    spotchecks._check_period(payload.period_start, payload.period_end, payload.sample_size)
    sample = spotchecks.draw(
        service, payload.period_start, payload.period_end, payload.seed, payload.sample_size
    )
    return {"seed": payload.seed, "sample": [{"record_kind": k, "record_id": i} for k, i in sample]}


@router.get("/spot-checks/{spot_check_id}", response=SpotCheckOut)
def get_spot_check(request: HttpRequest, spot_check_id: int):
    return access.get_service_record_for_user(
        _user(request), SpotCheck, spot_check_id, Action.ASSURE
    )


@router.get("/spot-checks/{spot_check_id}/draw", response=DrawOut)
def redraw_spot_check(request: HttpRequest, spot_check_id: int):
    """Draw again from the kept seed and period, and say whether it is the kept sample."""
    check = access.get_service_record_for_user(
        _user(request), SpotCheck.objects.select_related("service"), spot_check_id, Action.ASSURE
    )
    sample = spotchecks.redraw(check)
    return {
        "seed": check.seed,
        "sample": [{"record_kind": k, "record_id": i} for k, i in sample],
        "same_as_kept": sample == spotchecks.kept_sample(check),
    }


@router.post("/spot-checks/{spot_check_id}/results", response=SpotCheckOut)
def record_spot_check(request: HttpRequest, spot_check_id: int, payload: SpotResultsIn):
    check = access.get_service_record_for_user(
        _user(request), SpotCheck, spot_check_id, Action.SPOT_CHECK
    )
    return spotchecks.spot_check_record(
        spot_check=check,
        by=_user(request),
        results={i.item_id: i.results for i in payload.items},
        notes={i.item_id: i.note for i in payload.items},
        findings=payload.findings,
        actions=[
            {"what": a.what, "owner": a.owner_id, "due_on": a.due_on} for a in payload.actions
        ],
    )


# The co-production index -----------------------------------------------------------------


@router.get("/people/{person_id}/index", response=dict)
def get_person_index(request: HttpRequest, person_id: int, query: Query[PeriodQuery]):
    person = access.get_person_for_user(
        request, person_id, Action.ASSURE, what="Co-production index"
    )
    start, end = _period(query)
    return _plain(coindex.person_index(person, start, end))


@router.get("/services/{service_id}/index", response=dict)
def get_service_index(request: HttpRequest, service_id: int, query: Query[PeriodQuery]):
    service = access.get_service_for_user(_user(request), service_id, Action.ASSURE)
    start, end = _period(query)
    people = coindex.service_index(service, start, end)
    return {
        "service_id": service.pk,
        "start": start,
        "end": end,
        "threshold": coindex.PRACTICE_THRESHOLD,
        "people": [_plain(p) for p in people],
    }
