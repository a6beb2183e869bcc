"""The shift view is a page for staff at work. The person and their circle have their own
pages, and are refused it (it showed them an empty staff page with the staff menu)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["person_user", "sister_user"])
def test_the_person_and_their_circle_are_refused_the_shift(world, who):
    response = world.client_for(getattr(world, who)).get(reverse("delivery:shift"))
    assert response.status_code == 403
    assert "for staff at work" in response.content.decode()


def test_staff_still_open_the_shift(world):
    assert world.client_for(world.worker).get(reverse("delivery:shift")).status_code == 200
