"""Shift records for a risk plan: practice sessions, trips with their check-ins, incidents on
the plan, and the missed check-in alerts for everyone a user supports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.delivery.services import recording_booking
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.people.models import Person
from coplan.risk import forms, selectors
from coplan.risk.models import RiskPlan, TravelCheckIn, TravelLog
from coplan.risk.services import practice as services


def _plan(request: HttpRequest, person_id: int, plan_id: int, action: Action) -> RiskPlan:
    return access.get_object_for_user(
        request,
        RiskPlan.objects.select_related("current_stage"),
        plan_id,
        action,
        person_id=person_id,
    )


def _record(
    request: HttpRequest,
    person: Person,
    caps: frozenset,
    plan: RiskPlan,
    *,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    template: str,
    extra: dict | None = None,
) -> HttpResponse:
    back = redirect("risk:plan", person.pk, plan.pk)
    try:
        recording_booking(person=person, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return back
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{title} saved for {person.called}.")
            if isinstance(saved, TravelLog):
                return redirect("risk:trip", person.pk, plan.pk, saved.pk)
            return back
    context = {
        "person": person,
        "caps": caps,
        "plan": plan,
        "form": form,
        "title": title,
        **(extra or {}),
    }
    return render(request, template, context)


@login_required
def practice_new(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    person, caps = plan.person, access.capabilities(request.user, plan.person)
    stage = plan.current_stage
    form = forms.PracticeSessionForm(request.POST or None, competencies=stage.competencies.all())

    def save(data: dict[str, Any]):
        return services.practice_session_record(
            plan=plan,
            route=data["route"],
            results=form.results(),
            prompts_verbal=data["prompts_verbal"],
            prompts_gestural=data["prompts_gestural"],
            prompts_physical=data["prompts_physical"],
            how_felt=data["how_felt"],
            persons_words=data["persons_words"],
            notes=data["notes"],
            occurred_at=data["occurred_at"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _record(
        request,
        person,
        caps,
        plan,
        form=form,
        save=save,
        title="Practice session",
        template="risk/practice_form.html",
        extra={"stage": stage},
    )


@login_required
def trip_new(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    person, caps = plan.person, access.capabilities(request.user, plan.person)
    form = forms.TravelLogForm(request.POST or None)

    def save(data: dict[str, Any]):
        return services.travel_log_start(
            plan=plan,
            planned_route=data["planned_route"],
            occurred_at=data["occurred_at"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _record(
        request,
        person,
        caps,
        plan,
        form=form,
        save=save,
        title="Trip",
        template="risk/record_form.html",
        extra={"stage": plan.current_stage},
    )


@login_required
def incident_new(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    plan = _plan(request, person_id, plan_id, Action.RECORD)
    person, caps = plan.person, access.capabilities(request.user, plan.person)
    form = forms.RiskIncidentForm(request.POST or None)

    def save(data: dict[str, Any]):
        return services.risk_incident_record(
            plan=plan,
            incident_type=data["incident_type"],
            severity=data["severity"],
            what_happened=data["what_happened"],
            actions_taken=data["actions_taken"],
            occurred_at=data["occurred_at"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _record(
        request,
        person,
        caps,
        plan,
        form=form,
        save=save,
        title="Incident",
        template="risk/record_form.html",
        extra={
            "intro": "The incident is linked to this risk plan and starts a mini-review. The "
            "plan stays at its current stage until the team agrees a new decision."
        },
    )


def _trip(
    request: HttpRequest, person_id: int, plan_id: int, log_id: int, action: Action
) -> TravelLog:
    return access.get_object_for_user(
        request,
        TravelLog.objects.filter(plan_id=plan_id)
        .select_related("plan__current_stage", "stage", "recorded_by")
        .prefetch_related("check_ins"),
        log_id,
        action,
        person_id=person_id,
    )


def _trip_page(request, person, caps, plan, log, *, failed: tuple[str, int, Form] | None = None):
    """The trip with a form for each thing still to record; a form that failed is shown
    again with its errors (`failed` is (which, check-in id, form))."""
    may_record = Action.RECORD in caps

    def form_for(which: str, pk: int, fresh: Callable[[], Form]) -> Form:
        if failed and failed[0] == which and failed[1] == pk:
            return failed[2]
        return fresh()

    rows = []
    for c in log.check_ins.all():
        made = follow = None
        if may_record and c.made_at is None:
            made = form_for("made", c.pk, lambda c=c: forms.CheckInMadeForm(prefix=f"m{c.pk}"))
        if may_record and c.status in ("missed", "late") and not c.follow_up:
            follow = form_for("follow", c.pk, lambda c=c: forms.FollowUpForm(prefix=f"f{c.pk}"))
        rows.append({"check_in": c, "made_form": made, "follow_form": follow})
    finish = None
    if may_record and log.is_out:
        finish = form_for("finish", 0, lambda: forms.TripFinishForm(prefix="finish"))
    return render(
        request,
        "risk/trip.html",
        {"person": person, "caps": caps, "plan": plan, "log": log, "rows": rows, "finish": finish},
    )


@login_required
def trip_detail(request: HttpRequest, person_id: int, plan_id: int, log_id: int) -> HttpResponse:
    log = _trip(request, person_id, plan_id, log_id, Action.VIEW_RECORDS)
    caps = access.capabilities(request.user, log.person)
    return _trip_page(request, log.person, caps, log.plan, log)


def _trip_write(request, person_id, plan_id, log_id, *, make_form, save, which, pk):
    log = _trip(request, person_id, plan_id, log_id, Action.RECORD)
    person, plan = log.person, log.plan
    caps = access.capabilities(request.user, person)
    form = make_form()
    if form.is_valid():
        try:
            save(log, form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("risk:trip", person.pk, plan.pk, log.pk)
        else:
            messages.success(request, "Saved.")
            return redirect("risk:trip", person.pk, plan.pk, log.pk)
    # The trip as the refused save left it.
    fresh = _trip(request, person_id, plan_id, log_id, Action.RECORD)
    return _trip_page(request, person, caps, plan, fresh, failed=(which, pk, form))


@login_required
@require_POST
def check_in_made(request, person_id: int, plan_id: int, log_id: int, check_in_id: int):
    def save(log, data):
        c = get_object_or_404(TravelCheckIn, pk=check_in_id, log=log)
        services.check_in_record(
            check_in=c,
            made_at=data["made_at"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _trip_write(
        request,
        person_id,
        plan_id,
        log_id,
        make_form=lambda: forms.CheckInMadeForm(request.POST, prefix=f"m{check_in_id}"),
        save=save,
        which="made",
        pk=check_in_id,
    )


@login_required
@require_POST
def check_in_follow_up(request, person_id: int, plan_id: int, log_id: int, check_in_id: int):
    def save(log, data):
        c = get_object_or_404(TravelCheckIn, pk=check_in_id, log=log)
        services.check_in_follow_up(
            check_in=c,
            follow_up=data["follow_up"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _trip_write(
        request,
        person_id,
        plan_id,
        log_id,
        make_form=lambda: forms.FollowUpForm(request.POST, prefix=f"f{check_in_id}"),
        save=save,
        which="follow",
        pk=check_in_id,
    )


@login_required
@require_POST
def trip_finish(request, person_id: int, plan_id: int, log_id: int):
    def save(log, data):
        services.travel_log_finish(
            log=log,
            returned_at=data["returned_at"],
            what_happened=data["what_happened"],
            idempotency_key=data["idempotency_key"],
            by=request.user,
        )

    return _trip_write(
        request,
        person_id,
        plan_id,
        log_id,
        make_form=lambda: forms.TripFinishForm(request.POST, prefix="finish"),
        save=save,
        which="finish",
        pk=0,
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    """Missed check-ins, now, for everyone whose records this user may see."""
    missed = selectors.missed_check_ins(access.people_for_user(request.user, Action.VIEW_RECORDS))
    for c in missed:
        access.log_read(request.user, c.log.person, "Missed check-in alert", path=request.path)
    return render(request, "risk/alerts.html", {"missed": missed})
