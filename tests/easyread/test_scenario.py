"""The journey: staff check Sam's easy read, write his own words for a line with the
check as they type, Sam (who needs large print) opens his plan, hears it and prints it."""

import pytest
from django.urls import reverse

from coplan.access.models import AccessLog
from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed

pytestmark = pytest.mark.django_db


def test_staff_plain_the_words_and_sam_reads_hears_and_prints_his_plan(world, sam_plan, audio_dir):
    people_services.communication_need_create(
        person=world.person,
        by=world.manager,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format=CommunicationNeed.Format.LARGE_PRINT,
        need="Large print",
        review_on="2030-01-01",
    )
    plan_url = reverse("easyread:plan", args=[world.person.pk])
    words_url = reverse("easyread:words", args=[world.person.pk])

    # The team leader sees the line to fix above the easy read.
    leader = world.client_for(world.team_leader)
    html = leader.get(plan_url).content.decode()
    assert "Check this easy read" in html
    # They try words, and the check answers before they save.
    check = leader.post(
        reverse("easyread:check"),
        {"words": "Shower is facilitated by staff later."},
        headers={"HX-Request": "true", "HX-Trigger-Name": "words"},
    ).content.decode()
    assert "“facilitated” is a staff word. Try “helped”." in check
    assert "may be passive" in check
    response = leader.post(
        words_url,
        {"source": "Shower, later", "words": "I have my shower later.", "picture": "shower"},
    )
    assert response.status_code == 302

    # Sam opens his plan: large print from his needs, his words, no staff box.
    sam = world.client_for(world.person_user)
    html = sam.get(plan_url).content.decode()
    assert 'class="easyread large-print"' in html
    assert "I have my shower later." in html and "Shower, later." not in html
    assert "Check this easy read" not in html
    # He listens: the audio is made, and it has his new words in it.
    data = sam.get(reverse("easyread:plan_audio", args=[world.person.pk])).json()
    assert sam.get(data["url"]).status_code == 200
    # He prints it.
    pdf = sam.get(reverse("easyread:plan_pdf", args=[world.person.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    logged = list(AccessLog.objects.filter(user=world.person_user).values_list("what", "action"))
    assert ("Easy-read plan", "view") in logged
    assert ("Easy-read plan (audio)", "view") in logged
    assert ("Easy-read plan (PDF)", "print") in logged
