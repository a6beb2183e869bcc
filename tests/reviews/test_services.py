"""Check-ins, working / not working, closing triggers and concluding reviews."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coplan.lib.dates import day_label
from coplan.lib.errors import Conflict
from coplan.reviews import services
from coplan.reviews.models import CheckIn, Perspective, Review, ReviewTrigger
from tests.reviews.conftest import agreed_decision, monday

pytestmark = pytest.mark.django_db


def answer(goal, value="worked", words=""):
    return {"item_kind": "goal", "item_id": goal.pk, "answer": value, "words": words}


def test_checkin_from_the_persons_own_login_is_stored_as_theirs(world, goal):
    checkin = services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(goal, words="I liked it")]
    )
    assert checkin.answered_by == CheckIn.AnsweredBy.PERSON
    assert checkin.on_behalf is False
    assert checkin.how == CheckIn.How.PICTURES
    assert checkin.recorded_by == world.person_user
    assert checkin.week_start == monday()
    (only,) = checkin.answers.all()
    assert (only.item_label, only.answer, only.words) == (goal.in_own_words, "worked", "I liked it")


def test_checkin_from_the_person_ignores_a_claim_to_be_someone_else(world, goal):
    checkin = services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(goal)], answered_by="family"
    )
    assert checkin.answered_by == CheckIn.AnsweredBy.PERSON


def test_checkin_from_staff_is_recorded_on_behalf_saying_how(world, goal):
    checkin = services.checkin_record(
        person=world.person, by=world.worker, answers=[answer(goal, "didnt_work")], how="signed"
    )
    assert checkin.answered_by == CheckIn.AnsweredBy.STAFF_WITH_PERSON
    assert checkin.on_behalf is True
    assert checkin.how == CheckIn.How.SIGNED
    assert checkin.recorded_by == world.worker


def test_staff_must_say_how_the_person_answered(world, goal):
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(person=world.person, by=world.worker, answers=[answer(goal)])
    assert exc.value.message_dict == {"how": ["Say how the answers were given."]}


def test_staff_cannot_answer_as_the_person_themselves(world, goal):
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(
            person=world.person,
            by=world.worker,
            answers=[answer(goal)],
            answered_by="person",
            how="spoken",
        )
    assert "Only Sam can answer as themselves" in exc.value.message_dict["answered_by"][0]


def test_staff_own_view_is_not_on_behalf(world, goal):
    checkin = services.checkin_record(
        person=world.person,
        by=world.worker,
        answers=[answer(goal)],
        answered_by="staff",
        how="other",
    )
    assert (checkin.answered_by, checkin.on_behalf) == ("staff", False)


def test_checkin_week_must_start_on_a_monday_and_have_started(world, goal):
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(
            person=world.person,
            by=world.person_user,
            answers=[answer(goal)],
            week_start=monday() + timedelta(days=2),
        )
    assert exc.value.message_dict == {"week_start": ["A check-in week starts on a Monday."]}
    with pytest.raises(ValidationError):
        services.checkin_record(
            person=world.person,
            by=world.person_user,
            answers=[answer(goal)],
            week_start=monday() + timedelta(weeks=1),
        )


def test_checkin_answers_only_about_the_persons_own_items(world, goal):
    from tests.reviews.conftest import active_goal

    other = active_goal(world.person_b, world.manager)
    with pytest.raises(ValidationError):
        services.checkin_record(person=world.person, by=world.person_user, answers=[answer(other)])
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(person=world.person, by=world.person_user, answers=[])
    assert exc.value.message_dict == {"answers": ["Choose an answer for at least one thing."]}


def test_answering_again_the_same_week_changes_the_answers_and_keeps_history(world, goal):
    first = services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(goal, "worked")]
    )
    second = services.checkin_record(
        person=world.person,
        by=world.person_user,
        answers=[
            answer(goal, "didnt_work"),
            {"item_kind": "other", "item_label": "The new bus", "answer": "worked"},
        ],
    )
    assert second.pk == first.pk
    assert second.version == 2
    assert sorted(second.answers.values_list("item_label", "answer")) == [
        (goal.in_own_words, "didnt_work"),
        ("The new bus", "worked"),
    ]
    assert CheckIn.history.filter(id=first.pk).count() == 2


def test_each_week_and_each_voice_is_kept(world, goal):
    services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(goal)], week_start=monday(1)
    )
    services.checkin_record(person=world.person, by=world.person_user, answers=[answer(goal)])
    services.checkin_record(
        person=world.person,
        by=world.worker,
        answers=[answer(goal)],
        answered_by="family",
        circle_member=world.sister,
        how="spoken",
    )
    assert CheckIn.objects.filter(person=world.person).count() == 3


def test_working_not_working_is_marked_as_whose(world):
    own = services.working_not_working_add(
        person=world.person, by=world.person_user, working="My music", perspective="staff"
    )
    sister = services.working_not_working_add(
        person=world.person, by=world.sister_user, not_working="Rushed mornings"
    )
    staff = services.working_not_working_add(
        person=world.person, by=world.worker, perspective="staff", working="Picture checklist"
    )
    for_mum = services.working_not_working_add(
        person=world.person,
        by=world.worker,
        perspective="family",
        author="Mum (phone call)",
        working="Sunday visits",
    )
    assert (own.perspective, own.author, own.on_behalf) == (Perspective.PERSON, "Sam", False)
    assert (sister.perspective, sister.author, sister.on_behalf) == ("family", "Jo Taylor", False)
    assert (staff.perspective, staff.author, staff.on_behalf) == ("staff", "Wendy Worker", False)
    assert (for_mum.author, for_mum.on_behalf) == ("Mum (phone call)", True)


def test_working_not_working_needs_some_words_and_a_name_for_family(world):
    with pytest.raises(ValidationError):
        services.working_not_working_add(person=world.person, by=world.person_user)
    with pytest.raises(ValidationError) as exc:
        services.working_not_working_add(
            person=world.person, by=world.worker, perspective="family", working="x"
        )
    assert "author" in exc.value.message_dict


def test_trigger_opened_by_the_person_or_circle_says_who_asked(world):
    mine = services.trigger_open_by_hand(
        person=world.person, by=world.person_user, reason="I want to talk about mornings"
    )
    hers = services.trigger_open_by_hand(
        person=world.person, by=world.sister_user, reason="Sam seems unhappy"
    )
    flag = services.trigger_open_by_hand(
        person=world.person, by=world.worker, kind="not_practical", reason="Only one staff at 7"
    )
    assert [mine.kind, hers.kind, flag.kind] == ["person_asked", "circle_asked", "not_practical"]
    assert mine.due_on == timezone.localdate() + timedelta(days=14)
    assert flag.raised_by == world.worker and flag.is_open


def test_staff_must_choose_a_kind_of_hand_trigger(world):
    with pytest.raises(ValidationError):
        services.trigger_open_by_hand(
            person=world.person, by=world.worker, kind="refusals", reason="x"
        )


def test_a_trigger_cannot_be_closed_without_a_review_or_a_reason(world):
    trigger = services.trigger_open_by_hand(
        person=world.person, by=world.person_user, reason="Mornings"
    )
    with pytest.raises(ValidationError) as exc:
        services.trigger_close(trigger=trigger, by=world.team_leader, reason="  ")
    assert exc.value.message_dict == {
        "closed_reason": [
            "A trigger can only be closed by a review or with a recorded reason to wait."
        ]
    }
    trigger.refresh_from_db()
    assert trigger.is_open


def test_a_trigger_closed_with_a_reason_waits_and_cannot_be_closed_twice(world):
    trigger = services.trigger_open_by_hand(
        person=world.person, by=world.person_user, reason="Mornings"
    )
    closed = services.trigger_close(
        trigger=trigger, by=world.team_leader, reason="Sam is on holiday; review on return"
    )
    assert closed.status == ReviewTrigger.Status.WAITING
    assert closed.closed_by == world.team_leader and closed.closed_at is not None
    with pytest.raises(Conflict):
        services.trigger_close(trigger=trigger, by=world.team_leader, reason="again")


def _review_with_trigger(world):
    decision = agreed_decision(world.person, world.manager)
    trigger = services.trigger_open_by_hand(
        person=world.person,
        by=world.worker,
        kind="not_practical",
        reason="Too early",
        decision=decision,
    )
    review = services.review_open(person=world.person, by=world.team_leader, triggers=[trigger])
    return decision, trigger, review


def test_review_counts_evidence_from_the_decision(world):
    decision, trigger, review = _review_with_trigger(world)
    assert review.evidence_since == timezone.localtime(decision.agreed_at).date()
    assert review.evidence["triggers"] == {"Staff say the plan isn't practical": 1}
    assert list(review.triggers.all()) == [trigger]


def test_a_trigger_in_an_open_review_cannot_be_in_another(world):
    _, trigger, _ = _review_with_trigger(world)
    with pytest.raises(Conflict):
        services.review_open(person=world.person, by=world.team_leader, triggers=[trigger])


def test_contributions_are_marked_as_whose(world):
    _, _, review = _review_with_trigger(world)
    own = services.review_contribute(
        review=review, by=world.person_user, pleased="I have breakfast first now"
    )
    staff = services.review_contribute(
        review=review, by=world.worker, contributor_kind="staff", concerned="Rota at 7am"
    )
    assert (own.contributor_kind, own.name, own.on_behalf) == ("person", "Sam", False)
    assert (staff.contributor_kind, staff.name) == ("staff", "Wendy Worker")


def test_conclude_keep_as_is_needs_a_reason_and_a_future_date(world):
    _, trigger, review = _review_with_trigger(world)
    with pytest.raises(ValidationError) as exc:
        services.review_conclude(
            review=review, by=world.team_leader, outcome="keep_as_is", learned="It works"
        )
    assert set(exc.value.message_dict) == {"keep_reason", "next_review_on"}
    trigger.refresh_from_db()
    assert trigger.is_open


def test_conclude_needs_the_4_plus_1_answers(world):
    _, _, review = _review_with_trigger(world)
    with pytest.raises(ValidationError) as exc:
        services.review_conclude(
            review=review,
            by=world.team_leader,
            outcome="keep_as_is",
            keep_reason="Working",
            next_review_on=timezone.localdate() + timedelta(days=90),
        )
    assert "4 plus 1" in exc.value.message_dict["__all__"][0]


def test_conclude_with_keep_as_is_closes_its_triggers_as_reviewed(world):
    _, trigger, review = _review_with_trigger(world)
    later = timezone.localdate() + timedelta(days=90)
    done = services.review_conclude(
        review=review,
        by=world.team_leader,
        outcome="keep_as_is",
        keep_reason="Mornings are calmer",
        next_review_on=later,
        learned="Breakfast first helps",
        next="Keep going",
    )
    assert done.status == Review.Status.CONCLUDED
    assert (done.learned, done.next) == ("Breakfast first helps", "Keep going")
    trigger.refresh_from_db()
    assert trigger.status == ReviewTrigger.Status.REVIEWED
    assert trigger.closed_reason == (
        f"Kept as it is until {day_label(later)}. Mornings are calmer"
    )  # not "Reviewed: ...": the status says that, and pages show the two together
    with pytest.raises(Conflict):
        services.review_conclude(review=review, by=world.team_leader, outcome="keep_as_is")


def test_conclude_with_new_decisions_links_them(world):
    _, trigger, review = _review_with_trigger(world)
    new = agreed_decision(world.person, world.manager, question="Shower in the evening?")
    with pytest.raises(ValidationError):
        services.review_conclude(
            review=review, by=world.team_leader, outcome="new_decisions", tried="x"
        )
    done = services.review_conclude(
        review=review,
        by=world.team_leader,
        outcome="new_decisions",
        new_decisions=[new],
        tried="Evening shower",
    )
    assert list(done.new_decisions.all()) == [new]
    trigger.refresh_from_db()
    assert (trigger.status, trigger.closed_reason) == ("reviewed", "New decisions made.")


def test_a_trigger_can_be_closed_by_a_concluded_review(world):
    _, _, review = _review_with_trigger(world)
    services.review_conclude(
        review=review,
        by=world.team_leader,
        outcome="keep_as_is",
        keep_reason="Fine",
        next_review_on=timezone.localdate() + timedelta(days=30),
        next="Carry on",
    )
    late = services.trigger_open_by_hand(person=world.person, by=world.person_user, reason="x")
    closed = services.trigger_close(trigger=late, by=world.team_leader, review=review)
    assert closed.status == "reviewed"
    assert late in review.triggers.all()


def test_the_evidence_pack_says_reviewed_once_for_a_trigger_a_review_closed(world):
    from django.template.loader import render_to_string

    from coplan.assurance import packs, trends

    _, trigger, review = _review_with_trigger(world)
    new = agreed_decision(world.person, world.manager, question="Shower in the evening?")
    services.review_conclude(
        review=review, by=world.team_leader, outcome="new_decisions", new_decisions=[new], tried="x"
    )
    today = timezone.localdate()
    section = packs.reviews_section(
        packs.PackScope(trends.Scope.of(world.person), trends.Period(today, today))
    )
    html = render_to_string(section.template, section.context)
    assert "<td>Reviewed: New decisions made.</td>" in html
    assert "Reviewed: Reviewed:" not in html
