"""Every read of a person's record goes in the access log, once; changes do not."""

import pytest
from django.urls import reverse

from coplan.access.models import AccessLog
from coplan.accounts.services import api_token_create
from tests.people.conftest import valid_data


def _bearer(user) -> dict[str, str]:
    _, secret = api_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize(
    ("url_name", "what", "action"),
    [
        ("people:detail", "Person page", AccessLog.Action.VIEW),
        ("people:profile", "One-page profile", AccessLog.Action.PRINT),
        ("people:history", "Change history", AccessLog.Action.VIEW),
    ],
)
def test_each_page_read_adds_one_access_log_row(world, url_name, what, action):
    client = world.client_for(world.manager)
    url = reverse(url_name, args=[world.person.pk])
    response = client.get(url)
    assert response.status_code == 200
    rows = list(AccessLog.objects.values("user", "person", "what", "action", "path"))
    assert rows == [
        {
            "user": world.manager.pk,
            "person": world.person.pk,
            "what": what,
            "action": action,
            "path": url,
        }
    ]


@pytest.mark.parametrize(
    ("suffix", "what"),
    [
        ("", "Person record"),
        ("/communication-needs", "Communication needs"),
        ("/circle", "Circle of support"),
    ],
)
def test_each_api_read_adds_one_access_log_row(world, suffix, what):
    path = f"/api/v1/people/{world.person.pk}{suffix}"
    response = world.client_for(None).get(path, **_bearer(world.worker))
    assert response.status_code == 200
    rows = list(AccessLog.objects.values("user", "person", "what", "action", "path"))
    assert rows == [
        {
            "user": world.worker.pk,
            "person": world.person.pk,
            "what": what,
            "action": AccessLog.Action.API_READ,
            "path": path,
        }
    ]


def test_reading_twice_logs_twice(world):
    client = world.client_for(world.worker)
    url = reverse("people:detail", args=[world.person.pk])
    client.get(url)
    client.get(url)
    assert AccessLog.objects.filter(user=world.worker, person=world.person).count() == 2


def test_refused_reads_are_not_logged_as_reads(world):
    world.client_for(world.outsider).get(reverse("people:detail", args=[world.person.pk]))
    world.client_for(world.worker).get(reverse("people:history", args=[world.person.pk]))
    world.client_for(None).get(f"/api/v1/people/{world.person.pk}", **_bearer(world.admin))
    assert AccessLog.objects.count() == 0


def test_list_api_does_not_log_a_read_of_each_person(world):
    response = world.client_for(None).get("/api/v1/people/", **_bearer(world.quality_lead))
    assert response.status_code == 200
    assert AccessLog.objects.count() == 0


def test_web_edits_do_not_pretend_to_be_reads(world, records):
    client = world.client_for(world.manager)
    person = world.person
    posts = [
        (reverse("people:edit", args=[person.pk]), valid_data("edit", person)),
        (reverse("people:need_add", args=[person.pk]), valid_data("need", person)),
        (
            reverse("people:chart_edit", args=[person.pk, records["person"].chart.pk]),
            valid_data("chart", person),
        ),
        (
            reverse("people:decision_profile", args=[person.pk]),
            valid_data("decision_profile", person),
        ),
        (reverse("people:agreement_add", args=[person.pk]), valid_data("agreement", person)),
        (reverse("people:circle_add", args=[person.pk]), valid_data("circle", person)),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 302, url
    assert AccessLog.objects.count() == 0


def test_api_changes_do_not_pretend_to_be_reads(world):
    client = world.client_for(None)
    headers = _bearer(world.manager)
    response = client.patch(
        f"/api/v1/people/{world.person.pk}",
        {"strengths": "Great at puzzles", "version": world.person.version},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200
    response = client.post(
        f"/api/v1/people/{world.person.pk}/communication-needs",
        {"category": "communication_support", "need": "Slow speech", "review_on": "2030-01-01"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201
    assert AccessLog.objects.count() == 0


def test_access_log_page_lists_who_read_what(world):
    world.client_for(world.worker).get(reverse("people:detail", args=[world.person.pk]))
    world.client_for(world.quality_lead).get(reverse("people:profile", args=[world.person.pk]))
    response = world.client_for(world.manager).get(
        reverse("people:access_log", args=[world.person.pk])
    )
    assert response.status_code == 200
    entries = [(e.user, e.what) for e in response.context["page"].object_list]
    assert entries == [
        (world.quality_lead, "One-page profile"),
        (world.worker, "Person page"),
    ]
    html = response.content.decode()
    assert "Wendy Worker" in html and "Printed" in html


def test_access_log_only_shows_this_persons_reads(world):
    world.client_for(world.quality_lead).get(reverse("people:detail", args=[world.person_b.pk]))
    response = world.client_for(world.manager).get(
        reverse("people:access_log", args=[world.person.pk])
    )
    assert list(response.context["page"].object_list) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("quality_lead", 200),
        ("team_leader", 403),
        ("worker", 403),
        ("agency_now", 403),
        ("person_user", 403),
        ("sister_user", 403),
        ("outsider", 404),
        ("admin", 404),
    ],
)
def test_access_log_page_is_for_manager_and_quality_lead_only(world, role, status):
    response = world.client_for(world.everyone[role]).get(
        reverse("people:access_log", args=[world.person.pk])
    )
    assert response.status_code == status


@pytest.mark.parametrize(("role", "shown"), [("manager", True), ("team_leader", False)])
def test_access_log_link_shows_only_to_those_who_may_open_it(world, role, shown):
    response = world.client_for(world.everyone[role]).get(
        reverse("people:detail", args=[world.person.pk])
    )
    assert (reverse("people:access_log", args=[world.person.pk]) in response.content.decode()) == (
        shown
    )


@pytest.mark.django_db(transaction=True)
def test_logging_a_read_leaves_the_connection_as_it_found_it(world):
    """On PostgreSQL a read's log rows commit without waiting for the disk: that setting is
    for their own transaction only, never the next statement's, and a write that logs a read
    inside its own transaction keeps its full durability."""
    from django.db import connection, transaction

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    rows = AccessLog.objects.write(
        [AccessLog(user=world.worker, person=world.person, what="Shift view") for _ in range(2)]
    )
    assert [r.pk is not None for r in rows] == [True, True]
    assert AccessLog.objects.filter(what="Shift view").count() == 2
    assert AccessLog.objects.write([]) == []
    if connection.vendor != "postgresql":
        return
    assert synchronous_commit() == "on"
    with transaction.atomic():
        AccessLog.objects.write([AccessLog(user=world.worker, person=world.person, what="x")])
        assert synchronous_commit() == "on"
