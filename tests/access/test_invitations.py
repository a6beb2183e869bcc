"""Invitations: a manager gives the person or a circle member a login by a single-use,
expiring link (shown with a QR code, or emailed in the background); the invitee sets their
own password; the making, sending and use are logged; and the login sees exactly what the
circle entry shares, and nothing once the membership or its sharing ends."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coplan.access import invitations
from coplan.access.models import AccessLog, Invitation
from coplan.accounts.models import User
from coplan.people import services as people_services
from coplan.people.models import CircleMember
from tests.snapshot import snapshot

GOOD_PASSWORD = "river-kettle-lantern-42"


def _new_member(world, **sharing) -> CircleMember:
    return people_services.circle_member_create(
        person=world.person,
        by=world.manager,
        name="Ruth Okafor",
        relationship_type=CircleMember.Relationship.FAMILY,
        relationship="my aunt",
        email="ruth@example.org",
        **{"may_see_profile": True, "may_see_reviews": True, **sharing},
    )


def _invite_by_page(world, member: CircleMember, how: str = "qr", **extra) -> str:
    client = world.client_for(world.manager)
    response = client.post(
        reverse("invite_people", args=[world.person.pk]),
        {"who": member.pk, "how": how, **extra},
        follow=True,
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.context["link"]


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def _accept(link: str, username: str = "ruth", password: str = GOOD_PASSWORD) -> Client:
    client = Client()
    response = client.post(
        link,
        {"username": username, "password": password, "password_again": password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_invitation_link_works_once_and_lands_the_member_in_their_space(world):
    member = _new_member(world)
    link = _invite_by_page(world, member)
    assert link.startswith("http://testserver/invite/")

    page = Client().get(link)
    assert page.status_code == 200
    assert "Ruth Okafor" in page.content.decode()

    client = _accept(link)
    member.refresh_from_db()
    user = User.objects.get(username="ruth")
    assert member.login == user
    assert user.check_password(GOOD_PASSWORD)
    assert user.email == "ruth@example.org"
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == reverse("space:circle", args=[world.person.pk])

    invitation = Invitation.objects.get(circle_member=member)
    assert invitation.used_by == user and invitation.status == "used"
    logged = set(AccessLog.objects.filter(person=world.person).values_list("action", flat=True))
    assert {AccessLog.Action.INVITED, AccessLog.Action.INVITE_USED} <= logged

    # The same link again: refused, and no second login is made.
    before = User.objects.count()
    again = Client().post(
        link, {"username": "ruth2", "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD}
    )
    assert again.status_code == 410
    assert User.objects.count() == before


def test_the_token_is_stored_only_as_a_digest(world):
    made = invitations.invitation_create(
        person=world.person, by=world.manager, circle_member=_new_member(world)
    )
    assert made.invitation.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    assert not Invitation.objects.filter(token_hash=made.token).exists()


def test_an_expired_invitation_does_not_work(world):
    made = invitations.invitation_create(
        person=world.person, by=world.manager, circle_member=_new_member(world)
    )
    Invitation.objects.filter(pk=made.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert Client().get(reverse("invite_accept", args=[made.token])).status_code == 410
    with pytest.raises(PermissionDenied):
        invitations.invitation_accept(token=made.token, username="ruth", password=GOOD_PASSWORD)
    assert not User.objects.filter(username="ruth").exists()


def test_a_new_invitation_withdraws_the_earlier_one(world):
    member = _new_member(world)
    first = invitations.invitation_create(
        person=world.person, by=world.manager, circle_member=member
    )
    second = invitations.invitation_create(
        person=world.person, by=world.manager, circle_member=member
    )
    assert invitations.invitation_for_token(first.token) is None
    assert invitations.invitation_for_token(second.token) is not None


def test_a_weak_password_is_refused_by_the_validators_and_nothing_is_made(world):
    member = _new_member(world)
    link = _invite_by_page(world, member)
    response = Client().post(
        link, {"username": "ruth", "password": "12345678", "password_again": "12345678"}
    )
    assert response.status_code == 200
    assert "too common" in response.content.decode() or "entirely numeric" in (
        response.content.decode()
    )
    member.refresh_from_db()
    assert member.login is None
    assert not User.objects.filter(username="ruth").exists()


def test_a_taken_username_is_refused(world):
    link = _invite_by_page(world, _new_member(world))
    response = Client().post(
        link, {"username": "SISTER", "password": GOOD_PASSWORD, "password_again": GOOD_PASSWORD}
    )
    assert response.status_code == 200
    assert "That username is taken" in response.content.decode()


def test_the_invitation_is_emailed_in_the_background_and_the_sending_logged(
    world, django_capture_on_commit_callbacks
):
    member = _new_member(world)
    with django_capture_on_commit_callbacks(execute=True):
        link = _invite_by_page(world, member, how="email")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ruth@example.org"]
    assert link in message.body
    assert AccessLog.objects.filter(
        person=world.person, action=AccessLog.Action.INVITE_SENT, what__contains="ruth@example.org"
    ).exists()
    assert Invitation.objects.get(circle_member=member).sent_to == "ruth@example.org"


def test_the_qr_code_is_shown_for_the_tablet(world):
    client = world.client_for(world.manager)
    member = _new_member(world)
    response = client.post(
        reverse("invite_people", args=[world.person.pk]), {"who": member.pk, "how": "qr"}
    )
    # The link has a page of its own: a reload shows the same link, and makes no other.
    made = response["Location"]
    html = client.get(made).content.decode()
    link = re.search(r'id="invite-link">([^<]+)<', html).group(1)
    assert "<svg" in html and "QR code" in html and "Copy the link" in html
    assert "can scan this code with their phone" in html
    assert f'id="invite-link">{link}<' in client.get(made).content.decode()
    assert Invitation.objects.filter(circle_member=member).count() == 1
    # Another manager's browser, or this one once the link is used, does not show it.
    invitation = Invitation.objects.get(circle_member=member)
    other = world.client_for(world.manager).get(made).content.decode()
    assert link not in other and "not kept anywhere else" in other
    _accept(link)
    used = client.get(made).content.decode()
    assert link not in used and "used this invitation" in used
    assert invitation.person_id == world.person.pk


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 403),
        ("team_leader", 403),
        ("quality_lead", 403),
        ("outsider", 404),
        ("admin", 404),
        ("person_user", 403),
        ("sister_user", 403),
    ],
)
def test_only_a_manager_of_the_service_may_invite(world, who, status):
    member = _new_member(world)
    client = world.client_for(world.everyone[who])
    url = reverse("invite_people", args=[world.person.pk])
    before = snapshot(Invitation, member)
    assert client.get(url).status_code == status
    assert client.post(url, {"who": member.pk, "how": "qr"}).status_code == status
    assert snapshot(Invitation, member) == before


def test_anonymous_is_sent_to_sign_in(world):
    response = Client().get(reverse("invite_people", args=[world.person.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_service_refuses_someone_already_with_a_login(world):
    with pytest.raises(ValidationError):
        invitations.invitation_create(person=world.person, by=world.manager)  # Sam has one
    with pytest.raises(ValidationError):
        invitations.invitation_create(
            person=world.person, by=world.manager, circle_member=world.sister
        )


def test_the_invitation_gives_exactly_what_was_shared(world):
    member = _new_member(world, may_see_plan=False, may_see_records=False)
    client = _accept(_invite_by_page(world, member))
    pid = world.person.pk
    assert client.get(reverse("people:detail", args=[pid])).status_code == 200
    assert client.get(reverse("reviews:person", args=[pid])).status_code == 200
    assert client.get(reverse("planning:home", args=[pid])).status_code == 403
    assert client.get(reverse("delivery:handover", args=[pid])).status_code == 403
    assert client.get(reverse("people:detail", args=[world.person_b.pk])).status_code == 404
    assert client.get(reverse("people:list")).status_code in (403, 404) or (
        world.person_b.display_name not in client.get(reverse("people:list")).content.decode()
    )
    circle = client.get(reverse("space:circle", args=[pid])).content.decode()
    assert "Check-ins and reviews" in circle
    assert "plan and decisions" not in circle


def test_an_ended_membership_refuses_at_once(world):
    member = _new_member(world)
    client = _accept(_invite_by_page(world, member))
    url = reverse("people:detail", args=[world.person.pk])
    assert client.get(url).status_code == 200
    people_services.circle_member_update(member=member, by=world.manager, is_active=False)
    assert client.get(url).status_code == 404
    assert client.get(reverse("space:circle", args=[world.person.pk])).status_code == 404
    assert client.get(reverse("home")).status_code == 200  # an empty home, nothing of Sam
    assert "Samuel" not in client.get(reverse("home")).content.decode()


def test_ended_sharing_refuses_at_once(world):
    member = _new_member(world)
    client = _accept(_invite_by_page(world, member))
    url = reverse("reviews:person", args=[world.person.pk])
    assert client.get(url).status_code == 200
    people_services.circle_member_update(member=member, by=world.manager, may_see_reviews=False)
    assert client.get(url).status_code == 403


def test_an_invitation_for_an_ended_membership_stops_working(world):
    member = _new_member(world)
    link = _invite_by_page(world, member)
    people_services.circle_member_update(member=member, by=world.manager, is_active=False)
    assert Client().get(link).status_code == 410


def test_the_person_is_invited_to_their_own_space(world):
    person = people_services.person_create(
        service=world.service_a, by=world.manager, given_name="Priya", family_name="Shah"
    )
    client = world.client_for(world.manager)
    response = client.post(
        reverse("invite_people", args=[person.pk]), {"who": "person", "how": "qr"}, follow=True
    )
    link = response.context["link"]
    own = _accept(link, username="priya")
    person.refresh_from_db()
    assert person.login.username == "priya"
    home = own.get(reverse("home"))
    assert home["Location"] == reverse("space:home")
    assert own.get(reverse("space:home")).status_code == 200


def test_the_person_page_links_a_manager_to_the_logins(world):
    html = world.client_for(world.manager).get(reverse("people:detail", args=[world.person.pk]))
    assert reverse("invite_people", args=[world.person.pk]) in html.content.decode()
    worker = world.client_for(world.worker).get(reverse("people:detail", args=[world.person.pk]))
    assert reverse("invite_people", args=[world.person.pk]) not in worker.content.decode()
