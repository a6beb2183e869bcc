"""Invitations: how the person, or someone in their circle, gets a login of their own.

A manager makes an invitation from the person's page; its link (shown once, as a link and a
QR code to scan on the person's tablet, or sent by email) lets the invitee choose a username
and password and lands them in their own space. The link works once and only until it
expires; only a digest of its token is stored. Making it, sending it and using it each
write an access-log row. What the new login may see is what the circle entry shares
(`rules.CIRCLE_SHARING`), read afresh on every request, so ending the membership or its
sharing ends the access at once.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.models import AccessLog, Invitation
from coplan.access.tasks import send_invitation_task
from coplan.accounts.models import User
from coplan.people import services as people_services
from coplan.people.models import CircleMember, Person

VALID_DAYS = 7
NOT_VALID = (
    "This invitation link does not work any more: it has been used, it has expired, or it "
    "was withdrawn. Ask the team for a new one."
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _log(user: User, person: Person, what: str, action: str) -> None:
    AccessLog.objects.create(user=user, person=person, what=what[:200], action=action)


@dataclass(frozen=True)
class NewInvitation:
    """An invitation and its token: the token is known only now, to build the link once."""

    invitation: Invitation
    token: str


@transaction.atomic
def invitation_create(
    *,
    person: Person,
    by: User,
    circle_member: CircleMember | None = None,
    days: int = VALID_DAYS,
) -> NewInvitation:
    """Invite the person (no `circle_member`) or one of their circle to set a login. Any
    earlier open invitation for the same invitee is withdrawn, so one link works at a time."""
    access.require(by, access.Action.INVITE, person)
    if circle_member is None:
        if person.login_id:
            raise ValidationError(f"{person.called} already has their own login.")
    else:
        if circle_member.person_id != person.pk:
            raise ValidationError("Pick someone from this person's circle.")
        if not circle_member.is_active:
            raise ValidationError(f"{circle_member.name} is no longer in the circle.")
        if circle_member.login_id:
            raise ValidationError(f"{circle_member.name} already has a login.")
    now = timezone.now()
    Invitation.objects.filter(
        person=person, circle_member=circle_member, used_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        person=person,
        circle_member=circle_member,
        token_hash=_digest(token),
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    invitation.full_clean()
    invitation.save()
    _log(by, person, f"Invitation for {invitation.invitee_name}", AccessLog.Action.INVITED)
    return NewInvitation(invitation, token)


@transaction.atomic
def invitation_send(*, invitation: Invitation, link: str, email: str, by: User) -> Invitation:
    """Email the link in the background. The link goes to the task only (never stored on the
    invitation); the access log says it was sent and to whom."""
    access.require(by, access.Action.INVITE, invitation.person)
    email = (email or "").strip()
    if not email:
        raise ValidationError({"email": "Give the email address to send the link to."})
    if invitation.status != "open":
        raise ValidationError(NOT_VALID)
    invitation.sent_to = email
    invitation.sent_at = timezone.now()
    invitation.full_clean()
    invitation.save(update_fields=["sent_to", "sent_at"])
    _log(
        by,
        invitation.person,
        f"Invitation for {invitation.invitee_name} sent to {email}",
        AccessLog.Action.INVITE_SENT,
    )
    transaction.on_commit(lambda: send_invitation_task.enqueue(invitation.pk, link))
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation this token opens, if it still works: not used, withdrawn or expired,
    and the person (and circle entry) still active."""
    if not token:
        return None
    invitation = (
        Invitation.objects.select_related("person", "circle_member")
        .filter(
            token_hash=_digest(token),
            used_at__isnull=True,
            withdrawn_at__isnull=True,
            expires_at__gt=timezone.now(),
            person__is_active=True,
        )
        .first()
    )
    if invitation is None:
        return None
    member = invitation.circle_member
    if member is not None and (not member.is_active or member.login_id):
        return None
    if member is None and invitation.person.login_id:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str, display_name: str = "") -> User:
    """Make the invitee's login with the username and password they chose (checked by
    Django's password validators) and link it to their record. The invitation row is locked,
    so a link used twice at once makes one login only."""
    found = invitation_for_token(token)
    if found is None:
        raise PermissionDenied(NOT_VALID)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.used_at is not None:
        raise PermissionDenied(NOT_VALID)
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = ["Choose a username."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That username is taken. Choose another."]
    name = display_name.strip() or found.invitee_name
    user = User(username=username, display_name=name[:150])
    if found.circle_member is not None:
        user.email = found.circle_member.email
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.full_clean()
    user.save()
    person = found.person
    if found.circle_member is not None:
        people_services.circle_member_update(member=found.circle_member, by=user, login=user)
    else:
        people_services.person_update(person=person, by=user, login=user)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    _log(user, person, f"Invitation for {found.invitee_name} used", AccessLog.Action.INVITE_USED)
    return user


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User) -> Invitation:
    access.require(by, access.Action.INVITE, invitation.person)
    if invitation.status == "open":
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])
    return invitation


def invitations_for(person: Person) -> list[Invitation]:
    return list(
        Invitation.objects.filter(person=person).select_related("circle_member", "created_by")[:20]
    )


def invitation_of(person: Person, invitation_id: int) -> Invitation:
    """One of this person's invitations, or 404."""
    return get_object_or_404(
        Invitation.objects.select_related("circle_member"), person=person, pk=invitation_id
    )
