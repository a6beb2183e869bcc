"""Each answerer's check-in is its own record, and answering again changes only the items
answered (issue 10, finding 2)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coplan.reviews import selectors, services
from coplan.reviews.models import CheckIn, CheckInAnswer
from tests.reviews.conftest import active_goal, monday
from tests.reviews.test_api import Api

pytestmark = pytest.mark.django_db


def answer(goal, value="worked", words=""):
    return {"item_kind": "goal", "item_id": goal.pk, "answer": value, "words": words}


@pytest.fixture
def goals(world):
    return (
        active_goal(world.person, world.manager, "Start my day calm"),
        active_goal(world.person, world.manager, "Go to the café on my own"),
    )


def test_the_person_and_two_staff_check_in_the_same_week_and_all_three_survive(world, goals):
    calm, cafe = goals
    services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(calm, "worked")]
    )
    services.checkin_record(
        person=world.person,
        by=world.worker,
        answers=[answer(calm, "not_sure"), answer(cafe, "worked")],
        answered_by=CheckIn.AnsweredBy.STAFF_WITH_PERSON,
        how=CheckIn.How.SPOKEN,
    )
    services.checkin_record(
        person=world.person,
        by=world.team_leader,
        answers=[answer(calm, "didnt_work", "Rushed at 7:30")],
        answered_by=CheckIn.AnsweredBy.STAFF_WITH_PERSON,
        how=CheckIn.How.SIGNED,
    )

    week = CheckIn.objects.filter(person=world.person, week_start=monday())
    got = {
        (c.answered_by, c.recorded_by.name, c.how, c.on_behalf): sorted(
            c.answers.values_list("item_label", "answer", "words")
        )
        for c in week
    }
    assert got == {
        ("person", "Sam Taylor", "pictures", False): [("Start my day calm", "worked", "")],
        ("staff_with_person", "Wendy Worker", "spoken", True): [
            ("Go to the café on my own", "worked", ""),
            ("Start my day calm", "not_sure", ""),
        ],
        ("staff_with_person", "Tariq Leader", "signed", True): [
            ("Start my day calm", "didnt_work", "Rushed at 7:30")
        ],
    }
    assert {c.whose for c in week} == {
        "Sam, from their own login",
        "Sam, with Wendy Worker (spoken)",
        "Sam, with Tariq Leader (signed)",
    }


def test_answering_again_changes_only_the_items_answered_and_keeps_the_earlier_answer(world, goals):
    calm, cafe = goals
    first = services.checkin_record(
        person=world.person,
        by=world.person_user,
        answers=[answer(calm, "worked"), answer(cafe, "not_sure", "Busy")],
        words="A good week",
    )
    again = services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(cafe, "didnt_work")]
    )
    assert again.pk == first.pk
    assert sorted(again.answers.values_list("item_label", "answer", "words")) == [
        ("Go to the café on my own", "didnt_work", ""),
        ("Start my day calm", "worked", ""),
    ]
    again.refresh_from_db()
    assert again.words == "A good week"
    cafe_answer = again.answers.get(item_id=cafe.pk)
    assert list(
        CheckInAnswer.history.filter(id=cafe_answer.pk)
        .order_by("history_date")
        .values_list("answer", flat=True)
    ) == ["not_sure", "didnt_work"]


def test_a_second_staff_check_in_leaves_the_first_ones_answers_alone(world, goals):
    calm, _ = goals
    for by, value in [(world.worker, "worked"), (world.manager, "didnt_work")]:
        services.checkin_record(
            person=world.person,
            by=by,
            answers=[answer(calm, value)],
            answered_by="staff",
            how="other",
        )
    wendy = CheckIn.objects.get(recorded_by=world.worker)
    assert list(wendy.answers.values_list("answer", flat=True)) == ["worked"]
    assert wendy.version == 1
    assert CheckIn.objects.filter(answered_by="staff").count() == 2


def test_family_answers_say_which_family_member(world, goals):
    calm, _ = goals
    with pytest.raises(ValidationError) as exc:
        services.checkin_record(
            person=world.person,
            by=world.worker,
            answers=[answer(calm)],
            answered_by="family",
            how="spoken",
        )
    assert list(exc.value.message_dict) == ["answered_by"]
    checkin = services.checkin_record(
        person=world.person,
        by=world.worker,
        answers=[answer(calm)],
        answered_by="family",
        circle_member=world.sister,
        how="spoken",
    )
    assert (checkin.circle_member, checkin.whose) == (
        world.sister,
        "Jo Taylor (my sister), told to Wendy Worker (spoken)",
    )


def test_person_answering_one_more_item_through_the_api_keeps_their_other_answers(world, goals):
    calm, cafe = goals
    api = Api(world.person_user)
    url = f"/people/{world.person.pk}/check-ins"
    assert api.post(url, {"answers": [answer(calm, "worked")]}).status_code == 201
    response = api.post(url, {"answers": [answer(cafe, "not_sure")]})
    assert response.status_code == 201
    body = response.json()
    assert sorted((a["item_label"], a["answer"]) for a in body["answers"]) == [
        ("Go to the café on my own", "not_sure"),
        ("Start my day calm", "worked"),
    ]
    assert body["whose"] == "Sam, from their own login"


def test_staff_check_in_page_offers_each_voice_and_keeps_them_apart(world, goals):
    calm, _ = goals
    url = reverse("reviews:checkin", args=[world.person.pk])
    html = world.client_for(world.worker).get(url).content.decode()
    assert f'value="family:{world.sister.pk}"' in html
    for user in (world.worker, world.team_leader):
        response = world.client_for(user).post(
            url,
            {
                f"answer_goal-{calm.pk}": "worked",
                "answered_by": "staff_with_person",
                "how": "spoken",
            },
        )
        assert response.status_code == 302
    assert CheckIn.objects.filter(person=world.person).count() == 2


def test_chart_shows_the_persons_own_answers_apart_from_those_recorded_for_them(world, goals):
    calm, cafe = goals
    services.checkin_record(
        person=world.person, by=world.person_user, answers=[answer(calm, "worked")]
    )
    services.checkin_record(
        person=world.person,
        by=world.worker,
        answers=[answer(calm, "didnt_work"), answer(cafe, "didnt_work")],
        how="spoken",
    )
    services.checkin_record(
        person=world.person,
        by=world.manager,
        answers=[answer(cafe, "not_sure")],
        answered_by="staff",
        how="other",
    )
    chart = selectors.checkin_chart(selectors.checkin_history(world.person))
    series = {s["key"]: [b.counts for b in s["bars"]] for s in chart["series"]}
    assert series == {
        "own": [{"worked": 1, "not_sure": 0, "didnt_work": 0}],
        "on_behalf": [{"worked": 0, "not_sure": 0, "didnt_work": 2}],
        "others": [{"worked": 0, "not_sure": 1, "didnt_work": 0}],
    }
    html = (
        world.client_for(world.team_leader)
        .get(reverse("reviews:person", args=[world.person.pk]))
        .content.decode()
        .replace("&#x27;", "'")
    )
    assert "Sam's own answers" in html
    assert "Sam's answers, recorded with staff" in html
    assert "Family and staff views" in html
