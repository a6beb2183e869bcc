"""The side doors an access review found, each shut: briefings outside the booked shift or
after the membership moved, an incident's narrative read through a review trigger by a
circle member who was not shared the records, and anonymous API writes answered as forged
requests instead of unauthenticated ones."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.accounts.models import Membership, ShiftBooking
from coplan.delivery import services as delivery_services
from coplan.delivery.idempotency import new_key
from coplan.delivery.models import BriefingAcknowledgement
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.reviews import selectors as review_selectors
from coplan.reviews import services as review_services
from coplan.reviews.models import ReviewTrigger
from tests.access.conftest import bearer
from tests.support.factories import morning_routine

# Shift briefings -------------------------------------------------------------------------


def _booking(world, *, starts_in: timedelta, hours: int = 8) -> ShiftBooking:
    ShiftBooking.objects.filter(user=world.agency_later).delete()
    starts = timezone.now() + starts_in
    return ShiftBooking.objects.create(
        user=world.agency_later,
        service=world.service_a,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
    )


def _read_briefing(world, booking: ShiftBooking, user=None):
    path = f"/api/v1/delivery/bookings/{booking.pk}/briefing"
    return Client().get(path, **bearer(user or world.agency_later)), path


def test_the_briefing_opens_two_hours_before_the_shift_and_is_logged(world):
    booking = _booking(world, starts_in=timedelta(minutes=90))
    response, path = _read_briefing(world, booking)
    assert response.status_code == 200
    assert [p["display_name"] for p in response.json()["people"]] == ["Sam Taylor"]
    assert list(AccessLog.objects.values_list("user", "person", "what", "action", "path")) == [
        (world.agency_later.pk, world.person.pk, "Shift briefing", "api_read", path)
    ]


@pytest.mark.parametrize(
    ("starts_in", "message"),
    [
        (timedelta(hours=2, minutes=10), "The briefing opens 2 hours before the shift starts."),
        (timedelta(hours=-9), "This shift has ended."),
    ],
    ids=["before the window", "after the end"],
)
def test_the_briefing_is_refused_outside_its_window(world, starts_in, message):
    booking = _booking(world, starts_in=starts_in)
    response, _ = _read_briefing(world, booking)
    assert response.status_code == 403
    assert response.json()["message"] == message
    assert AccessLog.objects.count() == 0


def test_the_briefing_is_gone_once_the_membership_is_removed(world):
    booking = ShiftBooking.objects.get(user=world.agency_now)  # running now
    assert _read_briefing(world, booking, world.agency_now)[0].status_code == 200
    AccessLog.objects.all().delete()
    Membership.objects.filter(user=world.agency_now, service=world.service_a).delete()
    response, _ = _read_briefing(world, booking, world.agency_now)
    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_someone_elses_booking_has_no_briefing_for_you(world):
    booking = ShiftBooking.objects.get(user=world.agency_now)
    for user in (world.agency_later, world.worker, world.manager):
        assert _read_briefing(world, booking, user)[0].status_code == 404
    assert AccessLog.objects.count() == 0


def test_the_briefing_cannot_be_confirmed_outside_its_window(world):
    booking = _booking(world, starts_in=timedelta(hours=5))
    web = world.client_for(world.agency_later).post(
        reverse("delivery:briefing_confirm", args=[booking.pk])
    )
    api = Client().post(
        f"/api/v1/delivery/bookings/{booking.pk}/briefing",
        HTTP_IDEMPOTENCY_KEY=new_key(),
        **bearer(world.agency_later),
    )
    assert (web.status_code, api.status_code) == (403, 403)
    assert BriefingAcknowledgement.objects.count() == 0


def test_the_shift_page_logs_the_briefing_it_shows(world):
    response = world.client_for(world.agency_now).get(reverse("delivery:shift"))
    assert "Before you start: shift briefing" in response.content.decode()
    assert list(
        AccessLog.objects.filter(what="Shift briefing").values_list("user", "person", "path")
    ) == [(world.agency_now.pk, world.person.pk, reverse("delivery:shift"))]


def test_a_briefing_is_for_a_member_of_the_booked_service_with_care_duties(world, get_request):
    booking = ShiftBooking.objects.get(user=world.agency_now)
    briefing = access.get_briefing_for_user(get_request(world.agency_now), booking.pk)
    assert (briefing.booking, briefing.people) == (booking, [world.person])
    Membership.objects.filter(user=world.agency_now).update(role=Membership.Role.ADMIN)
    access.forget(world.agency_now)
    with pytest.raises(access.Http404):
        access.get_briefing_for_user(get_request(world.agency_now), booking.pk)


# A trigger's reason ----------------------------------------------------------------------

NARRATIVE = "Shouted at Jo in the bathroom and threw the towel"


@pytest.fixture
def incident_trigger(world) -> ReviewTrigger:
    """The trigger engine's mini-review of an incident during Sam's morning routine: its
    reason quotes the incident's narrative."""
    routine = morning_routine(world.person, world.team_leader)
    delivery_services.incident_create(
        person=world.person,
        incident_type="distress",
        severity="moderate",
        what_happened=NARRATIVE,
        actions_taken="Gave space, offered music",
        routine=routine,  # in force from now, so the incident is recorded as it happens
        idempotency_key=new_key(),
        by=world.worker,
    )
    (trigger,) = review_services.scan(person=world.person)
    assert trigger.kind == ReviewTrigger.Kind.INCIDENT and NARRATIVE in trigger.reason
    return trigger


