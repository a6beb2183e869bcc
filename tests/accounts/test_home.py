"""The home page shows each role what it needs first."""

from django.urls import reverse

from coplan.people import services as people_services


def _home(world, user):
    # The person and their circle are sent on to their own space (/me/).
    response = world.client_for(user).get(reverse("home"), follow=True)
    assert response.status_code == 200
    return response, response.content.decode()


def test_anonymous_is_sent_to_login(world):
    response = world.client_for(None).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_support_worker_sees_the_people_of_their_service_only(world):
    response, html = _home(world, world.worker)
    assert [p.display_name for p in response.context["people_today"]] == ["Sam Taylor"]
    assert "Sam Taylor" in html
    assert "Ola Adeyemi" not in html
    assert "Organisation settings" not in html


def test_support_worker_home_shows_communication_flags(world):
    people_services.communication_need_create(
        person=world.person,
        by=world.manager,
        category="information_format",
        information_format="easy_read",
        need="Easy read",
        review_on="2030-01-01",
    )
    _, html = _home(world, world.worker)
    assert 'aria-label="Communication needs of Sam"' in html
    assert "Easy read" in html


def test_support_worker_home_lists_people_in_a_fixed_number_of_queries(
    world, django_assert_max_num_queries
):
    for i in range(10):
        people_services.person_create(
            service=world.service_a, by=world.manager, given_name=f"P{i}", family_name="X"
        )
    client = world.client_for(world.worker)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):
        response = client.get(reverse("home"))
    assert len(response.context["people_today"]) == 11


def test_outsider_sees_service_b_people_only(world):
    _, html = _home(world, world.outsider)
    assert "Ola Adeyemi" in html
    assert "Sam Taylor" not in html


def test_agency_worker_on_shift_sees_their_shift_and_people(world):
    response, html = _home(world, world.agency_now)
    assert "Your shift: Elm House" in html
    assert [p.display_name for p in response.context["people_today"]] == ["Sam Taylor"]


def test_agency_worker_off_shift_sees_no_one(world):
    response, html = _home(world, world.agency_later)
    assert list(response.context["people_today"]) == []
    assert "You are not booked on a shift that is running." in html


def test_manager_sees_their_services_with_people_counts(world):
    people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    response, html = _home(world, world.manager)
    assert [(s.name, s.people_count) for s in response.context["services"]] == [("Elm House", 2)]
    assert "Your services" in html
    assert "2 people" in html
    assert "Birch Court" not in html


def test_quality_lead_sees_every_service_of_the_organisation(world):
    response, _ = _home(world, world.quality_lead)
    assert [(s.name, s.people_count) for s in response.context["services"]] == [
        ("Birch Court", 1),
        ("Elm House", 1),
    ]


def test_admin_sees_organisation_settings_and_no_people(world):
    response, html = _home(world, world.admin)
    assert "Organisation settings" in html
    assert reverse("admin:accounts_user_changelist") in html
    assert "Sam Taylor" not in html and "Ola Adeyemi" not in html
    assert "services" not in response.context
    assert "people_today" not in response.context


def test_the_person_sees_my_plan(world):
    _, html = _home(world, world.person_user)
    assert "My plan" in html
    assert reverse("space:plan") in html
    assert "Your services" not in html
    assert "Organisation settings" not in html


def test_the_sister_sees_the_person_she_supports(world):
    response, html = _home(world, world.sister_user)
    assert response.redirect_chain[-1][0] == f"/me/circle/{world.person.pk}/"
    assert "Sam" in html
    assert "My plan" not in html


def test_people_link_in_the_menu_only_for_staff(world):
    _, staff_html = _home(world, world.worker)
    _, person_html = _home(world, world.person_user)
    assert f'href="{reverse("people:list")}"' in staff_html
    assert f'href="{reverse("people:list")}"' not in person_html


def test_manager_home_links_each_service_to_its_review_dashboard(world):
    html = world.client_for(world.manager).get("/").content.decode()
    assert f"/reviews/?service={world.service_a.pk}" in html
    dashboard = world.client_for(world.manager).get(f"/reviews/?service={world.service_a.pk}")
    assert dashboard.status_code == 200
