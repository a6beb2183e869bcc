"""The review stage's API: check-ins, triggers and reviews. Each operation checks access
through access.py, then calls a service or a selector."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.planning.models import Decision
from coplan.reviews import selectors, services
from coplan.reviews.models import (
    CheckIn,
    CheckInAnswer,
    ItemKind,
    Perspective,
    Review,
    ReviewTrigger,
)

router = Router(tags=["reviews"])


# Schemas -----------------------------------------------------------------------------------


class AnswerIn(Schema):
    item_kind: ItemKind
    item_id: int | None = None
    item_label: str = Field("", max_length=300, description="Only for item_kind 'other'.")
    answer: CheckInAnswer.Answer
    words: str = ""


class AnswerOut(Schema):
    item_kind: str
    item_id: int | None
    item_label: str
    answer: str
    words: str


class CheckInIn(Schema):
    answers: list[AnswerIn]
    week_start: date | None = Field(None, description="A Monday; this week if left out.")
    answered_by: CheckIn.AnsweredBy | None = Field(
        None, description="Ignored from the person's own login: their answers are theirs."
    )
    circle_member_id: int | None = Field(
        None, description="For answered_by 'family': whose answers, from the person's circle."
    )
    how: CheckIn.How | None = None
    words: str = ""


class CheckInOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    week_start: date
    answered_by: str
    answered_by_label: str = Field(alias="get_answered_by_display")
    circle_member_id: int | None
    whose: str
    how: str
    on_behalf: bool
    recorded_by: str = Field(alias="recorded_by.name")
    words: str
    answers: list[AnswerOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_answers(obj: CheckIn) -> list[CheckInAnswer]:
        return list(obj.answers.all())


class TriggerIn(Schema):
    reason: str = Field(min_length=1)
    kind: ReviewTrigger.Kind | None = Field(
        None, description="For staff: person_asked, circle_asked, not_practical or progression."
    )
    decision_id: int | None = None
    due_on: date | None = None


class TriggerCloseIn(Schema):
    reason: str = Field("", description="The reason to wait (required without a review).")
    review_id: int | None = Field(None, description="A concluded review that looked at it.")


class TriggerOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    reason: str
    evidence: dict
    decision_id: int | None
    subject_kind: str
    subject_id: int | None
    subject_label: str
    due_on: date
    owner_id: int | None
    raised_by_id: int | None
    status: str
    closed_reason: str
    closed_at: datetime | None
    created_at: datetime

    # What a trigger from shift records quotes is shown only to those who may see records.
    @staticmethod
    def resolve_reason(obj: ReviewTrigger, context: dict[str, Any]) -> str:
        return selectors.trigger_reason(obj, may_see_records=_may_see_records(obj, context))

    @staticmethod
    def resolve_evidence(obj: ReviewTrigger, context: dict[str, Any]) -> dict:
        withheld = obj.kind in selectors.FROM_SHIFT_RECORDS and not _may_see_records(obj, context)
        return {} if withheld else obj.evidence


def _may_see_records(trigger: ReviewTrigger, context: dict[str, Any]) -> bool:
    return access.can(context["request"].user, Action.VIEW_RECORDS, trigger.person)


class ReviewOpenIn(Schema):
    trigger_ids: list[int] = []


class ContributionIn(Schema):
    contributor_kind: Perspective | None = Field(
        None, description="For staff: whose answers they are writing down."
    )
    name: str = Field("", max_length=150)
    tried: str = ""
    learned: str = ""
    pleased: str = ""
    concerned: str = ""
    next: str = ""


class ContributionOut(Schema):
    id: int
    contributor_kind: str
    name: str
    on_behalf: bool
    recorded_by: str = Field(alias="recorded_by.name")
    tried: str
    learned: str
    pleased: str
    concerned: str
    next: str
    created_at: datetime


class ConcludeIn(Schema):
    outcome: Review.Outcome
    new_decision_ids: list[int] = []
    keep_reason: str = ""
    next_review_on: date | None = None
    tried: str = ""
    learned: str = ""
    pleased: str = ""
    concerned: str = ""
    next: str = ""


class ReviewOut(Schema):
    id: int
    uid: UUID
    version: int
    person_id: int
    status: str
    tried: str
    learned: str
    pleased: str
    concerned: str
    next: str
    evidence_since: date | None
    evidence: dict
    outcome: str
    new_decision_ids: list[int]
    keep_reason: str
    next_review_on: date | None
    trigger_ids: list[int]
    contributions: list[ContributionOut]
    created_at: datetime
    concluded_at: datetime | None

    @staticmethod
    def resolve_new_decision_ids(obj: Review) -> list[int]:
        return [d.pk for d in obj.new_decisions.all()]

    @staticmethod
    def resolve_trigger_ids(obj: Review) -> list[int]:
        return [t.pk for t in obj.triggers.all()]

    @staticmethod
    def resolve_contributions(obj: Review) -> list:
        return list(obj.contributions.all())


# Helpers --------------------------------------------------------------------------------


def _full(checkin: CheckIn) -> CheckIn:
    return (
        CheckIn.objects.select_related("person", "recorded_by", "circle_member")
        .prefetch_related("answers")
        .get(pk=checkin.pk)
    )


# Check-ins -------------------------------------------------------------------------------


@router.get("/people/{person_id}/check-ins", response=list[CheckInOut])
@paginate(PageNumberPagination)
def list_checkins(request: HttpRequest, person_id: int):
    """The person's weekly check-ins, newest first, saying who answered and how."""
    person = access.get_person_for_user(request, person_id, Action.VIEW_REVIEWS, what="Check-ins")
    return (
        CheckIn.objects.filter(person=person)
        .select_related("person", "recorded_by", "circle_member")
        .prefetch_related("answers")
        .order_by("-week_start", "answered_by", "id")
    )


