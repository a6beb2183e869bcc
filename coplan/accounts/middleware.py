from django.shortcuts import redirect
from django.urls import reverse

from coplan.accounts.services import must_use_two_factor

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/api/")


class RequireTwoFactorMiddleware:
    """Where the organisation requires it, a manager, quality lead or admin must verify with
    their authenticator before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()
            and must_use_two_factor(user)
        ):
            return redirect(f"{reverse('two_factor')}?next={request.path}")
        return self.get_response(request)
