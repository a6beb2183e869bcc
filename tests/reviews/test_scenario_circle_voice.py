"""Scenario: a new person and their sister. The manager invites the sister by a link; she
sets her password, sees what was shared with her, and adds her answers to the open review;
the person, on the shared tablet, answers the weekly check-in by tapping two faces; the
manager sees both voices, each marked as whose."""

import re

from django.test import Client
from django.urls import reverse

from coplan.access.models import AccessLog
from coplan.people import services as people_services
from coplan.people.models import CircleMember
from coplan.reviews import services as review_services
from coplan.reviews.models import CheckIn, ReviewContribution, ReviewTrigger
from tests.factories import RoutineFactory


def test_a_sister_invited_by_link_answers_the_review_and_the_person_taps_two_faces(world):
    manager = world.client_for(world.manager)
    # A new person, who takes two choices at a time, and her sister, with reviews shared.
    response = manager.post(
        reverse("people:add"),
        {"service": world.service_a.pk, "given_name": "Daniel", "family_name": "Price"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    daniel = world.service_a.people.get(given_name="Daniel")
    people_services.decision_profile_update(person=daniel, by=world.manager, choices_at_once=2)
    routine = RoutineFactory(person=daniel, by=world.manager)
    sister = people_services.circle_member_create(
        person=daniel,
        by=world.manager,
        name="Megan Price",
        relationship_type=CircleMember.Relationship.FAMILY,
        relationship="my sister",
        email="megan@example.org",
        may_see_profile=True,
        may_see_reviews=True,
    )
    trigger = review_services.trigger_open_by_hand(
        person=daniel,
        by=world.team_leader,
        reason="Mornings are hard",
        kind=ReviewTrigger.Kind.NOT_PRACTICAL,
    )
    review = review_services.review_open(person=daniel, by=world.manager, triggers=[trigger])

    # The manager finds the logins on Daniel's page and invites Megan by a link.
    page = manager.get(reverse("people:detail", args=[daniel.pk])).content.decode()
    assert reverse("invite_people", args=[daniel.pk]) in page
    made = manager.post(
        reverse("invite_people", args=[daniel.pk]), {"who": sister.pk, "how": "qr"}, follow=True
    )
    link = made.context["link"]
    assert link in made.content.decode()

    # Megan opens it on her phone and sets her password.
    megan = Client()
    form = megan.get(link).content.decode()
    assert "Hello Megan Price" in form
    password = "harbour-violet-teapot-9"
    response = megan.post(
        link, {"username": "megan", "password": password, "password_again": password}
    )
    assert response.status_code == 302
    home = megan.get(reverse("home"), follow=True)
    html = home.content.decode()
    assert "You are in Daniel's circle of support: Daniel calls you “my sister”" in html
    assert "Check-ins and reviews" in html and "plan and decisions" not in html
    assert "Reviews open now" in html

    # She adds her answers to the open review.
    review_url = reverse("reviews:review", args=[daniel.pk, review.pk])
    assert megan.get(review_url).status_code == 200
    response = megan.post(
        reverse("reviews:review_contribute", args=[daniel.pk, review.pk]),
        {"learned": "He is calmer when breakfast comes first", "next": "Try the shower later"},
    )
    assert response.status_code == 302
    hers = ReviewContribution.objects.get(review=review)
    assert (hers.contributor_kind, hers.name, hers.recorded_by.username) == (
        "family",
        "Megan Price",
        "megan",
    )
    # What is not shared stays closed to her.
    assert megan.get(reverse("planning:home", args=[daniel.pk])).status_code == 403

    # A worker hands Daniel the tablet; he answers the check-in by tapping two faces.
    worker = world.client_for(world.worker)
    assert worker.post(reverse("tablet_start", args=[daniel.pk])).status_code == 302
    checkin_page = worker.get(reverse("space:checkin")).content.decode()
    faces = re.findall(r'name="answer_routine-\d+" value="(\w+)"', checkin_page)
    assert faces == ["worked", "didnt_work"]
    response = worker.post(
        reverse("space:checkin"), {f"answer_routine-{routine.pk}": "worked", "words": "Toast!"}
    )
    assert response.status_code == 302
    assert worker.post(reverse("tablet_end")).status_code == 302
    checkin = CheckIn.objects.get(person=daniel)
    assert checkin.answered_by == CheckIn.AnsweredBy.STAFF_WITH_PERSON
    assert list(checkin.answers.values_list("answer", flat=True)) == ["worked"]

    # The manager sees both voices on the review and the person's reviews page.
    manager = world.client_for(world.manager)
    review_html = manager.get(review_url).content.decode()
    assert "Megan Price" in review_html and "He is calmer when breakfast comes first" in review_html
    reviews_html = manager.get(reverse("reviews:person", args=[daniel.pk])).content.decode()
    assert "Toast!" in reviews_html
    actions = set(AccessLog.objects.filter(person=daniel).values_list("action", flat=True))
    assert {
        AccessLog.Action.INVITED,
        AccessLog.Action.INVITE_USED,
        AccessLog.Action.TABLET_START,
        AccessLog.Action.TABLET_END,
    } <= actions
