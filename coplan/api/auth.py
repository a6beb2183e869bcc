from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from coplan.accounts.services import api_token_authenticate, must_use_two_factor


class TokenAuth(HttpBearer):
    """`Authorization: Bearer cpl_...`; tokens are stored hashed and can be revoked."""

    openapi_description = "A token made by an admin or `manage.py create_api_token USERNAME`."

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """The logged-in browser session, so the docs page can try calls (CSRF checked)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = super().authenticate(request, key)
        # The web pages hold senior roles to two-step verification (RequireTwoFactorMiddleware
        # lets /api/ through); a session that has not verified must not reach records here.
        if user is not None and must_use_two_factor(user) and not user.is_verified():
            return None
        return user


auth = [TokenAuth(), StaffSession()]