def _share(world, **sharing) -> None:
    for name, value in sharing.items():
        setattr(world.sister, name, value)
    world.sister.save()


def test_a_circle_member_without_records_sees_a_neutral_label_not_the_narrative(
    world, incident_trigger
):
    _share(world, may_see_reviews=True, may_see_records=False)
    page = world.client_for(world.sister_user).get(
        reverse("reviews:person", args=[world.person.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert NARRATIVE not in html
    assert review_selectors.REASON_WITHHELD in html
    api = Client().get(
        f"/api/v1/reviews/people/{world.person.pk}/triggers", **bearer(world.sister_user)
    )
    (shown,) = api.json()["items"]
    assert shown["reason"] == f"An incident (mini-review). {review_selectors.REASON_WITHHELD}"
    assert shown["evidence"] == {}
    assert NARRATIVE not in api.content.decode()


def test_the_review_page_keeps_the_narrative_from_a_circle_member_without_records(
    world, incident_trigger
):
    _share(world, may_see_reviews=True, may_see_records=False)
    review = review_services.review_open(
        person=world.person, by=world.team_leader, triggers=[incident_trigger]
    )
    url = reverse("reviews:review", args=[world.person.pk, review.pk])
    sister = world.client_for(world.sister_user).get(url).content.decode()
    leader = world.client_for(world.team_leader).get(url).content.decode()
    assert NARRATIVE not in sister and review_selectors.REASON_WITHHELD in sister
    assert NARRATIVE in leader


@pytest.mark.parametrize("role", ["sister_user", "worker", "quality_lead"])
def test_those_who_may_see_records_read_the_trigger_reason_in_full(world, incident_trigger, role):
    _share(world, may_see_reviews=True, may_see_records=True)
    page = world.client_for(world.everyone[role]).get(
        reverse("reviews:person", args=[world.person.pk])
    )
    api = Client().get(
        f"/api/v1/reviews/people/{world.person.pk}/triggers", **bearer(world.everyone[role])
    )
    assert NARRATIVE in page.content.decode()
    assert NARRATIVE in api.json()["items"][0]["reason"]


def test_a_reason_in_the_persons_or_circles_own_words_is_shown_to_them(world):
    _share(world, may_see_reviews=True, may_see_records=False)
    review_services.trigger_open_by_hand(
        person=world.person, by=world.sister_user, reason="Sam seems tired on Mondays."
    )
    page = world.client_for(world.sister_user).get(
        reverse("reviews:person", args=[world.person.pk])
    )
    assert "Sam seems tired on Mondays." in page.content.decode()


# Anonymous API calls ---------------------------------------------------------------------


def _post(client: Client, path: str, body: dict):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_an_anonymous_api_post_is_unauthenticated_not_a_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)
    people, decisions = Person.objects.count(), Decision.objects.count()
    created = _post(client, "/api/v1/people/", {"service_id": world.service_a.pk})
    decided = _post(
        client,
        f"/api/v1/planning/people/{world.person.pk}/decisions",
        {"domain": "support", "question": "Anyone?"},
    )
    for response in (created, decided):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
    assert (Person.objects.count(), Decision.objects.count()) == (people, decisions)


def test_a_signed_in_session_still_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.team_leader)
    before = Decision.objects.count()
    response = _post(
        client,
        f"/api/v1/planning/people/{world.person.pk}/decisions",
        {"domain": "support", "question": "Forged?"},
    )
    assert response.status_code == 403
    assert Decision.objects.count() == before
