"""Home pages: each user's starting point, drawn from what the access rules let them do.

`home` sends each user to their own starting point: those who plan or assure (team
leaders, managers, quality leads) to the today page, everyone else to the everyday home.
"""

from typing import cast

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
from coplan.accounts.models import Membership, Service, ShiftBooking, User
from coplan.lib.contributions import TodaySection, gather
from coplan.lib.input import query_int
from coplan.people import selectors as people_selectors
from coplan.people.models import Person


def overview_services(user: User) -> list[Service]:
    """The services whose work this user plans or assures, with their people counted."""
    planning = access.services_for_user(user, Action.PLAN)
    assuring = access.services_for_user(user, Action.ASSURE)
    return list(
        (planning | assuring)
        .distinct()
        .annotate(people_count=Count("people", filter=Q(people__is_active=True)))
        .order_by("name")
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if (space := spaces.own_space(request)) is not None:  # the person's, or their circle's
        return space
    services = overview_services(cast(User, request.user))  # login_required
    if services:
        return today(request, services)
    return everyday_home(request)


def today(request: HttpRequest, services: list[Service]) -> HttpResponse:
    """The manager's today page: what needs dealing with in their services, gathered from
    the later stages through the "access.today" slot (coplan/lib/contributions), each row
    linking to where it is dealt with, with the counts per service."""
    day = timezone.localdate()
    names = {s.pk: s.name for s in services}
    sections: list[TodaySection] = gather(
        "access.today", request=request, services=list(names), today=day
    )
    counts = {pk: [0] * len(sections) for pk in names}
    for i, section in enumerate(sections):
        for row in section.rows:
            if row.service_id in counts:
                counts[row.service_id][i] += 1
    context = {
        "today": day,
        "services": services,
        "sections": [
            {"section": s, "rows": [(r, names.get(r.service_id, "")) for r in s.rows]}
            for s in sections
        ],
        "clear": [s for s in sections if not s.rows],
        # Per service: (section, count) for what has something in it, the short names of
        # what is clear, and the total, so the glance reads as a list at any width.
        "service_counts": [
            (
                s,
                [(sec, n) for sec, n in zip(sections, counts[s.pk], strict=True) if n],
                [sec.short for sec, n in zip(sections, counts[s.pk], strict=True) if not n],
                sum(counts[s.pk]),
            )
            for s in services
        ],
        "several_services": len(services) > 1,
        "admin_services": _admin_services(cast(User, request.user)),
    }
    return render(request, "access/today.html", context)


def _admin_services(user: User) -> list[Service]:
    orgs = Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values(
        "service__organisation_id"
    )
    return list(Service.objects.filter(organisation_id__in=orgs))


def everyday_home(request: HttpRequest) -> HttpResponse:
    """Everyone else's home: the person's own plan, the people they support as family or
    friend, or the people a worker supports today."""
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
