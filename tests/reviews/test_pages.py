"""Who may open each review page, and what the pages do.

Expectations are written out by hand from DESIGN.md ("Who may do what"): reading check-ins,
triggers and reviews needs VIEW_REVIEWS (staff in the service except agency workers, the
quality lead, the person; a circle member only if the person shared reviews); the check-in
needs CHECK_IN (support staff and the person); working / not working and asking for a
review need ADD_VIEWS (also the circle); opening, closing and concluding need REVIEW (team
leader and manager). No access at all is 404, the wrong role 403, anonymous goes to login.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.reviews import services
from coplan.reviews.models import CheckIn, Review, ReviewTrigger, WorkingNotWorking
from tests.reviews.conftest import agreed_decision

pytestmark = pytest.mark.django_db
OK, FORBIDDEN, HIDDEN, LOGIN = 200, 403, 404, "login"

# user -> (read, check_in, add_views, review) on Sam (service A)
EXPECTED = {
    "worker": (OK, OK, OK, FORBIDDEN),
    "team_leader": (OK, OK, OK, OK),
    "manager": (OK, OK, OK, OK),
    "outsider": (HIDDEN,) * 4,
    "agency_now": (FORBIDDEN,) * 4,
    "agency_later": (HIDDEN,) * 4,
    "quality_lead": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "admin": (HIDDEN,) * 4,
    "person_user": (OK, OK, OK, FORBIDDEN),
    "sister_user": (FORBIDDEN, FORBIDDEN, OK, FORBIDDEN),
    "anonymous": (LOGIN,) * 4,
}
READ, CHECK_IN, ADD_VIEWS, REVIEW = range(4)


@pytest.fixture
def sams(world):
    trigger = services.trigger_open_by_hand(
        person=world.person, by=world.person_user, reason="Mornings are hard"
    )
    closing = services.trigger_open_by_hand(
        person=world.person, by=world.person_user, reason="Another one"
    )
    review = services.review_open(person=world.person, by=world.manager, triggers=[trigger])
    return {"trigger": trigger, "closing": closing, "review": review}


def pages(world, sams):
    p = world.person.pk
    return [
        ("person", reverse("reviews:person", args=[p]), READ),
        ("checkin", reverse("reviews:checkin", args=[p]), CHECK_IN),
        ("working_add", reverse("reviews:working_add", args=[p]), ADD_VIEWS),
        ("trigger_add", reverse("reviews:trigger_add", args=[p]), ADD_VIEWS),
        (
            "trigger_close",
            reverse("reviews:trigger_close", args=[p, sams["closing"].pk]),
            REVIEW,
        ),
        ("review", reverse("reviews:review", args=[p, sams["review"].pk]), READ),
    ]


def _outcome(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("who", list(EXPECTED))
def test_who_may_open_each_review_page(world, sams, who):
    client = world.client_for(world.everyone[who])
    got = {name: _outcome(client.get(url)) for name, url, _ in pages(world, sams)}
    want = {name: EXPECTED[who][kind] for name, url, kind in pages(world, sams)}
    assert got == want


@pytest.mark.parametrize("who", ["worker", "outsider", "person_user", "anonymous"])
def test_who_may_open_and_conclude_a_review(world, sams, who):
    client = world.client_for(world.everyone[who])
    p = world.person.pk
    opened = client.post(reverse("reviews:review_open", args=[p]), {"trigger": sams["closing"].pk})
    concluded = client.post(
        reverse("reviews:review_conclude", args=[p, sams["review"].pk]),
        {"outcome": "keep_as_is", "keep_reason": "x", "next_review_on": "2099-01-01", "next": "y"},
    )
    want = HIDDEN if who == "outsider" else LOGIN if who == "anonymous" else FORBIDDEN
    assert (_outcome(opened), _outcome(concluded)) == (want, want)
    assert Review.objects.count() == 1
    assert Review.objects.get().is_open


def test_other_services_people_are_hidden_from_staff_in_a(world):
    client = world.client_for(world.worker)
    assert client.get(reverse("reviews:person", args=[world.person_b.pk])).status_code == 404


def test_person_checks_in_from_their_own_login_by_tapping_faces(world, goal):
    client = world.client_for(world.person_user)
    url = reverse("reviews:checkin", args=[world.person.pk])
    page = client.get(url)
    html = page.content.decode()
    assert f'name="answer_goal-{goal.pk}"' in html and 'value="didnt_work"' in html
    assert "Didn&#x27;t work" in html and "<svg" in html
    assert "answered_by" not in html  # the person always speaks for themselves
    response = client.post(
        url, {f"answer_goal-{goal.pk}": "worked", f"words_goal-{goal.pk}": "Yes"}
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.answered_by, checkin.on_behalf, checkin.recorded_by) == (
        "person",
        False,
        world.person_user,
    )
    assert list(checkin.answers.values_list("answer", "words")) == [("worked", "Yes")]


def test_staff_check_in_is_recorded_on_behalf_and_says_how(world, goal):
    client = world.client_for(world.worker)
    url = reverse("reviews:checkin", args=[world.person.pk])
    response = client.post(
        url,
        {
            f"answer_goal-{goal.pk}": "didnt_work",
            "answered_by": "staff_with_person",
            "how": "signed",
        },
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.answered_by, checkin.on_behalf, checkin.how) == (
        "staff_with_person",
        True,
        "signed",
    )


def test_check_in_with_no_answer_shows_the_services_message(world, goal):
    client = world.client_for(world.person_user)
    response = client.post(reverse("reviews:checkin", args=[world.person.pk]), {})
    assert response.status_code == 200
    assert "Choose an answer for at least one thing." in response.content.decode()


def test_closing_a_trigger_without_a_reason_is_refused_on_the_page(world, sams):
    client = world.client_for(world.team_leader)
    url = reverse("reviews:trigger_close", args=[world.person.pk, sams["closing"].pk])
    response = client.post(url, {"closed_reason": ""})
    assert (
        "A trigger can only be closed by a review or with a recorded reason to wait."
        in response.content.decode()
    )
    assert ReviewTrigger.objects.get(pk=sams["closing"].pk).is_open
    assert client.post(url, {"closed_reason": "On holiday"}).status_code == 302
    assert ReviewTrigger.objects.get(pk=sams["closing"].pk).status == "waiting"


def test_sister_adds_working_not_working_marked_as_hers(world):
    client = world.client_for(world.sister_user)
    response = client.post(
        reverse("reviews:working_add", args=[world.person.pk]), {"working": "Sunday lunches"}
    )
    assert response.status_code == 302
    entry = WorkingNotWorking.objects.get()
    assert (entry.perspective, entry.author) == ("family", "Jo Taylor")


def test_person_page_shows_perspectives_apart_and_the_history(
    world, goal, django_assert_max_num_queries
):
    services.working_not_working_add(person=world.person, by=world.person_user, working="Music")
    services.working_not_working_add(person=world.person, by=world.sister_user, working="Visits")
    for weeks in range(4):
        services.checkin_record(
            person=world.person,
            by=world.worker,
            how="spoken",
            week_start=timezone.localdate()
            - timedelta(days=timezone.localdate().weekday(), weeks=weeks),
            answers=[{"item_kind": "goal", "item_id": goal.pk, "answer": "worked"}],
        )
    client = world.client_for(world.team_leader)
    client.get(reverse("reviews:person", args=[world.person.pk]))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("reviews:person", args=[world.person.pk]))
    html = response.content.decode()
    assert "Sam's view" in html and "Family and friends" in html
    assert html.count("<rect") == 12
    assert 'role="img"' in html


def test_review_page_shows_contributions_as_whose_and_concludes(world, sams):
    services.review_contribute(review=sams["review"], by=world.person_user, pleased="Breakfast")
    client = world.client_for(world.team_leader)
    url = reverse("reviews:review", args=[world.person.pk, sams["review"].pk])
    html = client.get(url).content.decode()
    assert 'Sam <span class="tag">The person</span>' in html
    assert "Conclude the review" in html
    response = client.post(
        reverse("reviews:review_conclude", args=[world.person.pk, sams["review"].pk]),
        {
            "outcome": "keep_as_is",
            "keep_reason": "Calmer mornings",
            "next_review_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "learned": "Breakfast first helps",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(pk=sams["review"].pk)
    assert (review.status, review.learned) == ("concluded", "Breakfast first helps")
    assert ReviewTrigger.objects.get(pk=sams["trigger"].pk).status == "reviewed"


@pytest.mark.parametrize(
    "who,status",
    [
        ("worker", OK),
        ("manager", OK),
        ("outsider", OK),
        ("quality_lead", OK),
        ("agency_now", FORBIDDEN),
        ("admin", FORBIDDEN),
        ("person_user", FORBIDDEN),
        ("sister_user", FORBIDDEN),
        ("anonymous", LOGIN),
    ],
)
def test_who_may_see_the_dashboard(world, who, status):
    client = world.client_for(world.everyone[who])
    assert _outcome(client.get(reverse("reviews:dashboard"))) == status


def test_dashboard_lists_overdue_first_and_the_on_time_share(world, django_assert_max_num_queries):
    today = timezone.localdate()
    agreed_decision(world.person, world.manager, review_by=today - timedelta(days=5))
    agreed_decision(
        world.person,
        world.manager,
        review_by=today + timedelta(days=10),
        question="Travel to college alone?",
    )
    agreed_decision(
        world.person_b,
        world.manager,
        review_by=today - timedelta(days=20),
        question="Ola's decision",
    )
    overdue, soon = services.scan(service=world.service_a)
    on_time = services.trigger_open_by_hand(person=world.person, by=world.person_user, reason="x")
    review = services.review_open(person=world.person, by=world.manager, triggers=[on_time])
    services.review_conclude(
        review=review,
        by=world.manager,
        outcome="keep_as_is",
        keep_reason="ok",
        next_review_on=today + timedelta(days=90),
        next="go",
    )
    client = world.client_for(world.team_leader)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("reviews:dashboard")).content.decode()
    assert html.index("How should mornings go?") < html.index("Travel to college alone?")
    assert "Ola&#x27;s decision" not in html
    assert "overdue" in html
    # In the last 3 months: the overdue one (still open) and the one reviewed early.
    assert "<strong>50%</strong> (1 of 2 triggers" in html
