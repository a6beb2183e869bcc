"""The people pages show what they should in a fixed number of queries."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coplan.people import services
from tests.people.conftest import make_records


def _add_people(world, n: int) -> None:
    for i in range(n):
        person = services.person_create(
            service=world.service_a, by=world.manager, given_name=f"P{i:02}", family_name="X"
        )
        services.communication_need_create(
            person=person,
            by=world.manager,
            category="information_format",
            information_format="pictures",
            need="Pictures",
            review_on=timezone.localdate() + timedelta(days=30),
        )


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_people_list_queries_do_not_grow_with_people(world):
    client = world.client_for(world.worker)
    url = reverse("people:list")
    _add_people(world, 2)
    few = _query_count(client, url)
    _add_people(world, 10)
    many = _query_count(client, url)
    assert many == few
    assert many <= 15


def test_person_page_queries_do_not_grow_with_the_record(world, records):
    client = world.client_for(world.manager)
    url = reverse("people:detail", args=[world.person.pk])
    small = _query_count(client, url)
    for _ in range(5):
        make_records(world.person, world.manager)
    big = _query_count(client, url)
    assert big == small
    assert big <= 20


def test_people_list_shows_flags_and_search(world):
    _add_people(world, 1)
    client = world.client_for(world.manager)
    html = client.get(reverse("people:list")).content.decode()
    assert 'aria-label="Communication needs of P00"' in html
    response = client.get(reverse("people:list"), {"q": "sam"})
    assert [p.display_name for p in response.context["page"].object_list] == ["Sam Taylor"]


def test_person_page_shows_the_flag_before_the_record(world, records):
    html = (
        world.client_for(world.worker)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert html.index("flag-box") < html.index('id="about-me"')
    assert "Easy read with pictures" in html


def test_history_shows_who_changed_what_from_and_to(world):
    client = world.client_for(world.team_leader)
    data = {
        "given_name": "Samuel",
        "family_name": "Taylor",
        "preferred_name": "Sam",
        "service": world.service_a.pk,
        "please_do_not": "Rush me & shout",
        "version": world.person.version,
    }
    assert client.post(reverse("people:edit", args=[world.person.pk]), data).status_code == 302
    response = client.get(reverse("people:history", args=[world.person.pk]))
    html = response.content.decode()
    latest = response.context["rows"][0]
    assert latest["record"].history_user == world.team_leader
    assert [c["field"] for c in latest["changes"]] == ["please do not"]
    assert "Please do not: “(empty)” → “Rush me &amp; shout”" in html
    assert "Tariq Leader" in html


def test_sister_loses_access_when_sam_withdraws_sharing(world):
    sister_client = world.client_for(world.sister_user)
    url = reverse("people:detail", args=[world.person.pk])
    assert sister_client.get(url).status_code == 200
    services.circle_member_update(member=world.sister, by=world.manager, may_see_profile=False)
    assert sister_client.get(url).status_code == 403
    services.circle_member_update(member=world.sister, by=world.manager, is_active=False)
    assert sister_client.get(url).status_code == 404
