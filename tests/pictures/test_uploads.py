import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coplan.pictures import services
from coplan.pictures.models import LibraryImage, PersonPhoto
from tests.pictures.conftest import not_an_image, png, stored_files

pytestmark = pytest.mark.django_db


def photos_url(world) -> str:
    return f"/pictures/people/{world.person.pk}/photos/"


def test_a_file_that_is_not_an_image_is_refused_with_a_message_and_nothing_stored(world, _media):
    client = world.client_for(world.team_leader)
    response = client.post(photos_url(world), {"label": "Mug", "image": not_an_image()})
    assert response.status_code == 200
    assert "This file is not a picture Coplan can use." in response.content.decode()
    assert PersonPhoto.objects.count() == 0
    assert stored_files(_media) == []


def test_a_file_over_2_mb_is_refused_with_a_message_and_nothing_stored(world, _media):
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024), "image/png")
    response = world.client_for(world.manager).post(
        "/pictures/library/", {"label": "Big", "image": big}
    )
    assert response.status_code == 200
    assert "This file is larger than 2 MB." in response.content.decode()
    assert LibraryImage.objects.count() == 0
    assert stored_files(_media) == []


def test_a_photo_is_stored_with_the_person_resaved_without_its_metadata(world, _media):
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; a phone also writes where it was
    Image.new("RGB", (2400, 1200), "#7fb8a4").save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("IMG_0001.jpg", out.getvalue(), "image/jpeg")
    response = world.client_for(world.team_leader).post(
        photos_url(world),
        {"label": "Sam's shower", "image": upload, "stands_for_word": "shower"},
    )
    assert response.status_code == 302
    photo = PersonPhoto.objects.get()
    assert photo.person == world.person and photo.stands_for == "openmoji:1F6BF"
    assert photo.image.name.startswith(f"pictures/people/{world.person.pk}/")
    with Image.open(photo.image.path) as saved:
        assert saved.size == (1200, 600)
        assert not saved.getexif()
    assert len(stored_files(_media)) == 1


def test_the_service_refuses_the_same_file_as_the_form(world):
    with pytest.raises(ValidationError) as e:
        services.library_image_add(
            organisation_id=world.org.pk, label="x", image=not_an_image(), by=world.manager
        )
    assert e.value.message_dict["image"] == [services.NOT_IMAGE]


def test_a_support_worker_may_not_add_a_photo_and_nothing_is_stored(world, _media):
    response = world.client_for(world.worker).post(
        photos_url(world), {"label": "Mug", "image": png()}
    )
    assert response.status_code == 403
    assert PersonPhoto.objects.count() == 0 and stored_files(_media) == []


def test_a_support_worker_may_not_add_to_the_library(world):
    response = world.client_for(world.worker).post(
        "/pictures/library/", {"label": "Door", "image": png()}
    )
    assert response.status_code == 403
    assert LibraryImage.objects.count() == 0
