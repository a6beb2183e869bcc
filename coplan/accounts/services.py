from django.db import transaction
from django.utils import timezone

from coplan.accounts.models import ApiToken, Membership, User


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
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute, so reads do not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def must_use_two_factor(user: User) -> bool:
    """An organisation can require an authenticator for managers, quality leads and admins."""
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user,
        role__in=[Membership.Role.MANAGER, Membership.Role.QUALITY_LEAD, Membership.Role.ADMIN],
        service__organisation__require_two_factor=True,
    ).exists()
