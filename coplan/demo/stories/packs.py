"""Demo evidence: Ines Carter, a CQC inspector, with read access to Elm House's evidence until
this coming Friday and a demo authenticator, and one ready evidence pack for Daniel made by
his manager. Idempotent: running it again moves the grant's end to the coming Friday and
leaves the pack alone. All fictional.

The trends the pack shows come from the earlier stories: Daniel's refusals falling after his
morning routine was re-co-produced, Priya's declines turning into taking part once her week
was re-planned, and Marcus's prompts falling as he moved through his travel stages."""

from __future__ import annotations

import binascii
from datetime import date, timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.access.models import InspectorGrant
from coplan.accounts.models import Organisation, User
from coplan.assurance import inspectors, packs
from coplan.assurance.models.packs import EvidencePack
from coplan.people.models import Person

INSPECTOR = ("ines", "Ines Carter")
# The demo authenticator secret (base32, for an authenticator app or
# `oathtool --totp -b GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ`): the RFC 6238 test key. Demo only.
DEMO_TOTP_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
DEMO_TOTP_HEX = binascii.hexlify(b"12345678901234567890").decode()
PACK_WEEKS = 16


def coming_friday(today: date) -> date:
    ahead = (4 - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    manager = staff.get("manager_elm")
    dan = people.get("daniel")
    if manager is None or dan is None:
        return
    ines = _inspector()
    _grant(ines, manager, dan)
    if not EvidencePack.objects.filter(person=dan).exists():
        _pack(dan, manager)


def _inspector() -> User:
    from coplan.demo.management.commands.seed_demo import DEMO_PASSWORD

    username, name = INSPECTOR
    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": name, "email": "ines.carter@example.org"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    TOTPDevice.objects.get_or_create(
        user=user, name="Authenticator", defaults={"key": DEMO_TOTP_HEX, "confirmed": True}
    )
    return user


def _grant(ines: User, manager: User, dan: Person) -> None:
    until = coming_friday(timezone.localdate())
    grant = InspectorGrant.objects.filter(
        grantee=ines, service=dan.service, person=None, revoked_at__isnull=True
    ).first()
    if grant is None:
        inspectors.grant_create(
            by=manager,
            service=dan.service,
            grantee=ines,
            kind=InspectorGrant.Kind.INSPECTOR,
            grantee_organisation="CQC",
            until=until,
            reason="Planned inspection of Elm House: people's involvement in their support.",
        )
    elif grant.until < until:
        InspectorGrant.objects.filter(pk=grant.pk).update(until=until)  # demo refresh only


def _pack(dan: Person, manager: User) -> None:
    today = timezone.localdate()
    pack, _ = packs.pack_request(
        by=manager,
        service=dan.service,
        person=dan,
        start=today - timedelta(weeks=PACK_WEEKS),
        end=today,
    )
    # Made here, not by the worker, so the demo has a ready pack without `make worker`.
    packs.pack_build(pack=pack)
