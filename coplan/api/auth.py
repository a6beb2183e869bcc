from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from coplan.accounts.services import api_token_authenticate


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


auth = [TokenAuth(), StaffSession()]
