"""The people endpoints of the JSON API: token auth, the same access rules as the web pages,
JSON errors in one shape, pagination, and the OpenAPI description."""

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from coplan.accounts.models import ApiToken
from coplan.accounts.services import api_token_create, api_token_revoke
from coplan.people.models import CircleMember, CommunicationNeed, Person

SCRIPT = "<script>alert(1)</script>"


class Api:
    """A client that talks to /api/v1/ with a bearer token (or none)."""

    def __init__(self, user=None, secret: str | None = None):
        self.client = Client()
        if user is not None and secret is None:
            _, secret = api_token_create(user=user, name="tests")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}

    def _call(self, method: str, path: str, body=None, raw: str | None = None):
        kwargs = dict(self.headers)
        if raw is not None or body is not None:
            kwargs["content_type"] = "application/json"
            kwargs["data"] = raw if raw is not None else json.dumps(body)
        response = getattr(self.client, method)(f"/api/v1{path}", **kwargs)
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        return response

    def get(self, path):
        return self._call("get", path)

    def post(self, path, body=None, raw=None):
        return self._call("post", path, body, raw)

    def patch(self, path, body=None, raw=None):
        return self._call("patch", path, body, raw)


def assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


NEW_NEED = {"category": "information_format", "information_format": "pictures", "need": "Photos"}


def endpoints(world, person: Person, records: dict) -> list[tuple[str, str, dict | None]]:
    """Every people endpoint that names a person: (method, path, body)."""
    pid = person.pk
    return [
        ("get", f"/people/{pid}", None),
        ("patch", f"/people/{pid}", {"strengths": "Kind", "version": person.version}),
        ("get", f"/people/{pid}/communication-needs", None),
        ("post", f"/people/{pid}/communication-needs", {**NEW_NEED, "review_on": "2030-01-01"}),
        (
            "patch",
            f"/people/{pid}/communication-needs/{records['need'].pk}",
            {"need": "Big photos", "version": records["need"].version},
        ),
        ("get", f"/people/{pid}/circle", None),
        ("post", f"/people/{pid}/circle", {"name": "Lee", "relationship_type": "friend"}),
        (
            "patch",
            f"/people/{pid}/circle/{records['circle'].pk}",
            {"phone": "01234 567890", "version": records["circle"].version},
        ),
    ]


@pytest.fixture
def api_records(world):
    from coplan.people import services

    made = {}
    for key, person in (("person", world.person), ("person_b", world.person_b)):
        made[key] = {
            "need": services.communication_need_create(
                person=person,
                by=world.manager,
                category="communication_support",
                need="Short sentences",
                review_on="2030-01-01",
            ),
            "circle": services.circle_member_create(
                person=person, by=world.manager, name="Pat", relationship_type="friend"
            ),
        }
    return made


def test_every_endpoint_refuses_anonymous_callers(world, api_records):
    api = Api()
    calls = [("get", "/people/", None), ("post", "/people/", {"service_id": 1})]
    calls += endpoints(world, world.person, api_records["person"])
    for method, path, body in calls:
        response = getattr(api, method)(path, body) if body else getattr(api, method)(path)
        assert_error(response, 401, "unauthenticated")


def test_every_endpoint_refuses_a_revoked_token(world, api_records):
    token, secret = api_token_create(user=world.manager, name="old laptop")
    api = Api(secret=secret)
    assert api.get(f"/people/{world.person.pk}").status_code == 200
    api_token_revoke(token=token)
    for method, path, body in endpoints(world, world.person, api_records["person"]):
        response = getattr(api, method)(path, body) if body else getattr(api, method)(path)
        assert_error(response, 401, "unauthenticated")


def test_made_up_token_is_refused(world):
    assert_error(Api(secret="cpl_not-a-real-token").get("/people/"), 401, "unauthenticated")


def test_token_of_a_deactivated_user_is_refused(world):
    api = Api(world.manager)
    world.manager.is_active = False
    world.manager.save(update_fields=["is_active"])
    assert_error(api.get("/people/"), 401, "unauthenticated")


@pytest.mark.parametrize("role", ["worker", "agency_now", "quality_lead", "person_user"])
def test_roles_that_cannot_edit_are_refused_every_change(world, api_records, role):
    api = Api(world.everyone[role])
    for method, path, body in endpoints(world, world.person, api_records["person"]):
        response = getattr(api, method)(path, body) if body else getattr(api, method)(path)
        if method == "get":
            assert response.status_code == 200, path
        else:
            assert_error(response, 403, "forbidden")
    assert world.person.communication_needs.count() == 1
    assert world.person.circle.count() == 2


