from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coplan.accounts.models import Organisation
from coplan.people import services as people_services
from coplan.people.models import CommunicationNeed
from coplan.planning import services
from coplan.planning.models import AgendaPrompt, CoproductionSession, SessionView
from tests.snapshot import snapshot

from .helpers import formset


def url(name: str, world, *args) -> str:
    return reverse(f"planning:{name}", args=[world.person.pk, *args])


def make_session(world, choices=2, **fields) -> CoproductionSession:
    return services.session_create(
        person=world.person,
        by=world.team_leader,
        purpose=fields.pop("purpose", "What makes a good morning"),
        domain="support",
        scheduled_for=timezone.now() + timedelta(days=3),
        prompts=["What does a good morning look like for you?"],
        choices=[{"label": f"Choice {n}"} for n in range(1, choices + 1)],
        invitees=[
            {"kind": "person", "name": "Sam"},
            {"kind": "circle", "name": "Jo Taylor", "circle_member": world.sister},
        ],
        **fields,
    )


def test_new_session_form_is_prefilled_from_needs_library_and_circle(world):
    services.prompt_library_seed_defaults(organisation=world.org)
    people_services.communication_need_create(
        person=world.person,
        by=world.manager,
        category=CommunicationNeed.Category.INFORMATION_FORMAT,
        information_format="pictures",
        need="Picture checklists",
        review_on=timezone.localdate() + timedelta(days=90),
    )
    response = world.client_for(world.team_leader).get(url("session_add", world))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].initial["information_formats"] == ["pictures"]
    assert "What does a good morning look like for you?" in html
    invitees = response.context["invitees"].initial
    assert [(row["kind"], row["name"]) for row in invitees] == [
        ("person", "Sam"),
        ("circle", "Jo Taylor"),
    ]
    assert "How Sam makes decisions" in html


def test_team_leader_prepares_a_session(world):
    services.prompt_library_seed_defaults(organisation=world.org)
    data = {
        "purpose": "A day in the life: mornings",
        "domain": "support",
        "scheduled_for": "2030-03-04T10:30",
        "location": "The lounge",
        "library_prompts": ["What does a good morning look like for you?"],
        "free_prompts": "What music do you like to wake up to?",
        "information_prepared": "Picture cards",
        "information_formats": ["pictures", "easy_read"],
        **formset(
            "choices",
            [{"label": "Breakfast first", "picture": "breakfast"}, {"label": "Shower first"}],
        ),
        **formset(
            "invitees",
            [
                {"kind": "person", "name": "Sam"},
                {"kind": "circle", "name": "Jo Taylor", "circle_member": world.sister.pk},
            ],
            initial=2,
        ),
    }
    response = world.client_for(world.team_leader).post(url("session_add", world), data)
    session = CoproductionSession.objects.get()
    assert response.status_code == 302
    assert session.prompts == [
        "What does a good morning look like for you?",
        "What music do you like to wake up to?",
    ]
    assert session.information_formats == ["pictures", "easy_read"]
    assert [(c.label, c.picture) for c in session.choices.all()] == [
        ("Breakfast first", "openmoji:1F963"),  # a care word is kept as its pictogram
        ("Shower first", ""),
    ]
    assert [(i.name, i.circle_member) for i in session.invitees.order_by("kind")] == [
        ("Jo Taylor", world.sister),
        ("Sam", None),
    ]
    assert session.created_by == world.team_leader


def test_a_choice_label_longer_than_80_characters_is_refused(world):
    data = {
        "purpose": "Mornings",
        "domain": "support",
        "scheduled_for": "2030-03-04T10:30",
        **formset("choices", [{"label": "x" * 81}]),
        **formset("invitees", []),
    }
    response = world.client_for(world.team_leader).post(url("session_add", world), data)
    assert response.status_code == 200
    assert "at most 80 characters" in response.content.decode()
    assert not CoproductionSession.objects.exists()


def test_session_page_warns_when_more_choices_than_the_person_takes_at_once(world):
    session = make_session(world, choices=3)  # Sam's profile: 2 at once
    html = world.client_for(world.worker).get(url("session_detail", world, session.pk))
    text = html.content.decode()
    assert "Too many choices at once" in text
    assert "3 choices are listed, but Sam can take 2 at once." in text


def test_session_page_has_no_warning_within_the_profile(world):
    session = make_session(world, choices=2)
    text = world.client_for(world.worker).get(url("session_detail", world, session.pk))
    assert "Too many choices at once" not in text.content.decode()


