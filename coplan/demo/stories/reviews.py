"""Demo data for the review stage (fictional): weekly check-ins for Daniel, Priya and Marcus;
working / not working for Daniel from Dan, his mum and staff; and the concluded review that
led to Dan's new morning routine. Running it again changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import Organisation, User
from coplan.people.models import CircleMember, Person
from coplan.planning.models import Decision
from coplan.reviews import services, sources
from coplan.reviews.models import (
    CheckIn,
    Review,
    ReviewContribution,
    ReviewTrigger,
    WorkingNotWorking,
)

# Six weeks of answers, oldest first, for every item asked about.
ANSWERS = {
    "daniel": ["not_sure", "worked", "worked", "not_sure", "worked", "worked"],
    "priya": ["worked", "not_sure", "worked", "worked", "didnt_work", "didnt_work"],
    "marcus": ["not_sure", "not_sure", "worked", "worked", "worked", "worked"],
}
WORDS = {
    "daniel": {5: "Music. Toast. Then shower. Good."},
    "priya": {4: "Too busy at the market.", 5: "Too loud. I want the library."},
    "marcus": {3: "Did the bus with Sam behind me.", 5: "Did it on my own!"},
}


@transaction.atomic
def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    worker = staff.get("worker_elm") or staff.get("team_leader_elm") or staff.get("manager_elm")
    leader = staff.get("team_leader_elm") or staff.get("manager_elm")
    if worker is None or leader is None:
        return
    for key in ("daniel", "priya", "marcus"):
        person = people.get(key)
        if person is not None and not person.checkins.exists():
            _checkins(key, person, worker)
    dan = people.get("daniel")
    if dan is not None:
        if not WorkingNotWorking.objects.filter(person=dan).exists():
            _working(dan, worker)
        if not Review.objects.filter(person=dan).exists():
            _review(dan, worker, leader)
    services.scan(organisation=org)


def _checkins(key: str, person: Person, worker: User) -> None:
    items = sources.checkin_items(person)
    if not items:
        return
    this_monday = services.week_start_of(timezone.localdate())
    own_login = person.login
    for i, value in enumerate(ANSWERS[key]):
        week = this_monday - timedelta(weeks=len(ANSWERS[key]) - 1 - i)
        words = WORDS[key].get(i, "")
        answers = [
            {"item_kind": item.kind, "item_id": item.id, "answer": value, "words": words}
            for item in items
        ]
        if own_login is not None:
            services.checkin_record(person=person, by=own_login, answers=answers, week_start=week)
        else:
            services.checkin_record(
                person=person,
                by=worker,
                answers=answers,
                week_start=week,
                answered_by=CheckIn.AnsweredBy.STAFF_WITH_PERSON,
                how=CheckIn.How.PICTURES,
            )


def _mum(dan: Person) -> CircleMember | None:
    return CircleMember.objects.filter(person=dan, name__startswith="Linda").first()


def _working(dan: Person, worker: User) -> None:
    services.working_not_working_add(
        person=dan,
        by=worker,
        perspective="person",
        author="Dan",
        working="Music when I wake up\nToast first\nChoosing my clothes the night before",
        not_working="Shower before breakfast\nThe big light",
    )
    mum = _mum(dan)
    if mum is not None:
        words = {
            "working": "Dan is calmer when I phone on Sunday mornings\nHe tells me about his music",
            "not_working": "Agency staff who do not know his routine",
        }
        if mum.login is not None:
            services.working_not_working_add(person=dan, by=mum.login, **words)
        else:
            services.working_not_working_add(
                person=dan, by=worker, perspective="family", author=mum.name, **words
            )
    services.working_not_working_add(
        person=dan,
        by=worker,
        perspective="staff",
        working="Picture checklist on the bathroom door\nWarm (not hot) water, fan off",
        not_working="The 7:30 shower slot: Dan was distressed most mornings",
    )


def _review(dan: Person, worker: User, leader: User) -> None:
    """The review of the 7:30 shower decision, which led to the new morning routine."""
    old = Decision.objects.filter(person=dan, status=Decision.Status.SUPERSEDED).first()
    new = Decision.objects.filter(person=dan, status=Decision.Status.AGREED).first()
    if new is None:
        return
    asked = services.trigger_open_by_hand(
        person=dan,
        by=worker,
        kind="person_asked",
        decision=old,
        reason="Dan pushed the shower card away and put the toast card first, three mornings "
        "running.",
    )
    flag = services.trigger_open_by_hand(
        person=dan,
        by=worker,
        kind="not_practical",
        decision=old,
        reason="Dan refused the 7:30 shower five times in a week; staff cannot support it "
        "without distress.",
    )
    review = services.review_open(person=dan, by=leader, triggers=[asked, flag])
    services.review_contribute(
        review=review,
        by=worker,
        contributor_kind="person",
        name="Dan",
        tried="Shower at 7:30",
        learned="I do not like it early. Music first.",
        pleased="My toast",
        concerned="Hot water on my skin",
        next="Music. Toast. Then shower.",
    )
    mum = _mum(dan)
    if mum is not None:
        family = {
            "tried": "Phoning him on Sunday mornings",
            "learned": "He has always been slow in the mornings, since school",
            "pleased": "He chose the order himself",
            "concerned": "Agency staff rushing him",
            "next": "Write the routine down for every new worker",
        }
        if mum.login is not None:
            services.review_contribute(review=review, by=mum.login, **family)
        else:
            services.review_contribute(
                review=review, by=worker, contributor_kind="family", name=mum.name, **family
            )
    services.review_contribute(
        review=review,
        by=worker,
        contributor_kind="staff",
        tried="Prompting at 7:30 with the picture checklist",
        learned="Refusals happen at the early shower, not later in the day",
        pleased="Dan uses the picture cards to tell us what he wants",
        concerned="The rota has only two staff free at 7:30",
        next="Try breakfast first and a later shower; change the rota",
    )
    services.review_conclude(
        review=review,
        by=leader,
        outcome=Review.Outcome.NEW_DECISIONS,
        new_decisions=[new],
        tried="A 7:30 shower before breakfast, prompted with the picture checklist.",
        learned="Dan's distress comes from the early rush, not from personal care itself.",
        pleased="Dan chose his own order with the picture cards.",
        concerned="Staffing at 7:30, and agency staff who do not know the routine.",
        next="A new decision: music, breakfast, then a warm shower; rota changed to suit.",
    )
    _before_the_decision(review, new)


def _before_the_decision(review: Review, new: Decision) -> None:
    """Demo history only: the services stamp "now", but the story's new decision was agreed
    weeks ago (see the planning story), so the review that led to it is moved to the fortnight
    before: triggers raised, review opened, answers given, concluded two hours before the
    decision was agreed. A review dated after the decision it produced would tell no story."""
    agreed = cast(datetime, new.agreed_at)
    opened = agreed - timedelta(days=14)
    concluded = agreed - timedelta(hours=2)
    shift = (timezone.localdate() - timezone.localdate(opened)).days
    for trigger in review.triggers.all():
        ReviewTrigger.objects.filter(pk=trigger.pk).update(
            created_at=opened - timedelta(days=2),
            due_on=trigger.due_on - timedelta(days=shift),
            closed_at=concluded,
        )
    Review.objects.filter(pk=review.pk).update(created_at=opened, concluded_at=concluded)
    for n, contribution in enumerate(review.contributions.order_by("id")):
        ReviewContribution.objects.filter(pk=contribution.pk).update(
            created_at=opened + timedelta(days=2 + 3 * n)
        )