@pytest.mark.parametrize("role", ["worker", "manager", "team_leader", "agency_later", "admin"])
def test_another_services_person_is_not_found(world, api_records, role):
    api = Api(world.everyone[role])
    for method, path, body in endpoints(world, world.person_b, api_records["person_b"]):
        response = getattr(api, method)(path, body) if body else getattr(api, method)(path)
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("role", ["manager", "team_leader"])
def test_planning_roles_can_use_every_endpoint_in_their_service(world, api_records, role):
    api = Api(world.everyone[role])
    expected = {"get": 200, "patch": 200, "post": 201}
    for method, path, body in endpoints(world, world.person, api_records["person"]):
        response = getattr(api, method)(path, body) if body else getattr(api, method)(path)
        assert response.status_code == expected[method], (path, response.content)
    world.person.refresh_from_db()
    assert world.person.strengths == "Kind"
    assert world.person.version == 3  # created, given a login, then this change
    need = api_records["person"]["need"]
    need.refresh_from_db()
    assert (need.need, need.version) == ("Big photos", 2)
    assert world.person.circle.filter(name="Lee").exists()


def test_get_person_returns_the_record_with_flagged_needs(world, api_records):
    body = Api(world.worker).get(f"/people/{world.person.pk}").json()
    assert body["id"] == world.person.pk
    assert body["uid"] == str(world.person.uid)
    assert body["display_name"] == "Sam Taylor"
    assert body["service"] == "Elm House"
    assert [n["need"] for n in body["communication_needs"]] == ["Short sentences"]


def test_list_is_paginated_and_only_lists_the_callers_people(world):
    from coplan.people import services

    for i in range(3):
        services.person_create(
            service=world.service_a, by=world.manager, given_name=f"Alex{i}", family_name="Ng"
        )
    body = Api(world.worker).get("/people/").json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 4
    assert {p["display_name"] for p in body["items"]} == {
        "Sam Taylor",
        "Alex0 Ng",
        "Alex1 Ng",
        "Alex2 Ng",
    }
    outsider = Api(world.outsider).get("/people/").json()
    assert [p["display_name"] for p in outsider["items"]] == ["Ola Adeyemi"]
    assert Api(world.admin).get("/people/").json() == {"items": [], "count": 0}


def test_list_pages_hold_fifty(world):
    from coplan.people import services

    for i in range(51):
        services.person_create(
            service=world.service_a, by=world.manager, given_name=f"P{i:02}", family_name="X"
        )
    api = Api(world.manager)
    first = api.get("/people/").json()
    second = api.get("/people/?page=2").json()
    assert (first["count"], len(first["items"]), len(second["items"])) == (52, 50, 2)


def test_list_searches_by_name(world):
    body = Api(world.quality_lead).get("/people/?q=ola").json()
    assert [p["display_name"] for p in body["items"]] == ["Ola Adeyemi"]


def test_manager_creates_a_person_in_their_service(world):
    api = Api(world.manager)
    response = api.post(
        "/people/",
        {"service_id": world.service_a.pk, "given_name": "Priya", "family_name": "Shah"},
    )
    assert response.status_code == 201
    assert response.json()["display_name"] == "Priya Shah"
    assert Person.objects.get(given_name="Priya").service == world.service_a


def test_creating_a_person_in_another_service_is_refused(world):
    response = Api(world.manager).post(
        "/people/",
        {"service_id": world.service_b.pk, "given_name": "Priya", "family_name": "Shah"},
    )
    assert_error(response, 404, "not_found")
    response = Api(world.worker).post(
        "/people/",
        {"service_id": world.service_a.pk, "given_name": "Priya", "family_name": "Shah"},
    )
    assert_error(response, 403, "forbidden")
    assert not Person.objects.filter(given_name="Priya").exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/people/"), ("patch", "/people/{pid}"), ("post", "/people/{pid}/circle")],
)
def test_bad_json_is_a_400_json_error(world, method, path):
    api = Api(world.manager)
    response = getattr(api, method)(path.format(pid=world.person.pk), raw="{not json")
    body = assert_error(response, 400, "bad_request")
    assert body["fields"] == {}


def test_wrong_types_are_a_422_naming_each_field(world):
    response = Api(world.manager).post(
        "/people/",
        {"service_id": "abc", "given_name": 5, "date_of_birth": "2024-02-31"},
    )
    body = assert_error(response, 422, "invalid")
    assert set(body["fields"]) == {"service_id", "given_name", "family_name", "date_of_birth"}


def test_too_long_and_empty_values_are_a_422(world):
    api = Api(world.manager)
    response = api.patch(f"/people/{world.person.pk}", {"given_name": "", "pronouns": "x" * 41})
    body = assert_error(response, 422, "invalid")
    assert set(body["fields"]) == {"given_name", "pronouns"}
    world.person.refresh_from_db()
    assert (world.person.given_name, world.person.version) == ("Samuel", 2)


def test_unknown_category_is_a_422(world):
    response = Api(world.manager).post(
        f"/people/{world.person.pk}/communication-needs",
        {"category": "telepathy", "need": "x", "review_on": "2030-01-01"},
    )
    assert "category" in assert_error(response, 422, "invalid")["fields"]


