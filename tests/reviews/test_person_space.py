"""The person's own space (My plan, My week, How was my week?, I want to talk about…) and the
circle's voice: answers to an open review kept as theirs, a view at any time, and being told
when a decision they took part in is replaced."""

import pytest
from django.urls import reverse

from coplan.notifications.models import Kind, Notification
from coplan.people import services as people_services
from coplan.planning.models import ParticipantKind, TakingPart
from coplan.reviews import services as review_services
from coplan.reviews.models import (
    CheckIn,
    CheckInAnswer,
    ReviewContribution,
    ReviewTrigger,
    WorkingNotWorking,
)
from tests.factories import AgreedDecisionFactory, RhythmFactory, RoutineFactory, supersede

STAFF_WORDS = ["Record version", "Key worker", "key worker", "Version", "Decision-making"]


@pytest.fixture
def sam_plan(world):
    people_services.decision_profile_update(
        person=world.person, by=world.manager, choices_at_once=2
    )
    routine = RoutineFactory(person=world.person, by=world.manager)
    rhythm = RhythmFactory(person=world.person, by=world.manager)
    return routine, rhythm


def _sam(world):
    return world.client_for(world.person_user)


def test_home_sends_the_person_to_their_own_space(world):
    response = _sam(world).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("space:home")


def test_the_space_has_four_things_and_no_staff_words(world, sam_plan):
    html = _sam(world).get(reverse("space:home")).content.decode()
    for words in ["My plan", "My week", "How was my week?", "I want to talk about…"]:
        assert words in html
    for words in STAFF_WORDS:
        assert words not in html
    assert reverse("people:list") not in html  # no staff menu
    assert html.count('class="space-tile"') == 4


def test_my_week_lists_the_rhythm_in_plain_words(world, sam_plan):
    html = _sam(world).get(reverse("space:week")).content.decode()
    assert "Monday" in html and "Sunday" in html
    assert html.count("Library quiet room") >= 7
    assert "10:00 a.m.: Library quiet room" in html


def test_my_plan_shows_the_plan_in_short_lines(world, sam_plan):
    response = _sam(world).get(reverse("space:plan"))
    if response.status_code == 302:  # the easy-read plan, once that stage serves it
        assert f"/easy/people/{world.person.pk}/plan/" in response["Location"]
        return
    html = response.content.decode()
    assert "Morning routine" in html and "Library quiet room" in html
    for words in STAFF_WORDS:
        assert words not in html


def test_two_faces_for_two_choices_at_a_time(world, sam_plan):
    html = _sam(world).get(reverse("space:checkin")).content.decode()
    items = html.count('class="space-item"')
    assert items == 2  # the routine and the week's activity
    assert html.count('type="radio"') == 2 * items
    assert "Not sure" not in html
    # The check-in page of the reviews stage offers the person the same two.
    html = _sam(world).get(reverse("reviews:checkin", args=[world.person.pk])).content.decode()
    assert "Not sure" not in html and "faces-2" in html


def test_three_faces_for_three_choices(world, sam_plan):
    people_services.decision_profile_update(
        person=world.person, by=world.manager, choices_at_once=3
    )
    html = _sam(world).get(reverse("space:checkin")).content.decode()
    assert html.count('type="radio"') == 3 * html.count('class="space-item"')
    # Staff recording their own view see all three whatever the person's profile.
    staff = world.client_for(world.worker).get(reverse("reviews:checkin", args=[world.person.pk]))
    assert "Not sure" in staff.content.decode()


