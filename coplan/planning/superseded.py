"""Telling the people who took part in a decision, in the app, that it has been replaced.

The person and the members of their circle who took part (DESIGN.md, "Notification":
decision superseded for a circle member who took part) are told when the decision that
replaces it is agreed: that is when the old one stops being the plan. Staff who took part
learn it on the decision pages they work from."""

from __future__ import annotations

from django.urls import reverse

from coplan.access import rules as access
from coplan.accounts.models import User
from coplan.notifications.models import Kind
from coplan.notifications.services import Event, notify_many
from coplan.planning.models import Decision, DecisionParticipant, ParticipantKind


def tell_took_part(*, old: Decision, new: Decision) -> None:
    """One notification for each person or circle member with a login who took part in
    `old`, with a link to the new decision where they may see the plan (else home)."""
    person = old.person
    took_part = list(
        DecisionParticipant.objects.filter(
            decision=old, kind__in=[ParticipantKind.PERSON, ParticipantKind.CIRCLE]
        ).select_related("circle_member__login")
    )
    recipients: dict[int, User] = {}
    for p in took_part:
        member = p.circle_member
        login = person.login if p.kind == ParticipantKind.PERSON else None
        if member is not None and member.is_active:
            login = member.login
        if login is not None:
            recipients[login.pk] = login
    if not recipients:
        return
    detail = reverse("planning:decision_detail", kwargs={"person_id": person.pk, "pk": new.pk})
    title = f"A decision you took part in has changed: {old.question}"[:200]
    body = f"“{old.question}” has a new decision, agreed {new.agreed_at:%d %B %Y}."
    notify_many(
        Event(
            (user,),
            Kind.DECISION_SUPERSEDED,
            title,
            detail if access.can(user, access.Action.VIEW_PLAN, person) else reverse("home"),
            f"superseded:{old.pk}",
            body,
        )
        for user in recipients.values()
    )