def test_format_category_without_a_format_says_so_like_the_form(world):
    response = Api(world.manager).post(
        f"/people/{world.person.pk}/communication-needs",
        {"category": "information_format", "need": "Pictures", "review_on": "2030-01-01"},
    )
    body = assert_error(response, 422, "invalid")
    assert body["fields"] == {
        "information_format": ["Choose the information format the person needs."]
    }
    assert CommunicationNeed.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "/people/{pid}", {"most_important": SCRIPT}, "most_important"),
        ("post", "/people/", {"given_name": "O'Brien & <b>", "family_name": "X"}, "given_name"),
        (
            "post",
            "/people/{pid}/communication-needs",
            {"category": "additional", "need": SCRIPT, "review_on": "2030-01-01"},
            "need",
        ),
        ("post", "/people/{pid}/circle", {"name": SCRIPT, "relationship_type": "friend"}, "name"),
    ],
)
def test_markup_is_a_422_and_nothing_is_stored(world, method, path, body, field):
    if path == "/people/":
        body = {**body, "service_id": world.service_a.pk}
    if method == "patch":
        body = {**body, "version": world.person.version}
    counts = (
        Person.objects.count(),
        CommunicationNeed.objects.count(),
        CircleMember.objects.count(),
    )
    response = getattr(Api(world.manager), method)(path.format(pid=world.person.pk), body)
    error = assert_error(response, 422, "invalid")
    assert "plain text" in error["fields"][field][0]
    assert counts == (
        Person.objects.count(),
        CommunicationNeed.objects.count(),
        CircleMember.objects.count(),
    )
    world.person.refresh_from_db()
    assert world.person.version == 2


def test_unknown_paths_and_records_are_json_404s(world):
    api = Api(world.manager)
    assert_error(api.get("/people/999999"), 404, "not_found")
    assert_error(
        api.patch(f"/people/{world.person.pk}/circle/999999", {"name": "A"}), 404, "not_found"
    )


def test_create_api_token_command_prints_a_token_that_works(world):
    out = StringIO()
    call_command("create_api_token", "worker", "--name", "Reporting", stdout=out)
    secret = out.getvalue().strip()
    assert secret.startswith("cpl_")
    assert Api(secret=secret).get(f"/people/{world.person.pk}").status_code == 200
    token = ApiToken.objects.get(name="Reporting")
    assert token.user == world.worker
    assert token.last_used_at is not None


def test_only_the_digest_of_a_token_is_stored(world):
    token, secret = api_token_create(user=world.manager, name="Export")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["digest"] == ApiToken.digest_of(secret)
    assert secret not in {str(v) for v in stored.values()}
    assert stored["prefix"] == secret[4:12]


def test_openapi_describes_the_people_endpoints(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/v1/people/",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/communication-needs",
        "/api/v1/people/{person_id}/communication-needs/{need_id}",
        "/api/v1/people/{person_id}/circle",
        "/api/v1/people/{person_id}/circle/{member_id}",
    } <= set(paths)
    assert set(paths["/api/v1/people/{person_id}"]) == {"get", "patch"}


def test_api_docs_page_uses_only_local_static_files(world):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/" in html
    # (not `"cdn" not in html`: the random CSRF token on the page may contain those letters)
    assert "https://" not in html and "http://" not in html.replace("http://testserver", "")


def test_unknown_api_path_is_a_json_404(world):
    api = Api(world.manager)
    assert_error(api.get("/no-such-thing"), 404, "not_found")
    assert_error(api.post("/no-such-thing", {"a": 1}), 404, "not_found")


def test_wrong_method_is_a_json_405(world):
    response = Api(world.manager).client.delete(f"/api/v1/people/{world.person.pk}")
    assert response["Content-Type"].startswith("application/json")
    assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}


def test_unexpected_failure_is_a_json_500_that_hides_the_detail(world):
    with mock.patch(
        "coplan.people.selectors.people_list", side_effect=RuntimeError("secret detail")
    ):
        response = Api(world.manager).get("/people/")
    body = assert_error(response, 500, "server_error")
    assert "secret detail" not in response.content.decode()
    assert body["message"] == "Something went wrong on our side; nothing was saved."


def test_browser_session_can_read_but_changes_need_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.manager)
    assert client.get(f"/api/v1/people/{world.person.pk}").status_code == 200
    response = client.patch(
        f"/api/v1/people/{world.person.pk}",
        json.dumps({"strengths": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    world.person.refresh_from_db()
    assert world.person.strengths == ""


def test_list_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    from coplan.people import services

    api = Api(world.manager)
    api.get("/people/")
    for i in range(5):
        person = services.person_create(
            service=world.service_a, by=world.manager, given_name=f"P{i}", family_name="X"
        )
        services.communication_need_create(
            person=person, by=world.manager, category="additional", need="n", review_on="2030-01-01"
        )
    # token with memberships, own person and circle (one statement), count, page, needs
    with django_assert_num_queries(5):
        assert api.get("/people/").json()["count"] == 6