def test_session_page_shows_profile_and_agreement(world):
    people_services.decision_profile_update(
        person=world.person, by=world.manager, best_time="After breakfast", bad_time="First thing"
    )
    people_services.agreement_entry_create(
        person=world.person,
        by=world.manager,
        decision_kind="My morning routine",
        how_involved="Pictures the night before.",
        final_say="Sam",
    )
    session = make_session(world)
    html = world.client_for(world.worker).get(url("session_detail", world, session.pk))
    text = html.content.decode()
    assert "After breakfast" in text and "First thing" in text
    assert "My morning routine" in text and "Final say: Sam" in text


def test_recording_who_took_part_marks_the_session_held(world):
    session = make_session(world)
    person_row, sister_row = (
        session.invitees.order_by("kind")[1],
        session.invitees.order_by("kind")[0],
    )
    data = {
        "held_at": "2030-03-04T10:30",
        "notes": "Sam sorted the cards.",
        "version": session.version,
        **formset(
            "attendance",
            [
                {"id": sister_row.pk, "took_part": "no"},
                {"id": person_row.pk, "took_part": "yes", "how": "pictures"},
            ],
        ),
    }
    # The page lists invitees in its own order; post them by id.
    response = world.client_for(world.team_leader).post(
        url("session_taking_part", world, session.pk), data
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == CoproductionSession.Status.HELD
    person_row.refresh_from_db()
    sister_row.refresh_from_db()
    assert (person_row.took_part, person_row.how) == (True, "pictures")
    assert sister_row.took_part is False


def test_taking_part_without_how_is_refused(world):
    session = make_session(world)
    invitee = session.invitees.first()
    data = {
        "held_at": "2030-03-04T10:30",
        "version": session.version,
        **formset("attendance", [{"id": invitee.pk, "took_part": "yes"}]),
    }
    response = world.client_for(world.team_leader).post(
        url("session_taking_part", world, session.pk), data
    )
    assert f"Say how {invitee.name} took part." in response.content.decode()


def test_person_adds_their_own_view(world):
    session = make_session(world)
    client = world.client_for(world.person_user)
    response = client.post(url("session_view_add", world, session.pk), {"text": "Toast first."})
    assert response.status_code == 302
    view = SessionView.objects.get()
    assert (view.author_kind, view.author_name, view.on_behalf) == ("person", "Sam", False)
    assert view.recorded_by == world.person_user


def test_sister_adds_a_view_without_seeing_the_plan(world):
    session = make_session(world)
    client = world.client_for(world.sister_user)
    assert client.get(url("session_detail", world, session.pk)).status_code == 403
    listing = client.get(url("views_home", world))
    assert listing.status_code == 200 and session.purpose in listing.content.decode()
    response = client.post(url("session_view_add", world, session.pk), {"text": "Ask Sam slowly."})
    assert response["Location"] == url("views_home", world)
    view = SessionView.objects.get()
    assert (view.author_kind, view.author_name, view.circle_member) == (
        "circle",
        "Jo Taylor",
        world.sister,
    )


def test_staff_view_on_behalf_says_who_recorded_it(world):
    session = make_session(world)
    client = world.client_for(world.worker)
    response = client.post(
        url("session_view_add", world, session.pk),
        {"on_behalf_of": f"circle:{world.sister.pk}", "text": "Jo says mornings are hard."},
    )
    assert response.status_code == 302
    page = client.get(url("session_detail", world, session.pk)).content.decode()
    assert "Recorded by Wendy Worker on behalf of Jo Taylor" in page


def test_staff_must_say_whose_view_it_is(world):
    session = make_session(world)
    response = world.client_for(world.worker).post(
        url("session_view_add", world, session.pk), {"text": "Someone said"}
    )
    assert response.status_code == 200
    assert not SessionView.objects.exists()


def test_preparation_sheet_is_easy_read_with_a_picture_box_per_choice(world):
    session = make_session(world, choices=2)
    response = world.client_for(world.worker).get(url("session_sheet", world, session.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="easy-read"' in html
    assert html.count('class="picture-box"') == 2
    assert "Space for a picture of Choice 1" in html
    assert "Print this sheet" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("team_leader", 200),
        ("manager", 200),
        ("worker", 403),
        ("quality_lead", 403),
        ("person_user", 403),
        ("sister_user", 403),
        ("outsider", 404),
    ],
)
def test_who_may_prepare_a_session(world, who, status):
    response = world.client_for(world.everyone[who]).get(url("session_add", world))
    assert response.status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),
        ("person_user", 200),
        ("agency_now", 200),
        ("sister_user", 403),
        ("outsider", 404),
        ("agency_later", 404),
    ],
)
def test_who_may_see_a_session(world, who, status):
    session = make_session(world)
    response = world.client_for(world.everyone[who]).get(url("session_detail", world, session.pk))
    assert response.status_code == status


