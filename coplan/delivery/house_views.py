"""The whole-shift house handover: one page per service showing each person's shift against
their plan, and the form for the outgoing worker's house note (on the same page, so writing
it is one tap from the shift view and one to save)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.delivery import house
from coplan.delivery.idempotency import new_key
from coplan.lib.errors import Conflict
from coplan.lib.forms import DateTimeLocalInput, form_errors_from
from coplan.lib.input import query_int

FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class HouseHandoverForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=new_key)
    summary = forms.CharField(
        label="How the shift went in the house", widget=forms.Textarea(attrs={"rows": 4})
    )
    outstanding = forms.CharField(
        label="Still to do",
        help_text="Filled in from the records above: change it as you need.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    for_next_shift = forms.CharField(
        label="For the next shift",
        help_text="Anything they should know first: visitors, appointments, how people are.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    shift_start = forms.DateTimeField(
        label="Shift started", widget=DateTimeLocalInput(), input_formats=FORMATS
    )
    shift_end = forms.DateTimeField(
        label="Shift ends", widget=DateTimeLocalInput(), input_formats=FORMATS
    )

    def visible(self) -> list[Any]:
        return [f for f in self if not f.is_hidden]


def _minute(moment: Any) -> Any:
    return timezone.localtime(moment).replace(second=0, microsecond=0)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


@login_required
def house_handover(request: HttpRequest, service_id: int) -> HttpResponse:
    """GET: the house's shift for whoever may read shift records there; POST: the house note,
    for whoever may record there."""
    writing = request.method == "POST"
    the_house = access.get_house_for_user(
        request,
        service_id,
        Action.RECORD if writing else Action.VIEW_RECORDS,
        what="House handover",
    )
    service = the_house.service
    hours = query_int(request.GET.get("hours"))
    start, end = house.shift_window(
        _user(request), service, hours=hours if hours in house.WINDOW_HOURS else None
    )
    data = house.house_shift(service, the_house.people, start=start, end=end)
    may_write = (
        access.services_for_user(_user(request), Action.RECORD).filter(pk=service.pk).exists()
    )
    form = HouseHandoverForm(
        request.POST if writing else None,
        initial={
            "outstanding": data.outstanding_text,
            "shift_start": _minute(start),
            "shift_end": _minute(end),
        },
    )
    if writing and form.is_valid():
        try:
            house.house_handover_write(service=service, by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("delivery:house_handover", service_id=service.pk)
        else:
            messages.success(request, f"House handover saved for {service.name}.")
            return redirect(reverse("delivery:shift"))
    return render(
        request,
        "delivery/house_handover.html",
        {
            "house": data,
            "service": service,
            "form": form,
            "may_write": may_write,
            "hours": hours,
            "choices": house.WINDOW_HOURS,
        },
    )
