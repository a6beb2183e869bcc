import hashlib
import logging
from datetime import timedelta
from typing import Any, NamedTuple

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from coplan.accounts.models import ApiToken, Membership, Organisation, Service, User
from coplan.lib import rows

logger = logging.getLogger(__name__)

RESET_TOO_OFTEN = (
    "Too many password reset requests have come from here. Wait an hour, or ask your "
    "manager or administrator."
)
_HOUR = 60 * 60


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Make a token; returns it with the secret, which is shown once and never stored."""
    secret = ApiToken.new_secret()
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[4 : 4 + ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token


def api_token_authenticate(secret: str) -> User | None:
    if not secret:
        return None
    # Hand-written (coplan/lib/rows.py): every API call makes this lookup first. The user's
    # memberships come in the same statement (one row per membership), so the access rules
    # read them without a second round trip.
    q = rows.quote
    sql = (
        f"SELECT {rows.columns(ApiToken, 't')}, {rows.columns(User, 'u')}, "  # noqa: S608
        f"{_held_columns()} FROM {rows.table(ApiToken)} t "
        f"JOIN {rows.table(User)} u ON u.id = t.user_id "
        f"LEFT JOIN {rows.table(Membership)} m ON m.{q('user_id')} = u.id {_held_joins()} "
        "WHERE t.digest = %s AND t.revoked_at IS NULL"
    )
    found = rows.fetch(sql, [ApiToken.digest_of(secret)], ApiToken, User)
    if not found:
        return None
    token, user, *_ = found[0]
    if not user.is_active:
        return None
    user.__dict__[_MEMBERSHIPS] = [_held(*row[2:]) for row in found if row[2] is not None]
    rows.relate(token, "user", user)
    now = timezone.now()
    # Record use at most once a minute, so reads do not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


_MEMBERSHIPS = "_coplan_memberships"
TWO_FACTOR_ROLES = frozenset(
    {Membership.Role.MANAGER, Membership.Role.QUALITY_LEAD, Membership.Role.ADMIN}
)


class Held(NamedTuple):
    """One of the user's memberships, as the access rules and the two-step check read it."""

    service_id: int
    role: str
    organisation_id: int
    require_two_factor: bool


def _held(service_id: int, role: str, organisation_id: int, require_two_factor: Any) -> Held:
    return Held(service_id, role, organisation_id, bool(require_two_factor))


def _held_columns() -> str:
    """A membership's columns (aliased m) and the joins they need, for a select list."""
    q = rows.quote
    return (
        f"m.{q('service_id')}, m.{q('role')}, s.{q('organisation_id')}, o.{q('require_two_factor')}"
    )


def _held_joins() -> str:
    q = rows.quote
    return (
        f"LEFT JOIN {rows.table(Service)} s ON s.id = m.{q('service_id')} "
        f"LEFT JOIN {rows.table(Organisation)} o ON o.id = s.{q('organisation_id')}"
    )


def memberships(user: User) -> list[Held]:
    """The user's memberships as plain rows: read once per user object (a request's), so the
    two-step check and the access rules share one query, with no model objects to build. An
    API call's user has them already, read with the token."""
    found = user.__dict__.get(_MEMBERSHIPS)
    if found is None:
        sql = (
            f"SELECT {_held_columns()} FROM {rows.table(Membership)} m "  # noqa: S608
            f"{_held_joins()} WHERE m.{rows.quote('user_id')} = %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [user.pk])
            found = [_held(*row) for row in cursor.fetchall()]
        user.__dict__[_MEMBERSHIPS] = found
    return found


def forget_memberships(user: User) -> None:
    user.__dict__.pop(_MEMBERSHIPS, None)


def must_use_two_factor(user: User) -> bool:
    """An organisation can require an authenticator for managers, quality leads and admins."""
    if not user.is_authenticated:
        return False
    return any(m.role in TWO_FACTOR_ROLES and m.require_two_factor for m in memberships(user))


def _count_this_hour(key: str) -> int:
    cache.add(key, 0, timeout=_HOUR)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_HOUR)
        return 1


def password_reset_allowed(*, address: str, email: str) -> bool | None:
    """Count a password reset request. None: this address has asked too often (tell them);
    False: this account has been sent enough this hour (send nothing, say nothing)."""
    if _count_this_hour(f"pwreset:ip:{address}") > settings.PASSWORD_RESET_LIMIT_PER_ADDRESS:
        return None
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _count_this_hour(f"pwreset:email:{account}") <= settings.PASSWORD_RESET_LIMIT_PER_ACCOUNT


def account_unlock(*, account: User, by: User) -> int:
    """Clear the failed logins that lock an account out (every address); returns how many.
    Who may do this is decided by the access rules (coplan/access/rules.py)."""
    cleared = axes_reset(username=account.get_username())
    logger.warning(
        "Account %s unlocked by %s (%d failed logins cleared)", account.pk, by.pk, cleared
    )
    return cleared


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are locked out now, from any address."""
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        )
        .values_list("username", flat=True)
        .distinct()
    )
