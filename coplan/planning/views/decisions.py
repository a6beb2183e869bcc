"""Decisions: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.input import query_int
from coplan.lib.services import StaleVersion
from coplan.people.models import Person
from coplan.planning import forms, selectors, services
from coplan.planning.models import (
    CoproductionSession,
    Decision,
    Domain,
    TakingPart,
)
from coplan.planning.views.common import _all_valid, _ctx, _refused, _rows_context


@login_required
def decision_log(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Decision log")
    domain = request.GET.get("domain", "")
    status = request.GET.get("status", "")
    domain = domain if domain in Domain.values else ""
    status = status if status in Decision.Status.values else ""
    decisions = list(selectors.decision_log(person, domain=domain, status=status)[:200])
    return render(
        request,
        "planning/decision_log.html",
        _ctx(
            request,
            person,
            decisions=decisions,
            domain=domain,
            status=status,
            domains=Domain.choices,
            statuses=Decision.Status.choices,
        ),
    )


def _decision_form(
    request: HttpRequest,
    person: Person,
    decision: Decision | None,
    session: CoproductionSession | None = None,
) -> HttpResponse:
    agreement = selectors.agreement_entries(person)
    initial: dict = {}
    if decision is None:
        domain = session.domain if session else request.GET.get("domain", "")
        initial = {"session": session, "domain": domain}
        match = selectors.agreement_for_domain(agreement, domain)
        if match is not None:
            initial |= {"final_say": match.final_say, "agreement_entry": str(match.pk)}
        if session is not None:
            option_initial = [{"label": c.label} for c in session.choices.all()]
            participant_initial = [
                {
                    "kind": i.kind,
                    "name": i.name,
                    "how": i.how or TakingPart.IN_PERSON,
                }
                for i in session.invitees.all()
                if i.took_part is not False
            ] or forms.participant_initial(person)
        else:
            option_initial = []
            participant_initial = forms.participant_initial(person)
    else:
        saved = list(decision.options.all())
        option_initial = [
            {**row, "carried_from": option.carried_over_from_id}
            for option, row in zip(
                saved, forms.initial_rows(saved, forms.OPTION_ROW_FIELDS), strict=True
            )
        ]
        participant_initial = forms.initial_rows(
            decision.participants.all(), forms.PARTICIPANT_ROW_FIELDS
        )
    data = request.POST or None
    form = forms.DecisionForm(
        data, instance=decision, initial=initial, person=person, agreement=agreement
    )
    options = forms.OptionFormSet(data, prefix="options", initial=option_initial)
    participants = forms.ParticipantFormSet(
        data, prefix="participants", initial=participant_initial
    )
    status = 200
    if request.method == "POST" and _all_valid(form, options, participants):
        kwargs = {
            "by": request.user,
            "options": forms.rows_from(options),
            "participants": forms.rows_from(participants),
            **form.service_fields(),
        }
        try:
            if decision is None:
                saved = services.decision_create(person=person, **kwargs)
            else:
                saved = services.decision_update(
                    decision=decision, based_on=form.based_on, **kwargs
                )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except Conflict as exc:  # only an update: agreed by someone while this form was open
            back = reverse("planning:decision_detail", args=[person.pk, decision.pk])
            return _refused(request, person, exc, back)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Decision saved as a draft.")
            return redirect("planning:decision_detail", person_id=person.pk, pk=saved.pk)
    return render(
        request,
        "planning/decision_form.html",
        _ctx(
            request,
            person,
            form=form,
            options=options,
            participants=participants,
            decision=decision,
            agreement=agreement,
            profile=selectors.decision_profile(person),
            **_rows_context(options, participants),
        ),
        status=status,
    )


@login_required
def decision_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="New decision")
    session = None
    if request.GET.get("session"):
        # A session id that is not a whole number is no session: a 404, never a 500.
        session_id = query_int(request.GET["session"])
        session = get_object_or_404(CoproductionSession, pk=session_id or 0, person=person)
    return _decision_form(request, person, None, session)


@login_required
def decision_edit(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    decision = access.get_object_for_user(request, Decision, pk, Action.PLAN, person_id=person_id)
    person = decision.person
    try:
        services.ensure_draft(decision)
    except Conflict as exc:
        return _refused(
            request, person, exc, reverse("planning:decision_detail", args=[person.pk, pk])
        )
    return _decision_form(request, person, decision)


def _decision_page(request: HttpRequest, person: Person, decision: Decision) -> HttpResponse:
    problems = services.decision_problems(decision) if decision.is_draft else {}
    return render(
        request,
        "planning/decision_detail.html",
        _ctx(
            request,
            person,
            decision=decision,
            chain=selectors.decision_chain(decision),
            shaped=selectors.decision_shaped(decision),
            problems=[m for msgs in problems.values() for m in msgs],
        ),
    )


@login_required
def decision_detail(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    decision = access.get_object_for_user(
        request, selectors.decisions_for_page(), pk, Action.VIEW_PLAN, person_id=person_id
    )
    return _decision_page(request, decision.person, decision)


@login_required
def decision_agree(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    """Agreeing locks the decision for good, so it is a page of its own: what will be locked
    (who took part and how, the person's words and agreement, the options, the chosen one
    and why), what is still missing, and a deliberate confirmation of the version shown."""
    decision = access.get_object_for_user(
        request, Decision, pk, Action.SIGN_OFF, person_id=person_id, what=f"Decision {pk}, to agree"
    )
    person = decision.person
    back = reverse("planning:decision_detail", args=[person.pk, pk])
    try:
        services.ensure_draft(decision)
    except Conflict as exc:
        return _refused(request, person, exc, back)
    form = forms.AgreeForm(request.POST or None, version=decision.version)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.decision_agree(
                    decision=decision,
                    by=request.user,
                    confirmed=form.cleaned_data["confirm"],
                    based_on=form.based_on,
                )
            except StaleVersion as exc:
                show_stale(form, exc)
                status = 409
            except Conflict as exc:
                return _refused(request, person, exc, back)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Decision agreed. It can no longer be changed.")
                return redirect("planning:decision_detail", person_id=person.pk, pk=pk)
    decision = selectors.decision_page(pk)
    problems = services.decision_problems(decision)
    return render(
        request,
        "planning/decision_agree.html",
        _ctx(
            request,
            person,
            decision=decision,
            form=form,
            problems=[m for msgs in problems.values() for m in msgs],
            chosen=next((o for o in decision.options.all() if o.is_chosen), None),
        ),
        status=status,
    )


@login_required
@require_POST
def decision_supersede(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    decision = access.get_object_for_user(
        request, Decision, pk, Action.SIGN_OFF, person_id=person_id
    )
    person = decision.person
    try:
        new = services.decision_supersede(decision=decision, by=request.user)
    except Conflict as exc:
        return _refused(
            request, person, exc, reverse("planning:decision_detail", args=[person.pk, pk])
        )
    messages.success(
        request,
        "A new draft was started. The question, what matters and the options are carried "
        "over; record who takes part in this decision, and what is agreed.",
    )
    return redirect("planning:decision_edit", person_id=person.pk, pk=new.pk)


@login_required
@require_POST
def decision_delete(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    decision = access.get_object_for_user(request, Decision, pk, Action.PLAN, person_id=person_id)
    person = decision.person
    try:
        services.decision_delete(decision=decision, by=request.user)
    except Conflict as exc:
        return _refused(
            request, person, exc, reverse("planning:decision_detail", args=[person.pk, pk])
        )
    messages.success(request, "Draft decision deleted.")
    return redirect("planning:decision_log", person_id=person.pk)
