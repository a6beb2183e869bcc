import copy
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.services import StaleVersion
from coplan.people import forms, selectors, services
from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    Person,
)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    people = selectors.people_list(access.people_for_user(request.user), search)
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    can_add = access.services_for_user(request.user, Action.EDIT_PROFILE).exists()
    return render(
        request,
        "people/person_list.html",
        {"page": page, "search": search, "can_add": can_add},
    )


@login_required
def person_add(request: HttpRequest) -> HttpResponse:
    services_allowed = access.services_for_user(request.user, Action.EDIT_PROFILE)
    if not services_allowed.exists():
        raise PermissionDenied("Only team leaders and managers add people.")
    form = forms.PersonForm(request.POST or None, services=services_allowed)
    if request.method == "POST" and form.is_valid():
        data = form.record_fields()
        try:
            person = services.person_create(service=data.pop("service"), by=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                f"{person.display_name} added. Now record their communication needs.",
            )
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request,
        person_id,
        Action.VIEW_PROFILE,
        queryset=selectors.people_for_page(),
        what="Person page",
    )
    caps = access.capabilities(request.user, person)
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "caps": caps, "needs": person.active_needs},
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.EDIT_PROFILE, what="About me and profile (to edit)"
    )
    services_allowed = access.services_for_user(request.user, Action.EDIT_PROFILE)
    # The form and the service change a copy, so a refused edit leaves the page header
    # showing the record as saved.
    editing = copy.copy(person)
    form = forms.PersonForm(request.POST or None, instance=editing, services=services_allowed)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=editing, by=request.user, based_on=form.based_on, **form.record_fields()
            )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect("people:detail", person_id=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person}, status=status
    )


@login_required
def one_page_profile(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request,
        person_id,
        Action.VIEW_PROFILE,
        queryset=selectors.people_for_page(),
        what="One-page profile",
        log_action=AccessLog.Action.PRINT,
    )
    return render(
        request, "people/one_page_profile.html", {"person": person, "needs": person.active_needs}
    )


def _child_form(
    request: HttpRequest,
    person: Person,
    *,
    form_class: type[ModelForm],
    instance: models.Model | None,
    create: Callable,
    update: Callable,
    update_kwarg: str,
    title: str,
    anchor: str,
) -> HttpResponse:
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if instance is None:
                create(person=person, by=request.user, **form.record_fields())
            else:
                update(
                    **{update_kwarg: instance},
                    by=request.user,
                    based_on=form.based_on,
                    **form.record_fields(),
                )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, f"{title} saved.")
            return redirect(f"/people/{person.pk}/#{anchor}")
    return render(
        request,
        "people/child_form.html",
        {"form": form, "person": person, "title": title, "anchor": anchor},
        status=status,
    )


def _child_view(model, form_class, create, update, update_kwarg, title, anchor):
    @login_required
    def view(request: HttpRequest, person_id: int, pk: int | None = None) -> HttpResponse:
        if pk:
            instance = access.get_object_for_user(
                request, model, pk, Action.EDIT_PROFILE, person_id=person_id
            )
            person = instance.person
        else:
            instance = None
            person = access.get_person_for_user(
                request, person_id, Action.EDIT_PROFILE, what=f"New {title.lower()}"
            )
        return _child_form(
            request,
            person,
            form_class=form_class,
            instance=instance,
            create=create,
            update=update,
            update_kwarg=update_kwarg,
            title=title,
            anchor=anchor,
        )

    view.__name__ = f"{model.__name__.lower()}_form"
    return view


communication_need_form = _child_view(
    CommunicationNeed,
    forms.CommunicationNeedForm,
    services.communication_need_create,
    services.communication_need_update,
    "communication_need",
    "Communication need",
    "communication",
)
chart_entry_form = _child_view(
    CommunicationChartEntry,
    forms.ChartEntryForm,
    services.chart_entry_create,
    services.chart_entry_update,
    "entry",
    "Communication chart entry",
    "chart",
)
agreement_entry_form = _child_view(
    DecisionAgreementEntry,
    forms.AgreementEntryForm,
    services.agreement_entry_create,
    services.agreement_entry_update,
    "entry",
    "Decision-making agreement entry",
    "agreement",
)
circle_member_form = _child_view(
    CircleMember,
    forms.CircleMemberForm,
    services.circle_member_create,
    services.circle_member_update,
    "member",
    "Circle member",
    "circle",
)


@login_required
def decision_profile_form(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.EDIT_PROFILE, what="Decision-making profile"
    )
    profile = getattr(person, "decision_profile", None)
    form = forms.DecisionProfileForm(request.POST or None, instance=profile)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_profile_update(
                person=person, by=request.user, based_on=form.based_on, **form.record_fields()
            )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Decision-making profile saved.")
            return redirect(f"/people/{person.pk}/#decision-profile")
    return render(
        request,
        "people/child_form.html",
        {
            "form": form,
            "person": person,
            "title": "Decision-making profile",
            "anchor": "decision-profile",
        },
        status=status,
    )


@login_required
def person_history(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_HISTORY, what="Change history"
    )
    return render(
        request,
        "people/history.html",
        {"person": person, "rows": selectors.person_history(person)},
    )


@login_required
def person_access_log(request: HttpRequest, person_id: int) -> HttpResponse:
    # Who read the record is not the record: reading it here is not logged again.
    person = access.get_person_for_user(request, person_id, Action.VIEW_ACCESS_LOG, log=False)
    entries = AccessLog.objects.filter(person=person).select_related("user")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "people/access_log.html", {"person": person, "page": page})
