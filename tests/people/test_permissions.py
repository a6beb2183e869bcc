"""Who may open and change each page of a person's record.

The expectations are written out by hand from the rules in DESIGN.md ("Who may do what")
and the docstring of coplan/accounts/access.py, not computed with access.py, so a change to
the rules shows up here as a failing row.

Each page belongs to one kind:
- read: the person page and the one-page profile (anyone who may see the profile);
- history: the change history (team leader, manager, quality lead);
- log: the access log (manager and quality lead);
- write: every edit and add form, GET and POST (team leader and manager).
Someone who may not see the person at all gets 404 (existence does not leak); someone who
may see them but not do this gets 403; anonymous users are sent to the login page.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.accounts.models import ShiftBooking
from tests.people.conftest import valid_data

OK, FORBIDDEN, HIDDEN, LOGIN = 200, 403, 404, "login"

# role -> {person: (read, history, log, write)}; person is Sam in A, person_b is Ola in B.
NONE = (HIDDEN, HIDDEN, HIDDEN, HIDDEN)
EXPECTED: dict[str, dict[str, tuple]] = {
    # A support worker in A: reads Sam, changes nothing, sees nobody in B.
    "worker": {"person": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN), "person_b": NONE},
    # A team leader plans and edits in A, sees history, not the access log.
    "team_leader": {"person": (OK, OK, FORBIDDEN, OK), "person_b": NONE},
    # A manager does everything in A, nothing in B.
    "manager": {"person": (OK, OK, OK, OK), "person_b": NONE},
    # A support worker in B: the mirror image of `worker`.
    "outsider": {"person": NONE, "person_b": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN)},
    # Agency worker on a shift running now in A: reads like a support worker there.
    "agency_now": {"person": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN), "person_b": NONE},
    # Agency worker whose shift is tomorrow: sees nobody yet.
    "agency_later": {"person": NONE, "person_b": NONE},
    # Quality lead (member of B): reads, history and access log across the organisation.
    "quality_lead": {
        "person": (OK, OK, OK, FORBIDDEN),
        "person_b": (OK, OK, OK, FORBIDDEN),
    },
    # Admin: organisation settings only, no care records.
    "admin": {"person": NONE, "person_b": NONE},
    # Sam: their own profile, not its history, log or edit forms.
    "person_user": {"person": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN), "person_b": NONE},
    # Sam's sister: the profile Sam shared with her.
    "sister_user": {"person": (OK, FORBIDDEN, FORBIDDEN, FORBIDDEN), "person_b": NONE},
    "anonymous": {"person": (LOGIN,) * 4, "person_b": (LOGIN,) * 4},
}
KIND_INDEX = {"read": 0, "history": 1, "log": 2, "write": 3}

# (name, kind, url name, child record attribute or None, form for POST or None)
PAGES = [
    ("detail", "read", "people:detail", None, None),
    ("profile", "read", "people:profile", None, None),
    ("history", "history", "people:history", None, None),
    ("access_log", "log", "people:access_log", None, None),
    ("edit", "write", "people:edit", None, "edit"),
    ("need_add", "write", "people:need_add", None, "need"),
    ("need_edit", "write", "people:need_edit", "need", "need"),
    ("chart_add", "write", "people:chart_add", None, "chart"),
    ("chart_edit", "write", "people:chart_edit", "chart", "chart"),
    ("decision_profile", "write", "people:decision_profile", None, "decision_profile"),
    ("agreement_add", "write", "people:agreement_add", None, "agreement"),
    ("agreement_edit", "write", "people:agreement_edit", "agreement", "agreement"),
    ("circle_add", "write", "people:circle_add", None, "circle"),
    ("circle_edit", "write", "people:circle_edit", "circle", "circle"),
]


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("role", list(EXPECTED))
def test_person_pages_follow_the_permission_table(world, records, role):
    client = world.client_for(world.everyone[role])
    wrong = []
    for target in ("person", "person_b"):
        person = getattr(world, target)
        for name, kind, url_name, child, form in PAGES:
            args = [person.pk] + ([getattr(records[target], child).pk] if child else [])
            url = reverse(url_name, args=args)
            expected = EXPECTED[role][target][KIND_INDEX[kind]]
            got = _outcome(client.get(url))
            if got != expected:
                wrong.append(f"GET {name} of {target}: expected {expected}, got {got}")
            if form is None:
                continue
            response = client.post(url, valid_data(form, person))
            got = _outcome(response)
            # A successful POST goes back to the person's page.
            want = 302 if expected == OK else expected
            if got != want:
                wrong.append(f"POST {name} of {target}: expected {want}, got {got}")
            elif want == 302:
                assert response["Location"].startswith(f"/people/{person.pk}/")
    assert wrong == []


# role -> (people list, add-person form)
LIST_AND_ADD = {
    "worker": (OK, FORBIDDEN),
    "team_leader": (OK, OK),
    "manager": (OK, OK),
    "outsider": (OK, FORBIDDEN),
    "agency_now": (OK, FORBIDDEN),
    "agency_later": (OK, FORBIDDEN),
    "quality_lead": (OK, FORBIDDEN),
    "admin": (OK, FORBIDDEN),
    "person_user": (OK, FORBIDDEN),
    "sister_user": (OK, FORBIDDEN),
    "anonymous": (LOGIN, LOGIN),
}

# Who appears on each role's people list.
LISTED = {
    "worker": {"Sam Taylor"},
    "team_leader": {"Sam Taylor"},
    "manager": {"Sam Taylor"},
    "outsider": {"Ola Adeyemi"},
    "agency_now": {"Sam Taylor"},
    "agency_later": set(),
    "quality_lead": {"Sam Taylor", "Ola Adeyemi"},
    "admin": set(),
    "person_user": {"Sam Taylor"},
    "sister_user": {"Sam Taylor"},
}


@pytest.mark.parametrize("role", list(LIST_AND_ADD))
def test_people_list_and_add_form_follow_the_permission_table(world, role):
    client = world.client_for(world.everyone[role])
    list_response = client.get(reverse("people:list"))
    add_response = client.get(reverse("people:add"))
    assert (_outcome(list_response), _outcome(add_response)) == LIST_AND_ADD[role]
    if role != "anonymous":
        page = list_response.context["page"]
        assert {p.display_name for p in page.object_list} == LISTED[role]


@pytest.mark.parametrize("role", ["worker", "outsider", "quality_lead", "admin", "anonymous"])
def test_adding_a_person_is_refused_for_roles_that_cannot(world, role):
    client = world.client_for(world.everyone[role])
    before = world.person.__class__.objects.count()
    response = client.post(
        reverse("people:add"),
        {"given_name": "New", "family_name": "Person", "service": world.service_a.pk},
    )
    assert _outcome(response) == (LOGIN if role == "anonymous" else FORBIDDEN)
    assert world.person.__class__.objects.count() == before


def test_team_leader_cannot_add_a_person_to_another_service(world):
    client = world.client_for(world.team_leader)
    response = client.post(
        reverse("people:add"),
        {"given_name": "New", "family_name": "Person", "service": world.service_b.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not world.service_b.people.filter(given_name="New").exists()


def _agency_with_shift(world, starts, ends):
    ShiftBooking.objects.create(
        user=world.agency_later, service=world.service_a, starts_at=starts, ends_at=ends
    )
    return world.client_for(world.agency_later)


@pytest.mark.parametrize(
    ("when", "starts", "ends", "expected"),
    [
        ("before the shift", timedelta(minutes=30), timedelta(hours=8), HIDDEN),
        ("during the shift", -timedelta(minutes=1), timedelta(hours=8), OK),
        ("just after the shift", -timedelta(hours=8), -timedelta(minutes=1), HIDDEN),
    ],
)
def test_agency_worker_sees_the_person_only_during_a_booked_shift(
    world, when, starts, ends, expected
):
    now = timezone.now()
    client = _agency_with_shift(world, now + starts, now + ends)
    detail = client.get(reverse("people:detail", args=[world.person.pk]))
    profile = client.get(reverse("people:profile", args=[world.person.pk]))
    assert (detail.status_code, profile.status_code) == (expected, expected), when
    # Never beyond a support worker's reach, even on shift.
    edit = client.get(reverse("people:edit", args=[world.person.pk]))
    assert edit.status_code == (FORBIDDEN if expected == OK else HIDDEN)


def test_agency_shift_in_another_service_does_not_open_this_one(world):
    now = timezone.now()
    ShiftBooking.objects.create(
        user=world.agency_later,
        service=world.service_b,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    client = world.client_for(world.agency_later)
    assert client.get(reverse("people:detail", args=[world.person.pk])).status_code == HIDDEN
    assert client.get(reverse("people:detail", args=[world.person_b.pk])).status_code == HIDDEN


def test_child_record_of_another_person_is_not_found_through_this_person(world, records):
    client = world.client_for(world.manager)
    other_need = records["person_b"].need
    url = reverse("people:need_edit", args=[world.person.pk, other_need.pk])
    assert client.get(url).status_code == HIDDEN
    assert client.post(url, valid_data("need", world.person)).status_code == HIDDEN
    other_need.refresh_from_db()
    assert other_need.version == 1


def test_unknown_person_is_not_found(world):
    client = world.client_for(world.manager)
    assert client.get(reverse("people:detail", args=[999999])).status_code == HIDDEN
