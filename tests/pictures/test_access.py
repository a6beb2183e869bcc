"""A person's photos are part of their record: seen only by those the access rules let see
their profile or plan, through an access-checked view."""

import pytest

from coplan.access.models import AccessLog
from coplan.people import services as people_services
from coplan.people.models import CircleMember
from coplan.pictures import services
from tests.pictures.conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(world):
    return services.person_photo_add(
        person=world.person, label="Sam's mug", image=png(), by=world.manager
    )


@pytest.fixture
def friend(world):
    """A circle member with a login, shown nothing of Sam's record."""
    from tests.conftest import make_user

    user = make_user("friend", "Fran Friend")
    people_services.circle_member_create(
        person=world.person,
        by=world.manager,
        name="Fran Friend",
        relationship_type=CircleMember.Relationship.FRIEND,
        relationship="my friend",
        login=user,
        may_see_profile=False,
        may_see_plan=False,
    )
    return user


SEES = {
    "worker": 200,
    "team_leader": 200,
    "manager": 200,
    "agency_now": 200,
    "quality_lead": 200,
    "person_user": 200,
    "sister_user": 200,  # may see Sam's profile
    "outsider": 404,
    "agency_later": 404,
    "admin": 404,
}


@pytest.mark.parametrize(("who", "status"), SEES.items())
def test_photo_file_follows_the_access_rules(world, photo, who, status):
    response = world.client_for(world.everyone[who]).get(f"/pictures/photos/{photo.pk}/file/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png"
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_photo_file_refused_to_anonymous(world, photo):
    response = world.client_for(None).get(f"/pictures/photos/{photo.pk}/file/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_photo_file_refused_to_a_circle_member_without_the_sharing(world, photo, friend):
    # They may add their views, so they know of Sam: refused, not hidden.
    response = world.client_for(friend).get(f"/pictures/photos/{photo.pk}/file/")
    assert response.status_code == 403
    page = world.client_for(friend).get(f"/pictures/people/{world.person.pk}/photos/")
    assert page.status_code == 403


def test_photo_read_is_in_the_access_log(world, photo):
    world.client_for(world.worker).get(f"/pictures/photos/{photo.pk}/file/")
    log = AccessLog.objects.get(user=world.worker)
    assert log.person == world.person and log.what == f"Person photo {photo.pk}"


def test_photos_are_not_public_media(world, photo, client):
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_photo_removed_only_by_those_who_may_change_the_profile(world, photo):
    url = f"/pictures/people/{world.person.pk}/photos/{photo.pk}/remove/"
    assert world.client_for(world.worker).post(url).status_code == 403
    assert world.client_for(world.worker).get(url).status_code == 403
    assert world.client_for(world.outsider).post(url).status_code == 404
    leader = world.client_for(world.team_leader)
    # Remove asks first: the photo list links to a page that asks, and that removes nothing.
    page = leader.get(f"/pictures/people/{world.person.pk}/photos/").content.decode()
    assert f'href="{url}"' in page
    asked = leader.get(url)
    assert asked.status_code == 200 and "Yes, remove the photo" in asked.content.decode()
    assert world.person.photos.exists()
    assert leader.post(url).status_code == 302
    assert not world.person.photos.exists()


def test_library_image_seen_within_the_organisation_only(world):
    from coplan.accounts.models import Organisation, Service
    from tests.conftest import make_user, member

    item = services.library_image_add(
        organisation_id=world.org.pk, label="Front door", image=png(), by=world.manager
    )
    url = f"/pictures/library/{item.pk}/file/"
    assert world.client_for(world.worker).get(url).status_code == 200
    assert world.client_for(world.person_user).get(url).status_code == 200
    other_org = Organisation.objects.create(name="Elsewhere Care", slug="elsewhere")
    stranger = member(
        make_user("stranger", "Sol Stranger"),
        Service.objects.create(organisation=other_org, name="Oak"),
        "support_worker",
    )
    assert world.client_for(stranger).get(url).status_code == 404
    assert world.client_for(None).get(url).status_code == 302


def test_search_is_for_staff(world):
    url = "/pictures/search/?q=shower&for=id_steps-0-picture"
    response = world.client_for(world.worker).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-ref="openmoji:1F6BF"' in html and 'data-for="id_steps-0-picture"' in html
    assert world.client_for(world.person_user).get(url).status_code == 403
    assert world.client_for(None).get(url).status_code == 302


def test_search_finds_the_providers_own_pictures_first(world):
    item = services.library_image_add(
        organisation_id=world.org.pk,
        label="Our minibus",
        words="bus, trip",
        image=png(),
        by=world.manager,
    )
    html = world.client_for(world.worker).get("/pictures/search/?q=bus").content.decode()
    assert html.index(f'data-ref="library:{item.pk}"') < html.index('data-ref="openmoji:1F68C"')


def test_pictogram_files_are_static_files_cached_for_good(world, settings):
    client = world.client_for(world.worker)  # signed in: pages are no-store, pictograms not
    response = client.get("/pictograms/openmoji/17.0.0/1F6BF.svg", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert client.get("/pictograms/openmoji/17.0.0/ZZZZZ.svg").status_code == 404
