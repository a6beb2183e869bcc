"""Named, time-limited read access for an inspector or commissioner: a manager grants it,
until a date, to one service's evidence or one person's (with their consent recorded), and
can end it early. The access rules (coplan/access/rules.py) read the grant on every request,
so it ends by itself at its date; every page the grantee opens is in the access log."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.models import AccessLog, InspectorGrant
from coplan.accounts.models import Service, User
from coplan.people.models import Person

MAX_DAYS = 366


@transaction.atomic
def grant_create(
    *,
    by: User,
    service: Service,
    grantee: User,
    kind: str,
    grantee_organisation: str,
    until: date,
    reason: str,
    person: Person | None = None,
    consent: str = "",
) -> InspectorGrant:
    """Who may grant is decided by the access rules (a manager of the service) before this."""
    if not access.may_be_granted(grantee):
        raise ValidationError(
            {
                "username": "This account works for the provider or is someone's own login; "
                "inspector access is for an outside inspector's or commissioner's account."
            }
        )
    today = timezone.localdate()
    if until < today:
        raise ValidationError({"until": "The date access ends cannot be in the past."})
    if until > today + timedelta(days=MAX_DAYS):
        raise ValidationError({"until": "Grant access for a year or less."})
    if person is not None:
        if person.service_id != service.pk:
            raise ValidationError({"person": "This person is not supported in this service."})
        if not consent.strip():
            raise ValidationError(
                {"consent": "Record how the person agreed to this inspector seeing their record."}
            )
    grant = InspectorGrant(
        grantee=grantee,
        kind=kind,
        grantee_organisation=grantee_organisation,
        service=service,
        person=person,
        consent=consent if person is not None else "",
        until=until,
        reason=reason,
        granted_by=by,
    )
    grant.full_clean()
    grant.save()
    return grant


@transaction.atomic
def grant_revoke(*, grant: InspectorGrant, by: User) -> InspectorGrant:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = by
        grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant


def grantee_reads(grant: InspectorGrant) -> QuerySet[AccessLog]:
    """Every read the grantee made of the records the grant covers: who looked, and when."""
    reads = AccessLog.objects.filter(user=grant.grantee_id, person__service=grant.service_id)
    if grant.person_id is not None:
        reads = reads.filter(person=grant.person_id)
    return reads.select_related("person").order_by("-at")


def inspector_reads(person: Person) -> QuerySet[AccessLog]:
    """Reads of a person's record by inspectors and commissioners, newest first."""
    return (
        AccessLog.objects.filter(person=person, user__inspector_grants__isnull=False)
        .select_related("user")
        .distinct()
        .order_by("-at")
    )
