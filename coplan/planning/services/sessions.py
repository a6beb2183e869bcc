"""Co-production sessions: part of coplan.planning.services."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Speaker
from coplan.accounts.models import User
from coplan.lib.services import apply_and_save
from coplan.people.models import CircleMember, Person
from coplan.planning.models import (
    CoproductionSession,
    ParticipantKind,
    SessionChoice,
    SessionInvitee,
    SessionView,
)
from coplan.planning.services.common import (
    CHOICE_FIELDS,
    INVITEE_FIELDS,
    SESSION_FIELDS,
    Row,
    SessionFields,
    _check_circle_links,
    _locked,
    _only,
    _sync_children,
)


@transaction.atomic
def session_create(
    *,
    person: Person,
    by: User,
    choices: Iterable[Row] = (),
    invitees: Iterable[Row] = (),
    **fields: Unpack[SessionFields],
) -> CoproductionSession:
    _only(fields, SESSION_FIELDS, "A session")
    invitees = list(invitees)
    _check_circle_links(person, invitees)
    session = apply_and_save(CoproductionSession(person=person, created_by=by), dict(fields), by=by)
    _sync_children(
        model=SessionChoice,
        parent_field="session",
        parent=session,
        rows=choices,
        allowed=CHOICE_FIELDS,
    )
    _sync_children(
        model=SessionInvitee,
        parent_field="session",
        parent=session,
        rows=invitees,
        allowed=INVITEE_FIELDS,
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: CoproductionSession,
    by: User,
    based_on: int | None = None,
    choices: Iterable[Row] | None = None,
    invitees: Iterable[Row] | None = None,
    **fields: Unpack[SessionFields],
) -> CoproductionSession:
    """Change a session. A change based on a version someone has since replaced is refused
    (StaleVersion) before anything is written; the version rises once, whether the change
    was to the session, its choices or who is invited."""
    _only(fields, SESSION_FIELDS, "A session")
    locked = _locked(session, based_on, fields)
    children_changed = False
    if choices is not None:
        children_changed |= _sync_children(
            model=SessionChoice,
            parent_field="session",
            parent=locked,
            rows=choices,
            allowed=CHOICE_FIELDS,
        )
    if invitees is not None:
        invitees = list(invitees)
        _check_circle_links(locked.person, invitees)
        children_changed |= _sync_children(
            model=SessionInvitee,
            parent_field="session",
            parent=locked,
            rows=invitees,
            allowed=INVITEE_FIELDS,
        )
    apply_and_save(locked, dict(fields), based_on=based_on, by=by, touch=children_changed)
    session.version = locked.version
    return locked


@transaction.atomic
def session_record_taking_part(
    *,
    session: CoproductionSession,
    by: User,
    attendance: Iterable[Row],
    held_at: datetime | None = None,
    notes: str | None = None,
    based_on: int | None = None,
) -> CoproductionSession:
    """After the session: who took part and how. Marks the session held."""
    fields: dict[str, Any] = {"status": CoproductionSession.Status.HELD}
    if notes is not None:
        fields["notes"] = notes
    session = _locked(session, based_on, fields)
    invitees = {i.pk: i for i in session.invitees.all()}
    errors: list[str] = []
    for row in attendance:
        invitee = invitees.get(int(row.get("id") or 0))
        if invitee is None:
            raise ValidationError("That invitee is not on this session.")
        invitee.took_part = row.get("took_part")
        invitee.how = row.get("how") or ""
        if invitee.took_part and not invitee.how:
            errors.append(f"Say how {invitee.name} took part.")
        invitee.full_clean()
        invitee.save(update_fields=["took_part", "how", "updated_at"])
    if errors:
        raise ValidationError(errors)
    fields["held_at"] = held_at or session.held_at or timezone.now()
    return apply_and_save(session, fields, based_on=based_on, by=by, touch=True)


@transaction.atomic
def session_view_add(
    *,
    session: CoproductionSession,
    by: User,
    text: str,
    how_given: str = "",
    on_behalf_of: str | None = None,
) -> SessionView:
    """A view before the session. From the person's or a circle member's own login it is
    theirs; staff write a view down on someone's behalf (`on_behalf_of` is "person" or
    "circle:<id>") or give their own ("self"), and the record says who wrote it."""
    person = session.person
    fields: dict[str, Any] = {"text": text, "how_given": how_given, "recorded_by": by}
    voice = access.voice_of(by, person)
    if voice.speaker == Speaker.PERSON:
        fields |= {"author_kind": ParticipantKind.PERSON, "author_name": person.called}
    elif voice.circle_member is not None:
        fields |= {
            "author_kind": ParticipantKind.CIRCLE,
            "author_name": voice.circle_member.name,
            "circle_member": voice.circle_member,
        }
    elif on_behalf_of == "person":
        fields |= {
            "author_kind": ParticipantKind.PERSON,
            "author_name": person.called,
            "on_behalf": True,
        }
    elif on_behalf_of and on_behalf_of.startswith("circle:"):
        member = CircleMember.objects.filter(
            person=person, pk=on_behalf_of.removeprefix("circle:") or 0
        ).first()
        if member is None:
            raise ValidationError({"on_behalf_of": "Pick someone from this person's circle."})
        fields |= {
            "author_kind": ParticipantKind.CIRCLE,
            "author_name": member.name,
            "circle_member": member,
            "on_behalf": True,
        }
    elif on_behalf_of == "self":
        fields |= {"author_kind": ParticipantKind.STAFF, "author_name": by.name}
    else:
        raise ValidationError({"on_behalf_of": "Say whose view this is."})
    if not (text or "").strip():
        raise ValidationError({"text": "Write down the view."})
    return apply_and_save(SessionView(session=session), fields, by=by)
