import base64

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.accounts import access
from coplan.accounts.access import Action
from coplan.accounts.forms import LoginForm, TokenForm
from coplan.accounts.models import Membership, Service, ShiftBooking
from coplan.people import selectors as people_selectors
from coplan.people.models import Person


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "no answer"}, status=503)
    return JsonResponse({"status": "ok"})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    today = timezone.localdate()
    context: dict = {"today": today}

    if access.is_person(user):
        context["own_person"] = Person.objects.get(login=user)
    circle_ids = access.circle_person_ids(user)
    if circle_ids:
        context["circle_people"] = Person.objects.filter(pk__in=circle_ids, is_active=True)

    memberships = list(Membership.objects.filter(user=user).select_related("service"))
    context["memberships"] = memberships
    roles = {m.role for m in memberships}

    # The people a worker supports today: services with a shift today, else all of theirs.
    if roles & {Membership.Role.SUPPORT_WORKER, Membership.Role.AGENCY_WORKER}:
        todays = ShiftBooking.objects.filter(
            user=user, starts_at__date__lte=today, ends_at__gte=now
        ).select_related("service")
        context["shifts_today"] = list(todays)
        recordable = access.people_for_user(user, Action.RECORD)
        shift_services = {b.service_id for b in context["shifts_today"]}
        if shift_services:
            recordable = recordable.filter(service_id__in=shift_services)
        context["people_today"] = people_selectors.people_list(recordable)

    planning_services = access.services_for_user(user, Action.PLAN)
    assurance_services = access.services_for_user(user, Action.ASSURE)
    overview = (planning_services | assurance_services).distinct()
    if overview.exists():
        context["services"] = overview.annotate(
            people_count=Count("people", filter=Q(people__is_active=True))
        ).order_by("name")

    if Membership.Role.ADMIN in roles:
        context["admin_services"] = Service.objects.filter(
            organisation__in={m.service.organisation_id for m in memberships if m.is_admin}
        )
    return render(request, "accounts/home.html", context)


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
    allowed, _ = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        # django-otp waits longer after each wrong code; say so rather than "did not match".
        form.add_error("token", "Too many wrong codes. Wait a few seconds, then try again.")
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