def test_the_person_answers_by_tapping_two_faces(world, sam_plan):
    routine, rhythm = sam_plan
    entry = rhythm.versions.get(is_current=True).entries.order_by("day").first()
    response = _sam(world).post(
        reverse("space:checkin"),
        {f"answer_routine-{routine.pk}": "worked", f"answer_activity-{entry.pk}": "didnt_work"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("space:home")
    checkin = CheckIn.objects.get(person=world.person)
    assert checkin.answered_by == CheckIn.AnsweredBy.PERSON
    assert sorted(checkin.answers.values_list("answer", flat=True)) == ["didnt_work", "worked"]


def test_a_third_face_is_refused_for_two_choices(world, sam_plan):
    routine, _ = sam_plan
    response = _sam(world).post(
        reverse("space:checkin"), {f"answer_routine-{routine.pk}": CheckInAnswer.Answer.NOT_SURE}
    )
    assert response.status_code == 200
    assert not CheckIn.objects.exists()


def test_i_want_to_talk_about_raises_a_review_request_and_tells_the_manager(world):
    words = 'Tom & "Jerry\'s" swimming on Fridays, not Mondays'
    response = _sam(world).post(reverse("space:talk"), {"words": words})
    assert response.status_code == 302
    trigger = ReviewTrigger.objects.get(person=world.person)
    assert trigger.kind == ReviewTrigger.Kind.PERSON_ASKED
    assert trigger.reason == words
    assert trigger.raised_by == world.person_user
    note = Notification.objects.get(recipient=world.manager)
    assert note.kind == Kind.NEW_TRIGGER and note.body == words
    assert note.event_key == f"trigger:{trigger.pk}"
    assert Notification.objects.filter(recipient=world.team_leader, body=words).exists()
    page = world.client_for(world.manager).get(reverse("notifications:list")).content.decode()
    assert "Tom &amp; &quot;Jerry&#x27;s&quot; swimming" in page


def test_a_script_in_the_words_is_refused_and_shown_escaped(world):
    words = "<script>alert(1)</script> swimming"
    response = _sam(world).post(reverse("space:talk"), {"words": words})
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot hold HTML or script tags" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; swimming" in html
    assert "<script>alert(1)" not in html
    assert not ReviewTrigger.objects.exists() and not Notification.objects.exists()


def test_an_empty_talk_request_is_refused(world):
    response = _sam(world).post(reverse("space:talk"), {"words": "   "})
    assert response.status_code == 200
    assert "Tap a picture, or say what you want to talk about." in response.content.decode()
    assert not ReviewTrigger.objects.exists() and not Notification.objects.exists()


def test_tapping_a_picture_is_enough_to_ask_to_talk(world):
    page = _sam(world).get(reverse("space:talk")).content.decode()
    # Six pictures to tap, each a labelled radio (the face tiles' markup).
    assert page.count('name="about"') == 6 and "My week" in page and "/1F4C5." in page
    response = _sam(world).post(reverse("space:talk"), {"about": "week"})
    assert response.status_code == 302
    trigger = ReviewTrigger.objects.get(person=world.person)
    assert trigger.reason == "I want to talk about my week and what I do."
    _sam(world).post(reverse("space:talk"), {"about": "people", "words": "Mum's visits"})
    assert ReviewTrigger.objects.filter(
        reason="I want to talk about the people around me: Mum's visits"
    ).exists()
    reviews = world.client_for(world.manager).get(reverse("reviews:person", args=[world.person.pk]))
    assert f"asked by {world.person.called}" in reviews.content.decode()


@pytest.mark.parametrize("name", ["home", "plan", "week", "checkin", "talk"])
def test_the_space_is_only_for_a_person(world, name):
    assert world.client_for(world.manager).get(reverse(f"space:{name}")).status_code == 404
    assert world.client_for(world.sister_user).get(reverse(f"space:{name}")).status_code == 404
    anonymous = world.client_for(None).get(reverse(f"space:{name}"))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_person_sees_nothing_of_anyone_else_nor_staff_pages(world):
    client = _sam(world)
    assert client.get(reverse("people:detail", args=[world.person_b.pk])).status_code == 404
    assert client.get(reverse("reviews:dashboard")).status_code == 403
    assert client.get(reverse("invite_people", args=[world.person.pk])).status_code == 403
    assert client.get(reverse("space:circle", args=[world.person.pk])).status_code == 404


# The circle's voice -------------------------------------------------------------------------


def _open_review(world):
    trigger = review_services.trigger_open_by_hand(
        person=world.person,
        by=world.team_leader,
        reason="Mornings are rushed",
        kind=ReviewTrigger.Kind.NOT_PRACTICAL,
    )
    return review_services.review_open(person=world.person, by=world.manager, triggers=[trigger])


def test_a_circle_members_review_answers_are_kept_as_theirs(world):
    people_services.circle_member_update(
        member=world.sister, by=world.manager, may_see_reviews=True
    )
    review = _open_review(world)
    jo = world.client_for(world.sister_user)
    circle = jo.get(reverse("space:circle", args=[world.person.pk])).content.decode()
    assert reverse("reviews:review", args=[world.person.pk, review.pk]) in circle
    response = jo.post(
        reverse("reviews:review_contribute", args=[world.person.pk, review.pk]),
        {"tried": "Visiting on Sundays", "concerned": "He seems tired in the mornings"},
    )
    assert response.status_code == 302
    staff = world.client_for(world.worker).post(
        reverse("reviews:review_contribute", args=[world.person.pk, review.pk]),
        {"contributor_kind": "staff", "tried": "Breakfast first"},
    )
    assert staff.status_code == 302
    hers = ReviewContribution.objects.get(review=review, recorded_by=world.sister_user)
    assert (hers.contributor_kind, hers.name, hers.on_behalf) == ("family", "Jo Taylor", False)
    assert hers.concerned == "He seems tired in the mornings"
    theirs = ReviewContribution.objects.get(review=review, recorded_by=world.worker)
    assert theirs.contributor_kind == "staff" and theirs.tried == "Breakfast first"
    review.refresh_from_db()
    assert review.tried == ""  # the review's own summary is staff's to write at the end


def test_without_reviews_shared_the_circle_member_may_not_answer(world):
    review = _open_review(world)
    jo = world.client_for(world.sister_user)
    response = jo.post(
        reverse("reviews:review_contribute", args=[world.person.pk, review.pk]), {"tried": "x"}
    )
    assert response.status_code == 403
    assert not ReviewContribution.objects.exists()
    circle = jo.get(reverse("space:circle", args=[world.person.pk])).content.decode()
    assert "Reviews open now" not in circle


def test_a_circle_member_adds_a_view_at_any_time(world):
    jo = world.client_for(world.sister_user)
    views_home = jo.get(reverse("planning:views_home", args=[world.person.pk])).content.decode()
    assert reverse("reviews:working_add", args=[world.person.pk]) in views_home
    response = jo.post(
        reverse("reviews:working_add", args=[world.person.pk]),
        {"working": "The new bus route", "not_working": "Late dinners"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("space:circle", args=[world.person.pk])
    note = WorkingNotWorking.objects.get(person=world.person)
    assert (note.perspective, note.author, note.on_behalf) == ("family", "Jo Taylor", False)


def test_those_who_took_part_are_told_when_the_decision_is_replaced(world):
    decision = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        participants=[
            {"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES},
            {
                "kind": ParticipantKind.CIRCLE,
                "name": "Jo Taylor",
                "how": TakingPart.IN_PERSON,
                "circle_member": world.sister,
            },
        ],
    )
    assert not Notification.objects.filter(kind=Kind.DECISION_SUPERSEDED).exists()
    new = supersede(decision, by=world.team_leader)
    told = Notification.objects.filter(kind=Kind.DECISION_SUPERSEDED)
    assert {n.recipient for n in told} == {world.sister_user, world.person_user}
    jo = told.get(recipient=world.sister_user)
    assert decision.question in jo.title
    assert jo.url == reverse("home")  # the plan is not shared with Jo
    sam = told.get(recipient=world.person_user)
    assert sam.url == reverse("planning:decision_detail", args=[world.person.pk, new.pk])
    # Staff who took part are not told this way.
    assert not told.filter(recipient=world.team_leader).exists()


def test_an_ended_member_is_not_told(world):
    decision = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        participants=[
            {"kind": ParticipantKind.PERSON, "name": "Sam", "how": TakingPart.PICTURES},
            {
                "kind": ParticipantKind.CIRCLE,
                "name": "Jo Taylor",
                "how": TakingPart.IN_PERSON,
                "circle_member": world.sister,
            },
        ],
    )
    people_services.circle_member_update(member=world.sister, by=world.manager, is_active=False)
    supersede(decision, by=world.team_leader)
    assert not Notification.objects.filter(recipient=world.sister_user).exists()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_my_week_and_the_circle_page_cost_the_same_whatever_they_hold(world):
    sam, jo = _sam(world), world.client_for(world.sister_user)
    people_services.circle_member_update(
        member=world.sister, by=world.manager, may_see_reviews=True
    )
    RhythmFactory(person=world.person, by=world.manager)
    _open_review(world)
    week, circle = (
        _queries(sam, reverse("space:week")),
        _queries(jo, reverse("space:circle", args=[world.person.pk])),
    )
    RhythmFactory(person=world.person, by=world.manager, name="Weekends")
    assert _queries(sam, reverse("space:week")) == week
    assert _queries(jo, reverse("space:circle", args=[world.person.pk])) == circle
