"""Home pages: each user's starting point, drawn from what the access rules let them do."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from coplan.access import rules as access
from coplan.access import spaces
from coplan.access.rules import Action
from coplan.accounts import services as account_services
from coplan.accounts.models import Membership, Service, ShiftBooking
from coplan.lib.input import query_int
from coplan.people import selectors as people_selectors
from coplan.people.models import Person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if (space := spaces.own_space(request)) is not None:  # the person's, or their circle's
        return space
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
    return render(request, "access/home.html", context)


@login_required
def locked_accounts(request: HttpRequest) -> HttpResponse:
    """A manager's list of the locked-out logins of their services, to unlock one."""
    accounts = access.accounts_to_unlock(request.user)
    if not access.has_manager_role(request.user):
        raise PermissionDenied("Only a manager can unlock accounts.")
    if request.method == "POST":
        account = get_object_or_404(accounts, pk=query_int(request.POST.get("account")))
        account_services.account_unlock(account=account, by=request.user)
        messages.success(request, f"{account} can sign in again.")
        return redirect("locked_accounts")
    users = list(accounts)
    locked = account_services.locked_usernames([u.username for u in users])
    return render(
        request,
        "access/locked_accounts.html",
        {"locked": [u for u in users if u.username in locked]},
    )