def test_anonymous_is_sent_to_log_in_from_sessions(world):
    response = world.client_for(None).get(url("home", world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_plan_nav_entry_shows_only_with_view_plan(world):
    person_page = reverse("people:detail", args=[world.person.pk])
    plan = url("home", world)
    assert f'href="{plan}"' in world.client_for(world.worker).get(person_page).content.decode()
    sister_html = world.client_for(world.sister_user).get(person_page).content.decode()
    assert f'href="{plan}"' not in sister_html
    assert f'href="{url("views_home", world)}">Give a view' in sister_html


# Agenda prompt library ---------------------------------------------------------------


def test_team_leader_adds_and_deactivates_library_prompts(world):
    services.prompt_library_seed_defaults(organisation=world.org)
    client = world.client_for(world.team_leader)
    page = client.get(reverse("planning:prompts"))
    assert "What does a good morning look like for you?" in page.content.decode()
    client.post(
        reverse("planning:prompts"),
        {
            "domain": "support",
            "text": "Who do you like to help you?",
            "position": 9,
            "is_active": "on",
        },
    )
    prompt = AgendaPrompt.objects.get(text="Who do you like to help you?")
    assert prompt.organisation == world.org
    client.post(
        reverse("planning:prompt_edit", args=[prompt.pk]),
        {"domain": "support", "text": prompt.text, "position": 9},
    )
    prompt.refresh_from_db()
    assert prompt.is_active is False


def test_duplicate_prompt_is_refused_with_a_message(world):
    services.prompt_library_seed_defaults(organisation=world.org)
    response = world.client_for(world.manager).post(
        reverse("planning:prompts"),
        {
            "domain": "support",
            "text": "What does a good morning look like for you?",
            "position": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert (
        AgendaPrompt.objects.filter(text="What does a good morning look like for you?").count() == 1
    )


def test_prompt_library_is_for_team_leaders_and_managers_of_their_organisation(world):
    other_org = Organisation.objects.create(name="Elsewhere", slug="elsewhere")
    services.prompt_library_seed_defaults(organisation=other_org)
    theirs = AgendaPrompt.objects.filter(organisation=other_org).first()
    assert world.client_for(world.worker).get(reverse("planning:prompts")).status_code == 403
    assert world.client_for(world.person_user).get(reverse("planning:prompts")).status_code == 403
    leader = world.client_for(world.team_leader)
    assert leader.get(reverse("planning:prompt_edit", args=[theirs.pk])).status_code == 404
    before = snapshot(AgendaPrompt, theirs)
    response = leader.post(
        reverse("planning:prompt_edit", args=[theirs.pk]),
        {"domain": theirs.domain, "text": "Changed from outside", "position": 0},
    )
    assert response.status_code == 404
    assert snapshot(AgendaPrompt, theirs) == before


def test_default_prompts_are_seeded_once(world):
    first = services.prompt_library_seed_defaults(organisation=world.org)
    again = services.prompt_library_seed_defaults(organisation=world.org)
    assert first == AgendaPrompt.objects.filter(organisation=world.org).count() > 0
    assert again == 0


def test_editing_a_session_keeps_named_rows_and_removes_deleted_ones(world):
    session = make_session(world, choices=2)
    first, second = session.choices.all()
    person_row = session.invitees.get(kind="person")
    sister_row = session.invitees.get(kind="circle")
    data = {
        "purpose": "Mornings, take two",
        "domain": "support",
        "scheduled_for": "2030-03-05T10:30",
        "version": session.version,
        **formset(
            "choices",
            [
                {"id": first.pk, "label": "Toast first"},
                {"id": second.pk, "label": second.label, "DELETE": True},
                {"label": "Music first"},
            ],
        ),
        **formset(
            "invitees",
            [
                {
                    "id": sister_row.pk,
                    "kind": "circle",
                    "name": "Jo Taylor",
                    "circle_member": world.sister.pk,
                },
                {"id": person_row.pk, "kind": "person", "name": "Sam"},
            ],
        ),
    }
    client = world.client_for(world.manager)
    response = client.post(url("session_edit", world, session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.purpose, session.version) == ("Mornings, take two", 2)
    assert [(c.pk, c.label) for c in session.choices.all()] == [
        (first.pk, "Toast first"),
        (session.choices.last().pk, "Music first"),
    ]
    assert session.invitees.count() == 2


def test_printing_the_sheet_is_logged_as_a_print(world):
    from coplan.access.models import AccessLog

    session = make_session(world)
    world.client_for(world.worker).get(url("session_sheet", world, session.pk))
    entry = AccessLog.objects.filter(person=world.person).latest("at")
    assert (entry.action, entry.user) == (AccessLog.Action.PRINT, world.worker)
    assert entry.what == f"Preparation sheet, session {session.pk}"
