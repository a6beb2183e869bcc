"""The notification centre: what I was told of, newest first, unread marked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coplan.notifications import services
from coplan.notifications.models import DEFAULTS, URGENT, Kind, Notification, Preference


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=request.user)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to the record it is about."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, ids=[note.pk])
    if url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(user=request.user)
    messages.success(request, f"{count} marked as read.")
    return redirect("notifications:list")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Which kinds I am told of, in the app and by email (defaults from my roles)."""
    user = request.user
    if request.method == "POST":
        services.preferences_save(
            user=user,
            choices={
                k: (request.POST.get(f"{k}-app") == "on", request.POST.get(f"{k}-email") == "on")
                for k in Kind.values
            },
        )
        messages.success(request, "Your notification choices are saved.")
        return redirect("notifications:preferences")
    saved = {p.kind: p for p in Preference.objects.filter(user=user)}
    roles = set(user.memberships.values_list("role", flat=True))
    rows = []
    for kind in Kind:
        default = any(kind in DEFAULTS.get(r, ()) for r in roles)
        pref = saved.get(kind)
        rows.append(
            {
                "kind": kind,
                "in_app": pref.in_app if pref else default,
                "by_email": pref.by_email if pref else (default and kind in URGENT),
            }
        )
    return render(request, "notifications/preferences.html", {"rows": rows})
