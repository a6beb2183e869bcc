"""The access helpers themselves: what they return, in how many queries, what they log by
default and what they refuse."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action, Speaker
from coplan.planning.models import Decision


def _rows():
    return list(AccessLog.objects.values_list("user", "person", "what", "action", "path"))


def test_a_read_is_logged_once_by_default_with_what_and_the_path(world, get_request):
    request = get_request(world.worker, "/plan/people/1/")
    person = access.get_person_for_user(request, world.person.pk, Action.VIEW_PLAN, what="Plan")
    assert person == world.person
    assert _rows() == [
        (world.worker.pk, world.person.pk, "Plan", AccessLog.Action.VIEW, "/plan/people/1/")
    ]


def test_a_page_that_shows_nothing_of_the_person_opts_out_and_logs_nothing(world, get_request):
    request = get_request(world.manager)
    access.get_person_for_user(request, world.person.pk, Action.VIEW_ACCESS_LOG, log=False)
    assert _rows() == []


def test_a_change_is_not_logged_as_a_read(world, get_request):
    request = get_request(world.manager, "/people/1/edit/", method="post")
    access.get_person_for_user(request, world.person.pk, Action.EDIT_PROFILE)
    assert _rows() == []


def test_a_read_through_the_api_is_logged_as_an_api_read(world, get_request):
    path = f"/api/v1/people/{world.person.pk}"
    access.get_person_for_user(
        get_request(world.worker, path), world.person.pk, Action.VIEW_PROFILE
    )
    assert _rows() == [
        (world.worker.pk, world.person.pk, "Person record", AccessLog.Action.API_READ, path)
    ]


def test_a_printout_says_it_was_printed(world, get_request, records):
    request = get_request(world.worker, "/sheet/")
    access.get_object_for_user(
        request,
        Decision,
        records.decision.pk,
        Action.VIEW_PLAN,
        what="Decision sheet",
        log_action=AccessLog.Action.PRINT,
    )
    assert _rows() == [
        (world.worker.pk, world.person.pk, "Decision sheet", AccessLog.Action.PRINT, "/sheet/")
    ]


def test_the_record_comes_with_its_person_and_service_in_one_query(
    world, get_request, records, django_assert_num_queries
):
    request = get_request(world.worker, "/decision/")
    access.capabilities(world.worker, world.person)  # what the worker holds, once a request
    with django_assert_num_queries(1):
        decision = access.get_object_for_user(
            request, Decision, records.decision.pk, Action.VIEW_PLAN, log=False
        )
        assert decision.person.service.name == "Elm House"
    with django_assert_num_queries(2):  # the record, and the access-log row
        access.get_object_for_user(request, Decision, records.decision.pk, Action.VIEW_PLAN)
    assert _rows() == [
        (world.worker.pk, world.person.pk, f"Decision {records.decision.pk}", "view", "/decision/")
    ]


def test_a_record_that_does_not_exist_is_not_found(world, get_request):
    with pytest.raises(Http404):
        access.get_object_for_user(get_request(world.manager), Decision, 999_999, Action.VIEW_PLAN)


@pytest.mark.parametrize(
    ("role", "refusal"),
    [("sister_user", PermissionDenied), ("outsider", Http404), ("admin", Http404)],
)
def test_a_refused_read_raises_and_logs_nothing(world, get_request, records, role, refusal):
    request = get_request(world.everyone[role])
    with pytest.raises(refusal):
        access.get_object_for_user(request, Decision, records.decision.pk, Action.VIEW_PLAN)
    with pytest.raises(refusal):
        access.get_person_for_user(request, world.person.pk, Action.VIEW_PLAN)
    assert _rows() == []


def test_another_persons_record_is_not_found_under_this_persons_id(
    world, get_request, ravis_records
):
    with pytest.raises(Http404):
        access.get_object_for_user(
            get_request(world.manager),
            Decision,
            ravis_records.decision.pk,
            Action.VIEW_PLAN,
            person_id=world.person.pk,
        )
    assert _rows() == []


# Whose voice -----------------------------------------------------------------------------


def test_the_person_speaks_in_their_own_voice(world):
    voice = access.voice_of(world.person_user, world.person)
    assert (voice.speaker, voice.circle_member, voice.speaks_for_others) == (
        Speaker.PERSON,
        None,
        False,
    )


def test_a_circle_member_speaks_in_their_own_voice(world):
    voice = access.voice_of(world.sister_user, world.person)
    assert (voice.speaker, voice.circle_member, voice.speaks_for_others) == (
        Speaker.CIRCLE,
        world.sister,
        False,
    )


def test_staff_and_former_circle_members_write_down_others_words(world):
    assert access.voice_of(world.worker, world.person).speaker == Speaker.STAFF
    world.sister.is_active = False
    world.sister.save(update_fields=["is_active"])
    assert access.voice_of(world.sister_user, world.person).speaks_for_others
    # Sam's own login is not Ola's voice.
    assert access.voice_of(world.person_user, world.person_b).speaker == Speaker.STAFF


# Plan or assure --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("team_leader", 200),
        ("manager", 200),
        ("quality_lead", 200),
        ("worker", 403),
        ("agency_now", 403),
        ("person_user", 403),
        ("sister_user", 403),
        ("outsider", 404),
        ("admin", 404),
        ("anonymous", 302),
    ],
)
def test_the_delivery_report_is_for_those_who_plan_or_assure(world, role, status):
    url = reverse("delivery:report", args=[world.person.pk])
    assert world.client_for(world.everyone[role]).get(url).status_code == status
    assert AccessLog.objects.filter(what="Delivery against the plan").count() == (status == 200)


@pytest.mark.parametrize(("role", "shown"), [("quality_lead", True), ("worker", False)])
def test_the_delivery_link_shows_to_those_who_may_open_it(world, role, shown):
    page = world.client_for(world.everyone[role]).get(
        reverse("people:detail", args=[world.person.pk])
    )
    assert (reverse("delivery:report", args=[world.person.pk]) in page.content.decode()) is shown


# Edit forms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name", ["people:edit", "people:decision_profile", "planning:contingency_edit"]
)
def test_opening_an_edit_form_is_a_logged_read(world, url_name):
    url = reverse(url_name, args=[world.person.pk])
    assert world.client_for(world.manager).get(url).status_code == 200
    assert list(AccessLog.objects.values_list("user", "person", "path")) == [
        (world.manager.pk, world.person.pk, url)
    ]
