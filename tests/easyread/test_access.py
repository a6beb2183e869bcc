"""Who may read the easy-read plan, its PDF and its audio: the person, their circle only
with the plan shared, staff of their service who read plans; nobody else."""

import pytest
from django.urls import reverse

from coplan.access.models import AccessLog
from coplan.people import services as people_services
from tests.factories import AgreedDecisionFactory

pytestmark = pytest.mark.django_db

# user -> status for the plan page (the sister is in the circle but the plan is not shared
# with her: she may see the profile, so she is told no rather than shown nothing).
EXPECTED = {
    "person_user": 200,
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "agency_now": 200,
    "quality_lead": 200,
    "sister_user": 403,
    "outsider": 404,
    "agency_later": 404,
    "admin": 404,
}


@pytest.mark.parametrize(("who", "status"), list(EXPECTED.items()))
def test_who_may_read_the_easy_read_plan(world, sam_plan, who, status):
    user = world.everyone[who]
    before = AccessLog.objects.count()
    response = world.client_for(user).get(reverse("easyread:plan", args=[world.person.pk]))
    assert response.status_code == status
    if status == 200:
        assert AccessLog.objects.filter(user=user, what="Easy-read plan").count() == 1
    else:
        assert AccessLog.objects.count() == before


@pytest.mark.parametrize("name", ["plan", "plan_pdf", "plan_audio", "words"])
def test_anonymous_is_sent_to_sign_in(world, name):
    response = world.client_for(None).get(reverse(f"easyread:{name}", args=[world.person.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_circle_member_reads_the_plan_only_once_it_is_shared(world, sam_plan):
    client = world.client_for(world.sister_user)
    url = reverse("easyread:plan", args=[world.person.pk])
    assert client.get(url).status_code == 403
    assert client.get(reverse("easyread:plan_pdf", args=[world.person.pk])).status_code == 403
    people_services.circle_member_update(member=world.sister, by=world.manager, may_see_plan=True)
    response = client.get(url)
    assert response.status_code == 200
    assert "Check this easy read" not in response.content.decode()
    # When the sharing ends, so does the access.
    people_services.circle_member_update(member=world.sister, by=world.manager, may_see_plan=False)
    assert world.client_for(world.sister_user).get(url).status_code == 403


def test_another_service_cannot_read_a_decision_or_its_pdf(world):
    decision = AgreedDecisionFactory(person=world.person, by=world.team_leader)
    outsider = world.client_for(world.outsider)
    assert outsider.get(reverse("easyread:decision", args=[decision.pk])).status_code == 404
    assert outsider.get(reverse("easyread:decision_pdf", args=[decision.pk])).status_code == 404
    assert (
        world.client_for(None).get(reverse("easyread:decision", args=[decision.pk])).status_code
        == 302
    )
    assert (
        world.client_for(world.person_user)
        .get(reverse("easyread:decision", args=[decision.pk]))
        .status_code
        == 200
    )


def test_only_planners_write_easy_read_words(world, sam_plan):
    url = reverse("easyread:words", args=[world.person.pk])
    data = {"source": "Breakfast first", "words": "I have breakfast first.", "picture": ""}
    for user in (world.worker, world.person_user, world.sister_user):
        response = world.client_for(user).post(url, data)
        assert response.status_code == 403, user
    assert world.client_for(world.outsider).post(url, data).status_code == 404
    assert not world.person.easy_words.filter(source="Breakfast first").exists()
    response = world.client_for(world.team_leader).post(url, data)
    assert response.status_code == 302
    assert world.person.easy_words.get(source="Breakfast first").words == "I have breakfast first."


def test_markup_in_easy_read_words_is_refused_with_a_message(world, sam_plan):
    url = reverse("easyread:words", args=[world.person.pk])
    response = world.client_for(world.team_leader).post(
        url, {"source": "Breakfast first", "words": "<script>x</script>", "picture": ""}
    )
    assert response.status_code == 200
    assert "remove the &lt; and &gt; characters" in response.content.decode()
    assert not world.person.easy_words.filter(source="Breakfast first").exists()


def test_the_check_fragment_is_for_staff(world):
    url = reverse("easyread:check")
    data = {"title": "We facilitate personal care."}
    headers = {"HX-Request": "true", "HX-Trigger-Name": "title"}
    response = world.client_for(world.worker).post(url, data, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“facilitate” is a staff word. Try “help”." in html
    assert "washing and dressing" in html
    assert world.client_for(world.person_user).post(url, data, headers=headers).status_code == 403
    assert world.client_for(None).post(url, data, headers=headers).status_code == 302
    plain = world.client_for(world.worker).post(url, {"text": "I have breakfast first."})
    assert "no problems found" in plain.content.decode()
