"""The easy-read plan and decision: what they say, a picture on every line, the attribution
in every output, staff words never reaching the person, and the check panel for staff."""

import re
from datetime import time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.access.models import AccessLog
from coplan.easyread import selectors
from coplan.easyread.pictures import ATTRIBUTION
from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed
from coplan.support import services as support_services
from tests.factories import AgreedDecisionFactory, RiskPlanFactory, RoutineFactory

pytestmark = pytest.mark.django_db

LINE = re.compile(r'<(?:li|h2) class="easy-line[^"]*"[^>]*>(.*?)</(?:li|h2)>', re.S)


def lines_of(html: str) -> list[str]:
    return LINE.findall(html)


def assert_every_line_has_a_picture(html: str) -> int:
    found = lines_of(html)
    assert found, "no easy-read lines on the page"
    for line in found:
        pic = re.search(r'<span class="easy-pic"[^>]*>(.*?)</span>', line, re.S)
        assert pic and ("<svg" in pic.group(1) or "<img" in pic.group(1)), line
        words = re.search(r'<span class="easy-words">(.*?)</span>', line, re.S)
        assert words and words.group(1).strip(), line
    assert ATTRIBUTION in html
    return len(found)


def test_the_plan_shows_goals_routine_week_stage_and_review(world, sam_plan):
    easy = selectors.plan_easy_read(world.person)
    titles = [s.title for s in easy.sections]
    assert titles == [
        "My goals",
        "My morning routine",
        "My week",
        "Travelling to college",
        "My next review",
    ]
    texts = [line.text for line in easy.lines]
    assert "Get the bus to college on my own." in texts
    # Easy-read words replace the staff wording; the time is said the way people say it.
    morning = easy.sections[1].lines
    assert [(line.when, line.text) for line in morning] == [
        ("7:30 am", "Breakfast first."),
        ("8:30 am", "I put on the clothes I picked."),
        ("9:30 am", "Shower, later."),
    ]
    week = easy.sections[2].lines
    assert [(line.when, line.text) for line in week] == [
        ("Monday 10 am", "Library quiet room."),
        ("Wednesday 2 pm", "Swimming. If I want to."),
    ]
    assert "I am on step 1 of 3." in texts
    assert easy.sections[-1].lines[0].text.startswith("We look at my plan again on ")
    # Every line has a picture, chosen from its words when the plan has none.
    assert all(line.picture for line in easy.lines)
    assert week[1].picture == "swimming"


def test_the_risk_stage_never_uses_staff_words(world, sam_plan):
    easy = selectors.plan_easy_read(world.person)
    spoken = " ".join(line.text for line in easy.lines).lower()
    for word in ("competenc", "gestural", "prompt", "accompanied"):
        assert word not in spoken
    stage = easy.sections[3].lines
    assert stage[2].text == "With someone, with teaching."  # "Accompanied, with teaching"
    # What staff wrote about Sam ("Checks the bus time") is said as Sam would say it.
    assert [line.text for line in stage[4:6]] == ["I check the bus time.", "I cross at the lights."]


def test_the_routine_shown_is_the_version_in_force_now(world, sam_plan):
    routine = sam_plan["routine"]
    current = routine.versions.get(is_current=True)
    tomorrow = timezone.now() + timedelta(days=1)
    support_services.routine_revise(
        routine=routine,
        by=world.team_leader,
        based_on=current.number,
        steps=[{"title": "Music on", "window_start": time(8, 0), "picture": "music"}],
        decisions=list(current.decisions.all()),
        change_reason="Sam wants music first.",
        agency_summary="Music first.",
        summary_confirmed=True,
        effective_from=tomorrow,
    )
    morning = selectors.plan_easy_read(world.person).sections[1].lines
    assert morning[0].text == "Breakfast first."  # tomorrow's version is not in force yet
    later = tomorrow + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        morning = selectors.plan_easy_read(world.person).sections[1].lines
    assert [(line.when, line.text) for line in morning] == [("8 am", "Music on.")]