@router.post("/people/{person_id}/check-ins", response={201: CheckInOut})
def create_checkin(request: HttpRequest, person_id: int, payload: CheckInIn):
    """This week's check-in. From the person's own token it is theirs; from staff it is
    recorded on behalf, saying how the answers were given."""
    person = access.get_person_for_user(request, person_id, Action.CHECK_IN)
    data = payload.dict()
    member_id = data.pop("circle_member_id")
    if member_id is not None:
        data["circle_member"] = person.circle.filter(pk=member_id).first()
        if data["circle_member"] is None:
            raise ValidationError({"circle_member_id": "Pick someone from this person's circle."})
    checkin = services.checkin_record(person=person, by=request.user, **data)
    return Status(201, _full(checkin))


# Triggers --------------------------------------------------------------------------------


@router.get("/people/{person_id}/triggers", response=list[TriggerOut])
@paginate(PageNumberPagination)
def list_triggers(request: HttpRequest, person_id: int, status: str = ""):
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_REVIEWS, what="Review triggers"
    )
    triggers = (
        ReviewTrigger.objects.filter(person=person)
        .select_related("person__service")
        .order_by("due_on", "id")
    )
    return triggers.filter(status=status) if status else triggers


@router.post("/people/{person_id}/triggers", response={201: TriggerOut})
def open_trigger(request: HttpRequest, person_id: int, payload: TriggerIn):
    """Ask for a review (the person or their circle) or flag a reason to review (staff)."""
    person = access.get_person_for_user(request, person_id, Action.ADD_VIEWS)
    decision = None
    if payload.decision_id is not None:
        decision = Decision.objects.filter(pk=payload.decision_id, person=person).first()
        if decision is None:
            raise ValidationError({"decision_id": "Pick one of this person's decisions."})
    trigger = services.trigger_open_by_hand(
        person=person,
        by=request.user,
        reason=payload.reason,
        kind=payload.kind,
        decision=decision,
        due_on=payload.due_on,
    )
    return Status(201, trigger)


@router.post("/triggers/{trigger_id}/close", response=TriggerOut)
def close_trigger(request: HttpRequest, trigger_id: int, payload: TriggerCloseIn):
    """Close with a recorded reason to wait, or by a concluded review."""
    trigger = access.get_object_for_user(request, ReviewTrigger, trigger_id, Action.REVIEW)
    review = None
    if payload.review_id is not None:
        review = Review.objects.filter(pk=payload.review_id, person_id=trigger.person_id).first()
        if review is None:
            raise ValidationError({"review_id": "Pick a concluded review of this person."})
    return services.trigger_close(
        trigger=trigger, by=request.user, reason=payload.reason, review=review
    )


# Reviews ---------------------------------------------------------------------------------


@router.get("/people/{person_id}/reviews", response=list[ReviewOut])
@paginate(PageNumberPagination)
def list_reviews(request: HttpRequest, person_id: int):
    person = access.get_person_for_user(request, person_id, Action.VIEW_REVIEWS, what="Reviews")
    return (
        Review.objects.filter(person=person)
        .prefetch_related("new_decisions", "triggers", "contributions__recorded_by")
        .order_by("-created_at")
    )


@router.post("/people/{person_id}/reviews", response={201: ReviewOut})
def open_review(request: HttpRequest, person_id: int, payload: ReviewOpenIn):
    person = access.get_person_for_user(request, person_id, Action.REVIEW)
    triggers = list(ReviewTrigger.objects.filter(pk__in=payload.trigger_ids, person=person))
    if len(triggers) != len(set(payload.trigger_ids)):
        raise ValidationError({"trigger_ids": "Pick this person's own triggers."})
    review = services.review_open(person=person, by=request.user, triggers=triggers)
    return Status(201, selectors.review_page(review.pk, person))


@router.get("/reviews/{review_id}", response=ReviewOut)
def get_review(request: HttpRequest, review_id: int):
    return access.get_object_for_user(
        request, selectors.reviews_for_page(), review_id, Action.VIEW_REVIEWS
    )


@router.post("/reviews/{review_id}/contributions", response={201: ContributionOut})
def contribute(request: HttpRequest, review_id: int, payload: ContributionIn):
    """One contributor's answers to the 4 plus 1 questions, marked as theirs."""
    review = access.get_object_for_user(request, Review, review_id, Action.CONTRIBUTE)
    return Status(201, services.review_contribute(review=review, by=request.user, **payload.dict()))


@router.post("/reviews/{review_id}/conclude", response=ReviewOut)
def conclude(request: HttpRequest, review_id: int, payload: ConcludeIn):
    review = access.get_object_for_user(request, Review, review_id, Action.REVIEW)
    person = review.person
    data = payload.dict()
    ids = data.pop("new_decision_ids")
    decisions = list(Decision.objects.filter(pk__in=ids, person=person))
    if len(decisions) != len(set(ids)):
        raise ValidationError({"new_decision_ids": "Link only this person's decisions."})
    services.review_conclude(review=review, by=request.user, new_decisions=decisions, **data)
    return selectors.review_page(review.pk, person)
