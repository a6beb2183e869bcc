import base64
import math
import sys

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.accounts import outage, services
from coplan.accounts.client import client_ip
from coplan.accounts.forms import LoginForm, PasswordResetRequestForm, TokenForm
from coplan.lib.errors import error_body


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        response = JsonResponse({"status": "unavailable", "database": "no answer"}, status=503)
        response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage that surfaced outside any view (the session failing to
    load in a middleware) still answers 503 with Retry-After; anything else is the plain
    500 page."""
    if isinstance(sys.exc_info()[1], outage.DATABASE_ERRORS):
        return outage.database_unavailable(request)
    return defaults.server_error(request)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: under /api/ (a refusal raised outside the API's own handlers, such as an
    unknown API version) the JSON error shape; elsewhere the 403 page."""
    if request.path.startswith("/api/"):
        message = str(exception) or "Your role does not allow this."
        return JsonResponse(error_body("forbidden", message), status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ the JSON error shape (an API client cannot read the 404
    page); elsewhere the 404 page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("not_found", "No such API endpoint, or no record you can see."), status=404
        )
    return defaults.page_not_found(request, exception)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Django's own reset by email, rate-limited: an address that asks too often is told to
    wait; an account asked for too often is quietly sent nothing more (the page says the
    same either way, so it never tells whether an email address has an account)."""

    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        allowed = services.password_reset_allowed(
            address=client_ip(self.request), email=form.cleaned_data["email"]
        )
        if allowed is None:
            form.add_error(None, services.RESET_TOO_OFTEN)
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        if not allowed:
            return redirect(self.get_success_url())
        return super().form_valid(form)


def _wait_message(locked_until) -> str:
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return (
        f"A wrong code was typed just before, so codes are paused for {seconds} more "
        f"second{'s' if seconds != 1 else ''}. Wait, then type the code your app shows now."
    )


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or verify with it (each login)."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    allowed, why = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        # django-otp waits longer after each wrong code (1 s, 2 s, 4 s...); say how long
        # rather than "did not match", since even the right code is refused until then.
        form.add_error("token", _wait_message((why or {}).get("locked_until")))
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, "Two-step verification done.")
            next_url = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or "home")
        form.add_error(
            "token", "That code did not match. Check the time on your phone and try again."
        )
    qr_svg = manual_key = None
    if setting_up:
        # Authenticator apps take the key typed in as base32, not hex.
        manual_key = base64.b32encode(device.bin_key).decode().rstrip("=")
        import segno

        qr_svg = segno.make(device.config_url).svg_inline(
            scale=4, title="Authenticator set-up code"
        )
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "setting_up": setting_up, "qr_svg": qr_svg, "manual_key": manual_key},
    )


def locked_out(request: HttpRequest, credentials=None, *args, **kwargs) -> HttpResponse:
    return render(request, "accounts/locked_out.html", status=429)
