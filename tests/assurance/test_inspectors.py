"""Named, time-limited inspector access: a manager grants it; the inspector must sign in with
two steps; they read evidence only, of the service or person granted, until the date; every
page they open is in the access log, and the person's page shows who looked."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.access.models import AccessLog, InspectorGrant
from coplan.assurance import inspectors
from coplan.assurance.models.packs import EvidencePack
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ines(world):
    user = make_user("ines", "Ines Carter")
    TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    grant = inspectors.grant_create(
        by=world.manager,
        service=world.service_a,
        grantee=user,
        kind=InspectorGrant.Kind.INSPECTOR,
        grantee_organisation="CQC",
        until=timezone.localdate() + timedelta(days=3),
        reason="Planned inspection of Elm House",
    )
    return user, grant


def verified(user) -> Client:
    """Signed in and through the second step, as the two-factor page leaves a session."""
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


@pytest.fixture
def pack(world):
    today = timezone.localdate()
    return EvidencePack.objects.create(
        service=world.service_a,
        person=world.person,
        start=today - timedelta(days=7),
        end=today,
        made_by=world.manager,
        made_by_name="Mona Manager",
        status=EvidencePack.Status.READY,
        html="<article>Sam's evidence</article>",
        checksum="0" * 64,
        pdf=b"%PDF-1.7 test",
    )


def test_the_inspector_reads_the_evidence_and_every_page_is_logged_and_shown(world, ines, pack):
    user, grant = ines
    client = verified(user)
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == "/assurance/inspect/"
    assert "Elm House" in home.content.decode()
    pages = [
        f"/assurance/services/{world.service_a.pk}/trends/",
        f"/assurance/services/{world.service_a.pk}/packs/",
        f"/assurance/people/{world.person.pk}/trends/",
        f"/assurance/people/{world.person.pk}/packs/",
        f"/assurance/packs/{pack.pk}/",
        f"/assurance/packs/{pack.pk}/pdf/",
    ]
    record = f'href="/people/{world.person.pk}/"'
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        # No link to the person's record, which would answer her "ask your manager".
        assert record not in response.content.decode(), url
    assert record in world.client_for(world.manager).get(pages[3]).content.decode()
    reads = AccessLog.objects.filter(user=user, person=world.person)
    assert {r.path for r in reads} == set(pages)
    # The manager sees what they opened...
    opened = world.client_for(world.manager).get(
        f"/assurance/services/{world.service_a.pk}/inspectors/{grant.pk}/opened/"
    )
    assert opened.content.decode().count("Samuel") + opened.content.decode().count("Sam") >= len(
        pages
    )
    # ...and Sam, on his own page, sees that Ines looked, and when.
    own = world.client_for(world.person_user).get(f"/people/{world.person.pk}/")
    assert own.status_code == 200
    assert "Ines Carter" in own.content.decode()
    log = world.client_for(world.manager).get(f"/people/{world.person.pk}/access-log/")
    assert "Ines Carter" in log.content.decode()
    # ...and so does the manager on Sam's page (a person without a login is shown it too).
    page = world.client_for(world.manager).get(f"/people/{world.person.pk}/").content.decode()
    assert "Inspectors and commissioners who read Sam's record" in page
    assert "Ines Carter" in page
    # Staff who read neither evidence nor the access log are not told.
    worker_page = world.client_for(world.worker).get(f"/people/{world.person.pk}/")
    assert "Ines Carter" not in worker_page.content.decode()


def test_without_the_second_step_the_inspector_reads_nothing(world, ines):
    user, _ = ines
    client = Client()
    client.force_login(user)
    response = client.get(f"/assurance/people/{world.person.pk}/trends/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert not AccessLog.objects.filter(user=user).exists()


def test_access_ends_by_itself_at_its_date(world, ines):
    user, grant = ines
    client = verified(user)
    url = f"/assurance/people/{world.person.pk}/trends/"
    InspectorGrant.objects.filter(pk=grant.pk).update(until=timezone.localdate())
    assert client.get(url).status_code == 200  # the last day still counts
    InspectorGrant.objects.filter(pk=grant.pk).update(
        until=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(url).status_code == 404  # same session: checked on every request
    assert "no access in force" in client.get("/assurance/inspect/").content.decode()


def test_a_grant_ended_early_ends_at_once(world, ines):
    user, grant = ines
    client = verified(user)
    url = f"/assurance/services/{world.service_a.pk}/trends/"
    assert client.get(url).status_code == 200
    world.client_for(world.manager).post(
        f"/assurance/services/{world.service_a.pk}/inspectors/{grant.pk}/end/"
    )
    assert client.get(url).status_code == 404


def test_the_inspector_reaches_nothing_outside_the_grant(world, ines, pack):
    user, _ = ines
    client = verified(user)
    outside = [
        f"/assurance/services/{world.service_b.pk}/trends/",
        f"/assurance/people/{world.person_b.pk}/trends/",
        f"/assurance/people/{world.person_b.pk}/packs/",
        f"/assurance/services/{world.service_a.pk}/inspectors/",  # a manager's page
    ]
    for url in outside:
        assert client.get(url).status_code == 404, url
    staff_tools = [
        "/shift/",
        "/people/",
        f"/people/{world.person.pk}/",
        f"/people/{world.person.pk}/edit/",
        f"/plan/people/{world.person.pk}/",
        f"/people/{world.person.pk}/support/",
    ]
    for url in staff_tools:
        assert client.get(url).status_code == 403, url
    today = timezone.localdate()
    writes = [
        (f"/assurance/people/{world.person.pk}/packs/", {"start": today, "end": today}),
        (
            f"/api/v1/assurance/people/{world.person.pk}/packs",
            {"start": str(today), "end": str(today)},
        ),
        (f"/api/v1/people/{world.person.pk}/notes", {"text": "x"}),
    ]
    for url, data in writes:
        assert client.post(url, data, content_type="application/json").status_code == 403, url
    assert EvidencePack.objects.count() == 1


def test_a_one_person_grant_needs_consent_and_opens_only_that_person(world):
    user = make_user("cora", "Cora Commissioner")
    TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)
    fields = dict(
        by=world.manager,
        service=world.service_a,
        grantee=user,
        kind=InspectorGrant.Kind.COMMISSIONER,
        grantee_organisation="Northby Council",
        until=timezone.localdate() + timedelta(days=7),
        reason="Placement review",
        person=world.person,
    )
    with pytest.raises(Exception, match="consent"):
        inspectors.grant_create(**fields)
    inspectors.grant_create(**fields, consent="Sam said yes at his review on 1 December")
    other = make_user("other", "Other Person")
    from coplan.people import services as people_services

    someone_else = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Ana", family_name="Lee"
    )
    client = verified(user)
    assert client.get(f"/assurance/people/{world.person.pk}/trends/").status_code == 200
    assert client.get(f"/assurance/people/{someone_else.pk}/trends/").status_code == 404
    assert client.get(f"/assurance/services/{world.service_a.pk}/trends/").status_code == 404
    assert other.pk


def test_a_manager_grants_access_on_the_web_and_others_cannot(world):
    make_user("ines", "Ines Carter")
    url = f"/assurance/services/{world.service_a.pk}/inspectors/"
    data = {
        "username": "ines",
        "kind": "inspector",
        "grantee_organisation": "CQC",
        "until": (timezone.localdate() + timedelta(days=4)).isoformat(),
        "reason": "Inspection",
    }
    for who in ["team_leader", "worker", "quality_lead", "outsider"]:
        assert world.client_for(getattr(world, who)).post(url, data).status_code in (403, 404)
    assert not InspectorGrant.objects.exists()
    response = world.client_for(world.manager).post(url, data)
    assert response.status_code == 302
    grant = InspectorGrant.objects.get()
    assert grant.granted_by == world.manager and grant.person is None
    # A staff account cannot be made an inspector.
    staff = world.client_for(world.manager).post(url, {**data, "username": "worker"})
    assert "works for the provider" in staff.content.decode()
    past = world.client_for(world.manager).post(url, {**data, "until": "2020-01-01"})
    assert "cannot be in the past" in past.content.decode()
    assert InspectorGrant.objects.count() == 1


def _json_refusal(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content[:80]
    body = response.json()
    assert body["code"] == code and body["message"]
    return body


def test_the_inspector_is_refused_the_notification_centre(world, ines):
    user, _ = ines
    client = verified(user)
    for url in ["/notifications/", "/notifications/choices/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Your access is to evidence only" in response.content.decode()
        assert [t.name for t in response.templates][:1] == ["403.html"]
    read_all = client.post("/notifications/read/")
    assert read_all.status_code == 403


def test_every_refusal_under_the_api_is_json(world, ines):
    user, _ = ines
    client = verified(user)
    person = world.person.pk
    # The inspector's bounds: a staff endpoint, and a write, refused before any view runs.
    body = _json_refusal(client.get(f"/api/v1/people/{person}"), 403, "forbidden")
    assert body["message"] == "Your access is to evidence only: packs and trends."
    _json_refusal(
        client.post(f"/api/v1/people/{person}/notes", {"text": "x"}, "application/json"),
        403,
        "forbidden",
    )
    assert world.person.daily_notes.count() == 0
    # Not through the second step: a 401 in JSON, not a redirect to the sign-in page.
    unverified = Client()
    unverified.force_login(user)
    _json_refusal(
        unverified.get(f"/api/v1/assurance/people/{person}/trends"), 401, "unauthenticated"
    )
    # A role the API refuses, and a path outside any API version.
    worker = world.client_for(world.worker)
    _json_refusal(worker.get(f"/api/v1/assurance/people/{person}/trends"), 403, "forbidden")
    _json_refusal(worker.get("/api/v2/people/"), 404, "not_found")
    # Off the API, the pages stay pages.
    assert "text/html" in worker.get("/no-such-page/")["Content-Type"]
