"""No lost updates on the person's record (issue 10, finding 3): every update says the version
it was based on; a stale one is refused and overwrites nothing; the version rises in the
database, once per change, and an update saves only what it changed."""

import copy
import json
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from coplan.accounts.services import api_token_create
from coplan.lib.errors import Conflict
from coplan.people import services
from coplan.people.models import Person

from .conftest import valid_data


def api_patch(user, path: str, body: dict, **headers):
    from django.test import Client

    _, secret = api_token_create(user=user, name="tests")
    return Client().patch(
        f"/api/v1{path}",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        **headers,
    )


def test_update_from_a_stale_version_is_refused_and_overwrites_nothing(world):
    person = world.person
    seen = person.version
    services.person_update(person=person, by=world.manager, based_on=seen, strengths="Kind")
    with pytest.raises(Conflict) as exc:
        services.person_update(
            person=person, by=world.team_leader, based_on=seen, strengths="Funny"
        )
    assert exc.value.code == "stale_version"
    assert "Mona Manager changed" in exc.value.message
    assert [(d.label, d.theirs, d.yours) for d in exc.value.differences] == [
        ("Strengths", "Kind", "Funny")
    ]
    person.refresh_from_db()
    assert (person.strengths, person.version) == ("Kind", seen + 1)


def test_update_saves_only_the_fields_it_changed(world):
    """Two copies read at the same version; each changes a different field without saying
    its version (a caller inside the services): neither loses the other's change, and each
    change raises the version by one."""
    first, second = copy.copy(world.person), copy.copy(world.person)
    start = world.person.version
    services.person_update(person=first, by=world.manager, strengths="Kind")
    services.person_update(person=second, by=world.manager, pronouns="he/him")
    person = Person.objects.get(pk=world.person.pk)
    assert (person.strengths, person.pronouns, person.version) == ("Kind", "he/him", start + 2)
    assert second.version == start + 2


def test_an_update_that_changes_nothing_keeps_the_version(world):
    start = world.person.version
    services.person_update(
        person=world.person, by=world.manager, based_on=start, given_name="Samuel"
    )
    world.person.refresh_from_db()
    assert world.person.version == start
    assert Person.history.filter(id=world.person.pk).count() == start


def test_the_history_names_who_made_each_change(world):
    services.person_update(person=world.person, by=world.team_leader, strengths="Kind")
    latest = Person.history.filter(id=world.person.pk).latest("history_date")
    assert (latest.history_user, latest.version, latest.strengths) == (
        world.team_leader,
        world.person.version,
        "Kind",
    )


def test_section_update_from_a_stale_version_is_refused(world, records):
    need = records["person"].need
    seen = need.version
    services.communication_need_update(
        communication_need=need, by=world.manager, based_on=seen, need="Photos"
    )
    with pytest.raises(Conflict):
        services.communication_need_update(
            communication_need=need, by=world.manager, based_on=seen, need="Symbols"
        )
    need.refresh_from_db()
    assert (need.need, need.version) == ("Photos", seen + 1)


# Web ---------------------------------------------------------------------------------------


def test_edit_form_carries_the_version_it_was_drawn_from(world):
    html = (
        world.client_for(world.manager)
        .get(reverse("people:edit", args=[world.person.pk]))
        .content.decode()
    )
    assert f'name="version" value="{world.person.version}"' in html


def test_stale_web_edit_shows_who_changed_it_with_their_value_beside_yours(world):
    seen = world.person.version
    services.person_update(person=world.person, by=world.team_leader, strengths="Kind")
    data = valid_data("edit", world.person) | {"strengths": "Funny", "version": str(seen)}
    response = world.client_for(world.manager).post(
        reverse("people:edit", args=[world.person.pk]), data
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Tariq Leader changed" in html
    assert "Kind" in html and "Funny" in html
    # Saving again is now based on the version shown, so it is a deliberate choice.
    assert f'name="version" value="{seen + 1}"' in html
    world.person.refresh_from_db()
    assert (world.person.strengths, world.person.version) == ("Kind", seen + 1)


def test_stale_web_edit_of_a_section_is_refused(world, records):
    need = records["person"].need
    seen = need.version
    services.communication_need_update(communication_need=need, by=world.team_leader, need="X")
    data = valid_data("need", world.person) | {"version": str(seen)}
    response = world.client_for(world.manager).post(
        reverse("people:need_edit", args=[world.person.pk, need.pk]), data
    )
    assert response.status_code == 409
    assert "Tariq Leader changed" in response.content.decode()
    need.refresh_from_db()
    assert (need.need, need.version) == ("X", seen + 1)


# API ---------------------------------------------------------------------------------------


def test_api_update_from_a_stale_version_is_a_409_and_overwrites_nothing(world):
    seen = world.person.version
    services.person_update(person=world.person, by=world.team_leader, strengths="Kind")
    response = api_patch(
        world.manager, f"/people/{world.person.pk}", {"strengths": "Funny", "version": seen}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_version"
    world.person.refresh_from_db()
    assert (world.person.strengths, world.person.version) == ("Kind", seen + 1)


def test_api_update_takes_the_version_from_if_match(world):
    seen = world.person.version
    response = api_patch(
        world.manager,
        f"/people/{world.person.pk}",
        {"strengths": "Kind"},
        HTTP_IF_MATCH=f'"{seen}"',
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == seen + 1
    stale = api_patch(
        world.manager,
        f"/people/{world.person.pk}",
        {"strengths": "Funny"},
        HTTP_IF_MATCH=f'"{seen}"',
    )
    assert stale.status_code == 409


def test_api_update_must_say_its_version(world):
    response = api_patch(world.manager, f"/people/{world.person.pk}", {"strengths": "Kind"})
    assert response.status_code == 422
    assert "version" in response.json()["fields"]
    world.person.refresh_from_db()
    assert world.person.strengths == ""


# PostgreSQL: two people save the same profile at the same moment ---------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs real concurrent transactions and row locks (PostgreSQL); SQLite "
    "serialises writers, so there is no race to test.",
)
def test_two_concurrent_profile_edits_from_one_version_store_one_and_refuse_the_other(world):
    seen = world.person.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    lock = threading.Lock()

    def edit(user, text: str) -> None:
        person = Person.objects.get(pk=world.person.pk)
        try:
            barrier.wait(timeout=10)
            services.person_update(person=person, by=user, based_on=seen, strengths=text)
            result = "stored"
        except Conflict as exc:
            result = exc.code
        finally:
            connections.close_all()
        with lock:
            outcomes[text] = result

    threads = [
        threading.Thread(target=edit, args=(world.manager, "Kind")),
        threading.Thread(target=edit, args=(world.team_leader, "Funny")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["stale_version", "stored"]
    person = Person.objects.get(pk=world.person.pk)
    (winner,) = [text for text, result in outcomes.items() if result == "stored"]
    assert (person.strengths, person.version) == (winner, seen + 1)
    assert Person.history.filter(id=person.pk, version=seen + 1).count() == 1