def test_the_person_sees_their_plan_with_no_check_panel(world, sam_plan):
    client = world.client_for(world.person_user)
    response = client.get(reverse("easyread:plan", args=[world.person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert assert_every_line_has_a_picture(html) == len(
        selectors.plan_easy_read(world.person).lines
    )
    assert "Check this easy read" not in html
    assert "data-easy-play" in html
    log = AccessLog.objects.filter(user=world.person_user, person=world.person).latest("at")
    assert log.what == "Easy-read plan"


def test_staff_see_the_check_panel_above_the_easy_read(world, sam_plan):
    # A line in staff words: the panel says what to change.
    people_services.person_update(person=world.person, by=world.manager)
    client = world.client_for(world.team_leader)
    html = client.get(reverse("easyread:plan", args=[world.person.pk])).content.decode()
    assert "Check this easy read" in html
    assert html.index("Check this easy read") < html.index('class="easy-line')
    assert "Write easy-read words for the plan" in html


def test_the_check_panel_lists_lines_that_need_plainer_words(world, sam_plan):
    from coplan.easyread import services

    services.easy_words_set(
        person=world.person,
        source="Breakfast first",
        words="Breakfast is facilitated by staff in order to commence the day well.",
        by=world.team_leader,
    )
    easy = selectors.plan_easy_read(world.person)
    checks = selectors.checked(easy)
    (item,) = [c for c in checks if c.line.startswith("Breakfast")]
    assert {f.kind for f in item.flags} >= {"jargon", "passive"}
    html = (
        world.client_for(world.team_leader)
        .get(reverse("easyread:plan", args=[world.person.pk]))
        .content.decode()
    )
    assert "“commence” is a staff word. Try “start”." in html


def test_a_decision_in_easy_read(world):
    decision = AgreedDecisionFactory(
        person=world.person,
        by=world.team_leader,
        question="How should my mornings go?",
        agreed="Breakfast first. Shower after.",
        reason="Sam chose this with picture cards.",
    )
    easy = selectors.decision_easy_read(decision)
    assert easy.title == "What we decided"
    by_title = {s.title: [line.text for line in s.lines] for s in easy.sections}
    assert by_title["What we talked about"] == ["How should my mornings go?"]
    assert by_title["The choices"] == [
        "Breakfast first, shower later. We chose this.",
        "Shower first thing.",
    ]
    assert by_title["What we agreed"] == ["Breakfast first.", "Shower after."]
    assert by_title["Why"] == ["Sam chose this with picture cards."]
    assert "Looking at it again" in by_title
    client = world.client_for(world.person_user)
    html = client.get(reverse("easyread:decision", args=[decision.pk])).content.decode()
    assert_every_line_has_a_picture(html)
    assert "easy-chosen" in html


def test_large_print_comes_from_the_persons_needs_and_the_toggle_is_remembered(world, sam_plan):
    url = reverse("easyread:plan", args=[world.person.pk])
    client = world.client_for(world.person_user)
    assert 'class="easyread"' in client.get(url).content.decode()
    people_services.communication_need_create(
        person=world.person,
        by=world.manager,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format=CommunicationNeed.Format.LARGE_PRINT,
        need="Large print, high contrast",
        review_on="2030-01-01",
    )
    html = client.get(url).content.decode()
    assert 'class="easyread large-print high-contrast"' in html
    response = client.post(reverse("easyread:display"), {"large": "off", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert 'class="easyread high-contrast"' in html
    assert 'name="large" value="on" aria-pressed="false"' in html
    # An address elsewhere is not followed.
    response = client.post(
        reverse("easyread:display"), {"contrast": "off", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert 'class="easyread"' in client.get(url).content.decode()


def test_the_plan_reads_in_a_fixed_number_of_queries(world, sam_plan, django_assert_num_queries):
    with django_assert_num_queries(12):
        lines = len(selectors.plan_easy_read(world.person).lines)
    # More routines and another risk plan: more lines, the same queries.
    RoutineFactory(person=world.person, by=world.team_leader, name="Evening routine")
    RiskPlanFactory(person=world.person, by=world.team_leader, title="Cooking")
    with django_assert_num_queries(12):
        assert len(selectors.plan_easy_read(world.person).lines) > lines + 5


def test_the_persons_page_links_to_their_easy_read(world, sam_plan):
    url = reverse("people:detail", args=[world.person.pk])
    html = world.client_for(world.team_leader).get(url).content.decode()
    assert reverse("easyread:plan", args=[world.person.pk]) in html
    assert reverse("easyread:words", args=[world.person.pk]) in html
    html = world.client_for(world.worker).get(url).content.decode()
    assert reverse("easyread:plan", args=[world.person.pk]) in html
    assert reverse("easyread:words", args=[world.person.pk]) not in html
    # The sister may see the profile, not the plan: no link to it.
    html = world.client_for(world.sister_user).get(url).content.decode()
    assert reverse("easyread:plan", args=[world.person.pk]) not in html
