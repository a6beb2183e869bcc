"""Evidence packs: made in the background by a manager or quality lead of the service, kept
with a checksum the verification page checks, as HTML and as a PDF whose text holds each
decision's options and reason, the CQC statements and the checksum."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from coplan.access.models import AccessLog
from coplan.assurance import packs
from coplan.assurance.models.packs import EvidencePack
from coplan.planning.models import Decision
from tests.factories import AgreedDecisionFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


def period():
    today = timezone.localdate()
    return today - timedelta(days=27), today


def make_pack(
    world,
    client,
    django_capture_on_commit_callbacks,
    *,
    url=None,
    user=None,
    key="8d9a6c1e-2f4b-4c1e-9e0a-1b2c3d4e5f60",
):
    start, end = period()
    url = url or f"/assurance/people/{world.person.pk}/packs/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"start": start, "end": end, "client_key": key})
    assert response.status_code == 302, response.content[:500]
    return EvidencePack.objects.latest("id"), response


@pytest.fixture
def decisions(world):
    first = AgreedDecisionFactory(person=world.person, by=world.team_leader)
    second = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        question="Where should Sam go on Saturdays?",
        options=[
            {"label": "Swimming at the leisure centre", "proposed_by": "Sam", "is_chosen": True},
            {"label": "Stay home with films", "proposed_by": "Jo"},
        ],
        agreed="Swimming, with a quiet changing room",
        reason="Sam pointed to the swimming picture twice",
    )
    return first, second


def pdf_text(pack: EvidencePack) -> str:
    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_a_manager_makes_a_pack_whose_pdf_holds_options_reasons_statements_and_checksum(
    world, decisions, django_capture_on_commit_callbacks
):
    client = world.client_for(world.manager)
    pack, response = make_pack(world, client, django_capture_on_commit_callbacks)
    assert response["Location"] == f"/assurance/packs/{pack.pk}/"
    assert pack.status == EvidencePack.Status.READY and pack.progress == 100
    assert len(pack.checksum) == 64 and pack.content_intact
    assert bytes(pack.pdf).startswith(b"%PDF-")
    text = " ".join(pdf_text(pack).split())
    for decision in decisions:
        for option in decision.options.all():
            assert option.label in text
        assert decision.reason in text
    for statement in [
        "Person-centred care",
        "Independence, choice and control",
        "Learning culture",
        "Monitoring and improving outcomes",
        "Governance, management and sustainability",
    ]:
        assert statement in text
    assert "Processes" in text and "People's experience" in text and "Outcomes" in text
    assert pack.checksum in text.replace(" ", "") or pack.checksum in text
    assert f"by {world.manager}" in text


def test_the_pack_page_shows_the_content_and_pdf_download_is_logged(
    world, decisions, django_capture_on_commit_callbacks
):
    client = world.client_for(world.manager)
    pack, _ = make_pack(world, client, django_capture_on_commit_callbacks)
    page = client.get(f"/assurance/packs/{pack.pk}/").content.decode()
    assert "Swimming at the leisure centre" in page and pack.checksum in page
    assert "CQC quality statements" in page and "Evidence category" in page
    response = client.get(f"/assurance/packs/{pack.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    logged = AccessLog.objects.filter(person=world.person, user=world.manager)
    assert logged.filter(action=AccessLog.Action.EXPORT, what__contains="PDF downloaded").exists()
    assert logged.filter(action=AccessLog.Action.EXPORT, what__contains="made").exists()


def test_asking_twice_with_the_same_key_makes_one_pack(world, django_capture_on_commit_callbacks):
    client = world.client_for(world.manager)
    make_pack(world, client, django_capture_on_commit_callbacks)
    make_pack(world, client, django_capture_on_commit_callbacks)
    assert EvidencePack.objects.count() == 1


def test_script_in_user_text_appears_literally_in_html_and_pdf(
    world, decisions, django_capture_on_commit_callbacks
):
    # Care records refuse markup today; a record from before that rule (or an import) may
    # still hold it, and the pack must show it as text.
    Decision.objects.filter(pk=decisions[1].pk).update(reason=f"Sam said {SCRIPT}")
    client = world.client_for(world.manager)
    pack, _ = make_pack(world, client, django_capture_on_commit_callbacks)
    assert SCRIPT not in pack.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in pack.html
    page = client.get(f"/assurance/packs/{pack.pk}/").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page
    assert SCRIPT in " ".join(pdf_text(pack).split())


def test_the_verification_page_accepts_the_checksum_and_rejects_a_changed_one(
    world, decisions, django_capture_on_commit_callbacks
):
    pack, _ = make_pack(world, world.client_for(world.manager), django_capture_on_commit_callbacks)
    anyone = world.client_for(None)
    good = anyone.get(f"/assurance/verify/?checksum={pack.checksum}").content.decode()
    assert "This checksum matches" in good and f"evidence pack {pack.pk}" in good
    changed = pack.checksum[:-1] + ("0" if pack.checksum[-1] != "0" else "1")
    bad = anyone.get(f"/assurance/verify/?checksum={changed}").content.decode()
    assert "No pack has this checksum" in bad and "This checksum matches" not in bad
    # A stored pack whose content was changed afterwards no longer verifies.
    EvidencePack.objects.filter(pk=pack.pk).update(html=pack.html.replace("Swimming", "Running"))
    tampered = anyone.get(f"/assurance/verify/?checksum={pack.checksum}").content.decode()
    assert "The stored pack has changed" in tampered


def test_progress_is_shown_while_the_pack_is_made(world):
    start, end = period()
    pack = EvidencePack.objects.create(
        service=world.service_a,
        person=world.person,
        start=start,
        end=end,
        made_by=world.manager,
        made_by_name="Mona Manager",
        progress=40,
        step="Trends",
        status=EvidencePack.Status.BUILDING,
    )
    client = world.client_for(world.manager)
    page = client.get(f"/assurance/packs/{pack.pk}/").content.decode()
    assert f'hx-get="/assurance/packs/{pack.pk}/status/"' in page and "40% done" in page
    status = client.get(f"/assurance/packs/{pack.pk}/status/", HTTP_HX_REQUEST="true")
    assert "40% done" in status.content.decode() and "HX-Refresh" not in status
    EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePack.Status.READY, progress=100)
    done = client.get(f"/assurance/packs/{pack.pk}/status/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    "who", ["worker", "team_leader", "agency_now", "sister_user", "person_user"]
)
def test_only_managers_and_quality_leads_make_packs(world, who, django_capture_on_commit_callbacks):
    start, end = period()
    client = world.client_for(getattr(world, who))
    response = client.post(
        f"/assurance/people/{world.person.pk}/packs/", {"start": start, "end": end}
    )
    assert response.status_code in (403, 404)
    assert not EvidencePack.objects.exists()


def test_the_other_services_staff_and_anonymous_make_no_pack(world):
    start, end = period()
    assert (
        world.client_for(world.outsider)
        .post(f"/assurance/services/{world.service_a.pk}/packs/", {"start": start, "end": end})
        .status_code
        == 404
    )
    assert (
        world.client_for(None)
        .post(f"/assurance/people/{world.person.pk}/packs/", {"start": start, "end": end})
        .status_code
        == 302
    )
    assert not EvidencePack.objects.exists()


def test_a_quality_lead_makes_a_whole_service_pack(
    world, decisions, django_capture_on_commit_callbacks
):
    client = world.client_for(world.quality_lead)
    pack, _ = make_pack(
        world,
        client,
        django_capture_on_commit_callbacks,
        url=f"/assurance/services/{world.service_a.pk}/packs/",
    )
    assert pack.person is None and pack.is_ready
    assert "Everyone supported at Elm House" in pack.html
    assert "Where should Sam go on Saturdays?" in pack.html
    assert "Olamide" not in pack.html  # Birch Court's person is not in Elm House's pack


def test_the_service_lists_its_peoples_packs_beside_its_own_and_no_other_services(
    world, django_capture_on_commit_callbacks
):
    manager = world.client_for(world.manager)
    person_pack, _ = make_pack(world, manager, django_capture_on_commit_callbacks)
    service_url = f"/assurance/services/{world.service_a.pk}/packs/"
    service_pack, _ = make_pack(
        world,
        manager,
        django_capture_on_commit_callbacks,
        url=service_url,
        key="0f1e2d3c-4b5a-4968-8776-655443322110",
    )
    page = manager.get(service_url).content.decode()
    assert "No packs yet" not in page
    assert f"Pack {person_pack.pk}, {world.person.display_name}:" in page
    assert f"Pack {service_pack.pk}, the whole service:" in page
    other = world.client_for(world.quality_lead).get(
        f"/assurance/services/{world.service_b.pk}/packs/"
    )
    assert f"Pack {person_pack.pk}" not in other.content.decode()


def _body_queries(world, count, django_assert_max_num_queries):
    start, end = period()
    pack = EvidencePack(
        service=world.service_a,
        person=world.person,
        start=start,
        end=end,
        made_by=world.manager,
        made_by_name="M",
    )
    ps = packs.pack_scope(pack)
    with django_assert_max_num_queries(100) as queries:
        packs.render_body(pack, packs.build_sections(ps))
    return len(queries)


def test_the_pack_content_costs_the_same_queries_for_one_decision_or_three(
    world, django_assert_max_num_queries
):
    AgreedDecisionFactory(person=world.person, by=world.team_leader)
    one = _body_queries(world, 1, django_assert_max_num_queries)
    AgreedDecisionFactory(person=world.person, by=world.team_leader)
    AgreedDecisionFactory(person=world.person, by=world.team_leader)
    three = _body_queries(world, 3, django_assert_max_num_queries)
    assert one == three


def test_a_section_names_only_real_cqc_statements_and_categories():
    with pytest.raises(ValueError):
        packs.Section(
            key="x", title="x", statements=["Being nice"], category=packs.PROCESSES, template=""
        )
    with pytest.raises(ValueError):
        packs.Section(
            key="x", title="x", statements=["Learning culture"], category="Vibes", template=""
        )


# The API -----------------------------------------------------------------------------------


class Api:
    def __init__(self, user):
        import json

        from django.test import Client

        from coplan.accounts.services import api_token_create

        self.json = json
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, secret = api_token_create(user=user, name="test")
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, path):
        return self.client.get("/api/v1/assurance" + path, **self.headers)

    def post(self, path, body, **headers):
        return self.client.post(
            "/api/v1/assurance" + path,
            self.json.dumps(body),
            content_type="application/json",
            **self.headers,
            **headers,
        )


def test_the_api_starts_a_pack_once_per_key_and_fetches_it(
    world, decisions, django_capture_on_commit_callbacks
):
    api = Api(world.manager)
    start, end = period()
    body = {"start": str(start), "end": str(end)}
    key = {"HTTP_IDEMPOTENCY_KEY": "2b1f7c9e-6a1d-4f0e-8a55-3c2d1e0f9a88"}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(f"/people/{world.person.pk}/packs", body, **key)
    assert first.status_code == 202, first.content
    again = api.post(f"/people/{world.person.pk}/packs", body, **key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert EvidencePack.objects.count() == 1
    pack_id = first.json()["id"]
    status = api.get(f"/packs/{pack_id}").json()
    assert status["status"] == "ready" and len(status["checksum"]) == 64
    html = api.get(f"/packs/{pack_id}/html")
    assert "Swimming at the leisure centre" in html.content.decode()
    assert html["X-Checksum-SHA256"] == status["checksum"]
    pdf = api.get(f"/packs/{pack_id}/pdf")
    assert pdf.content.startswith(b"%PDF-")


def test_the_api_gives_trends_as_json(world, decisions):
    api = Api(world.quality_lead)
    response = api.get(f"/people/{world.person.pk}/trends?start=2026-01-05&end=2026-03-01")
    assert response.status_code == 200
    data = response.json()
    assert [t["key"] for t in data["trends"]] == [
        "refusals",
        "activities",
        "distress",
        "prompts",
        "checkins",
    ]
    assert data["trends"][0]["buckets"][0] == "2026-01-05"
    bad = api.get(f"/people/{world.person.pk}/trends?start=2026-03-01&end=2026-01-01")
    assert bad.status_code == 422 and bad.json()["fields"]


@pytest.mark.parametrize("who", ["worker", "team_leader", "outsider", "admin", "person_user"])
def test_the_api_refuses_packs_to_others(world, who):
    start, end = period()
    response = Api(getattr(world, who)).post(
        f"/people/{world.person.pk}/packs", {"start": str(start), "end": str(end)}
    )
    assert response.status_code in (403, 404)
    assert not EvidencePack.objects.exists()


def test_the_api_needs_a_token(world):
    assert Api(None).get(f"/people/{world.person.pk}/trends").status_code == 401


def test_a_persons_pack_leaves_out_spot_check_findings_that_may_name_others(world):
    """A spot check samples the whole service's records, so its written findings can name
    anyone there: a one-person pack (shared under a one-person grant) gives the figures and
    says the findings are in the service's pack."""
    from coplan.assurance.models.checks import SpotCheck

    start, end = period()
    SpotCheck.objects.create(
        service=world.service_a,
        seed=7,
        period_start=start,
        period_end=end,
        sample_size=0,
        status=SpotCheck.Status.DONE,
        findings="Aisha's cooking records show the steps out of the agreed order.",
        by=world.quality_lead,
        completed_at=timezone.now(),
    )
    for person, shown in ((world.person, False), (None, True)):
        pack = EvidencePack.objects.create(
            service=world.service_a,
            person=person,
            start=start,
            end=end,
            made_by=world.manager,
            made_by_name=str(world.manager),
        )
        html = packs.render_body(pack, [packs.checks_section(packs.pack_scope(pack))])
        assert ("Aisha's cooking records" in html.replace("&#x27;", "'")) is shown
        assert ("findings, which may name other people" in html) is not shown


def test_a_decision_that_replaced_one_from_before_the_period_shows_what_it_replaced(world):
    """The chain stays readable in a pack whose period starts after the first decision: the
    replaced decision's agreement, date and reason are printed beside the new one."""
    from datetime import datetime, time

    from tests.factories import supersede

    old = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        agreed="Shower at 07:30 before breakfast",
        reason="The old rota needed the bathroom free by eight",
    )
    long_ago = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=200), time(10))
    )
    Decision.objects.filter(pk=old.pk).update(agreed_at=long_ago)
    new = supersede(old, by=world.team_leader, agreed="Breakfast first, shower later")
    start, end = period()
    pack = EvidencePack.objects.create(
        service=world.service_a,
        person=world.person,
        start=start,
        end=end,
        made_by=world.manager,
        made_by_name=str(world.manager),
    )
    html = packs.render_body(pack, [packs.decisions_section(packs.pack_scope(pack))])
    assert "Breakfast first, shower later" in html
    assert f"It replaced decision {old.pk}." in html
    assert "What it replaced" in html and "Shower at 07:30 before breakfast" in html
    assert "The old rota needed the bathroom free by eight" in html
    assert new.supersedes_id == old.pk
