"""Demo data for logins and the circle's voice (fictional): an invitation not yet used for
Priya's brother Ravi; Linda's answers, as Dan's mum, on the review opened about his weekend
mornings; and Priya's own "I want to talk about…" from her space, about the market.
Running it again changes nothing."""

from __future__ import annotations

from django.db import transaction

from coplan.access import invitations
from coplan.access.models import Invitation
from coplan.accounts.models import Organisation, User
from coplan.people.models import Person
from coplan.reviews import services, talk
from coplan.reviews.models import Review, ReviewTrigger

PRIYA_WORDS = (
    "I want to talk about the market. It is too loud. Can I go to the library on Tuesdays?"
)
LINDA_ASKS = "Weekend mornings at the house are hard again. Can we look at them?"
LINDA_ANSWERS = {
    "tried": "Dan and I did the new morning order at my house on Sunday: music, toast, shower.",
    "learned": "He is calm when the toast comes first, even when we are running late.",
    "pleased": "He told me himself that mornings are better now.",
    "concerned": "Weekends at the house start later and he loses the order.",
    "next": "Keep the same order at weekends, just an hour later.",
}


@transaction.atomic
def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    manager = staff.get("manager_elm")
    leader = staff.get("team_leader_elm") or manager
    if manager is None or leader is None:
        return
    priya, dan = people.get("priya"), people.get("daniel")
    if priya is not None:
        _invite_brother(priya, manager)
        _priya_asks(priya)
    if dan is not None:
        _linda_answers(dan, leader)


def _invite_brother(priya: Person, manager: User) -> None:
    ravi = priya.circle.filter(name="Ravi Sharma", login__isnull=True, is_active=True).first()
    if ravi is None or Invitation.objects.filter(circle_member=ravi).exists():
        return
    invitations.invitation_create(person=priya, by=manager, circle_member=ravi)


def _priya_asks(priya: Person) -> None:
    if priya.login is None:
        return
    if ReviewTrigger.objects.filter(person=priya, reason=PRIYA_WORDS).exists():
        return
    talk.talk_request(person=priya, by=priya.login, words=PRIYA_WORDS)


def _linda_answers(dan: Person, leader: User) -> None:
    """Linda asks for Dan's weekend mornings to be looked at; the review opened for it is
    still open, and she has added her answers (her earlier ones are on the concluded one)."""
    linda = dan.circle.filter(name="Linda Brooks", login__isnull=False, is_active=True).first()
    login = linda.login if linda is not None and linda.may_see_reviews else None
    if login is None:
        return
    asked = ReviewTrigger.objects.filter(person=dan, reason=LINDA_ASKS).first()
    review: Review | None
    if asked is None:
        asked = services.trigger_open_by_hand(person=dan, by=login, reason=LINDA_ASKS)
        review = services.review_open(person=dan, by=leader, triggers=[asked])
    else:
        review = asked.reviews.first()
    if review is None or review.status != Review.Status.OPEN:
        return
    if not review.contributions.filter(recorded_by=login).exists():
        services.review_contribute(review=review, by=login, **LINDA_ANSWERS)
