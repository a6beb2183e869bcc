"""Query strings, page numbers and failing requests: a 400 (JSON in the API, a page on the
web) or an empty page, never a 500; and a request that fails leaves nothing behind."""

import json
import uuid
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from coplan.accounts.services import api_token_create
from coplan.delivery.models import DailyNote
from coplan.lib import input as policy
from coplan.people.models import Person
from tests.hardening.conftest import fingerprint


@pytest.fixture
def api(world) -> Client:
    _, secret = api_token_create(user=world.manager, name="t")
    client = Client(raise_request_exception=False)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("page=9223372036854775807", "page", policy.PAGE_RANGE.format(limit=policy.PAGE_MAX)),
        ("page=0", "page", policy.PAGE_RANGE.format(limit=policy.PAGE_MAX)),
        ("page=²", "page", policy.NOT_A_NUMBER),
        (
            "page_size=99999999999999999999",
            "page_size",
            policy.PAGE_RANGE.format(limit=policy.PAGE_MAX),
        ),
        ("q=a%00b", "q", policy.NUL),
        ("q=a%07b", "q", policy.CONTROL),
    ],
)
def test_a_bad_query_parameter_is_a_json_400_naming_it(world, api, query, field, message):
    response = api.get(f"/api/v1/people/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_request"
    assert body["fields"] == {field: [message]}


def test_a_query_parameter_of_the_wrong_type_is_a_400_too(world, api):
    response = api.get(
        f"/api/v1/people/{world.person.pk}/communication-needs?include_inactive=maybe"
    )
    assert response.status_code == 400
    assert "include_inactive" in response.json()["fields"]


def test_a_page_past_the_end_is_empty(world, api):
    response = api.get("/api/v1/people/?page=5000")
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("url", ["/people/?q=a%00b", "/people/?page=9223372036854775807"])
def test_a_bad_query_on_the_web_is_a_400_page(world, url):
    response = world.client_for(world.worker).get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This address cannot be used" in html
    assert 'href="/"' in html


def test_a_web_page_past_the_end_shows_the_last_page(world):
    response = world.client_for(world.worker).get("/people/?page=5000")
    assert response.status_code == 200


@pytest.mark.parametrize("session", ["abc", "²", "99999999999999999999999"])
def test_the_new_decision_page_with_a_bad_session_is_a_404_page(world, session):
    url = reverse("planning:decision_add", args=[world.person.pk]) + f"?session={session}"
    response = world.client_for(world.team_leader).get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_an_api_write_that_fails_half_way_leaves_nothing_behind(world, api):
    """The note is saved, then something breaks: the answer is the 500 error shape, and the
    note is not there, as the message says."""
    from coplan.delivery import services

    real = services.daily_note_create

    def save_then_break(**kwargs):
        real(**kwargs)
        raise RuntimeError("the disk filled up")

    before = fingerprint()
    with mock.patch.object(services, "daily_note_create", save_then_break):
        response = api.post(
            f"/api/v1/delivery/people/{world.person.pk}/daily-notes",
            data=json.dumps({"text": "Lunch"}),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
    assert response.status_code == 500
    assert response.json()["message"] == "Something went wrong on our side; nothing was saved."
    assert not DailyNote.objects.exists()
    assert fingerprint() == before


def test_a_web_write_that_fails_half_way_leaves_nothing_behind(world):
    from coplan.people import services

    real = services.person_update

    def save_then_break(**kwargs):
        real(**kwargs)
        raise RuntimeError("the disk filled up")

    client = world.client_for(world.manager)
    client.raise_request_exception = False
    url = reverse("people:edit", args=[world.person.pk])
    form = client.get(url).context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["strengths"] = "Kind and funny"
    with mock.patch("coplan.people.views.services.person_update", save_then_break):
        response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert Person.objects.get(pk=world.person.pk).strengths == ""
