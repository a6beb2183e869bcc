from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.delivery import forms, jinja, selectors, services
from coplan.delivery.models import RoutineChecklist
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.lib.input import query_int
from coplan.people.models import Person
from coplan.support import selectors as support_selectors
from coplan.support.models import ActivityRhythm, RhythmEntry, Routine, StaffInstruction


@login_required
def shift(request: HttpRequest) -> HttpResponse:
    """The shift view on a phone: what is due now and next across the people I support,
    each routine a live checklist, then each person's plan for today."""
    access.require_staff_member(access.user_of(request), "The shift view")
    data = selectors.shift_for_user(request.user, path=request.path)
    # Each briefing shown goes through the access rules, which log what it shows.
    briefings = [
        selectors.briefing_for_booking(access.get_briefing_for_user(request, b.pk).booking)
        for b in data.briefing_due
    ]
    context = {
        "shift": data,
        # Later stages add to the top of the shift (risk: missed travel check-ins).
        "shift_people": [p.person for p in data.people],
        "briefings": briefings,
        "today": timezone.localdate(),
        "finish_form": forms.ChecklistFinishForm(),
    }
    body = jinja.render_to_string("delivery/_shift_body.jinja", context, request)
    return render(request, "delivery/shift.html", {**context, "body": body})


@login_required
@require_POST
def briefing_confirm(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.get_briefing_for_user(request, booking_id).booking
    try:
        services.briefing_acknowledge(
            booking=booking, idempotency_key=request.POST.get("idempotency_key"), by=request.user
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, "Briefing confirmed. You can now record for this shift.")
    return redirect("delivery:shift")


@login_required
def service_briefings(request: HttpRequest, service_id: int) -> HttpResponse:
    """Who was briefed: agency bookings in a service and their acknowledgements."""
    service = access.get_service_for_user(request.user, service_id, Action.PLAN)
    bookings = selectors.briefings_for_service(service.pk)
    return render(
        request,
        "delivery/service_briefings.html",
        {"service": service, "bookings": bookings, "now": timezone.now()},
    )


def _record(
    request: HttpRequest,
    person: Person,
    caps: frozenset,
    *,
    form: forms.RecordForm,
    service: Callable[..., Any],
    title: str,
    template: str = "delivery/record_form.html",
    extra: dict | None = None,
) -> HttpResponse:
    """The one driver of every record form: check who may record now, draw the form, or
    save it once (whatever the resends) through its service and go back to the shift."""
    try:
        services.recording_booking(person=person, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("delivery:shift")
    if request.method == "POST" and form.is_valid():
        try:
            service(person=person, by=request.user, **form.record_kwargs())
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("delivery:shift")
        else:
            messages.success(request, f"{title} saved for {person.called}.")
            return redirect(f"{reverse('delivery:shift')}#person-{person.pk}")
    context = {"person": person, "caps": caps, "form": form, "title": title, **(extra or {})}
    return render(request, template, context)


def _active(person: Person) -> dict[str, list]:
    return {
        "routines": list(Routine.objects.filter(person=person, is_active=True)),
        "rhythms": list(ActivityRhythm.objects.filter(person=person, is_active=True)),
    }


@login_required
def record_routine(request: HttpRequest, person_id: int, routine_id: int) -> HttpResponse:
    routine = access.get_object_for_user(
        request, Routine, routine_id, Action.RECORD, person_id=person_id, what="Record a routine"
    )
    person = routine.person
    caps = access.capabilities(request.user, person)
    version = support_selectors.version_in_force(routine) if routine.is_active else None
    if version is None:
        raise Http404("This routine is not in force.")
    form = forms.RoutineRunForm(request.POST or None, routine=routine, version=version)
    return _record(
        request,
        person,
        caps,
        form=form,
        service=services.routine_run_record,
        title=routine.name,
        template="delivery/routine_run_form.html",
        extra={"version": version, "routine": routine},
    )


# The live checklist: each step recorded as it is done (htmx), then the run finished


def _checklist_fragment(
    request: HttpRequest,
    routine: Routine,
    *,
    finish_form: forms.ChecklistFinishForm | None = None,
    finished: Any = None,
    status: int = 200,
) -> HttpResponse:
    """The routine's live checklist as the shift view draws it, after a tap."""
    rt = selectors.routine_today(routine)
    if rt is None:
        raise Http404("This routine is not in force.")
    context = {
        "rt": rt,
        "p": routine.person,
        "may_record": True,
        "finish_form": finish_form or forms.ChecklistFinishForm(),
        "finished": finished,
    }
    html = jinja.render_to_string("delivery/_checklist.jinja", context, request)
    return HttpResponse(html, status=status)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # @login_required


def _problem(exc: Exception) -> str:
    return " ".join(getattr(exc, "messages", None) or [getattr(exc, "message", str(exc))])


@login_required
@require_POST
def routine_tick(request: HttpRequest, person_id: int, routine_id: int) -> HttpResponse:
    """One step done, saved at once with its time. Answers the checklist (htmx) or goes
    back to the shift; a refusal answers its reason as plain text with a 4xx."""
    routine = access.get_object_for_user(
        request, Routine, routine_id, Action.RECORD, person_id=person_id
    )
    form = forms.StepTickForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            "This tap could not be read: reload the page and tap the step again.",
            status=400,
            content_type="text/plain",
        )
    try:
        services.routine_step_tick(
            person=routine.person,
            routine=routine,
            step_id=form.cleaned_data["step"],
            tapped_at=form.cleaned_data["tapped_at"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            by=_user(request),
        )
    except PermissionDenied as exc:
        return HttpResponse(str(exc), status=403, content_type="text/plain")
    except (ValidationError, Conflict) as exc:
        return HttpResponse(_problem(exc), status=409, content_type="text/plain")
    if not _is_htmx(request):
        return redirect(f"{reverse('delivery:shift')}#item-routine-{routine.pk}")
    return _checklist_fragment(request, routine)


@login_required
@require_POST
def checklist_finish(request: HttpRequest, person_id: int, checklist_id: int) -> HttpResponse:
    """The routine done: outcome, what was different and why, distress. Form problems come
    back in the checklist, beside the fields."""
    checklist = access.get_object_for_user(
        request,
        RoutineChecklist.objects.select_related("routine_version__routine"),
        checklist_id,
        Action.RECORD,
        person_id=person_id,
    )
    routine = checklist.routine_version.routine
    form = forms.ChecklistFinishForm(request.POST)
    run = None
    if form.is_valid():
        try:
            run = services.routine_checklist_finish(
                checklist=checklist, by=_user(request), **form.service_kwargs()
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, _problem(exc))
    if not _is_htmx(request):
        if run is not None:
            messages.success(request, f"{routine.name} saved for {checklist.person.called}.")
        else:
            problems = [str(e) for errs in form.errors.values() for e in errs]
            messages.error(request, " ".join(problems))
        return redirect(f"{reverse('delivery:shift')}#item-routine-{routine.pk}")
    return _checklist_fragment(request, routine, finish_form=None if run else form, finished=run)


WHY_KINDS = {"routine": Routine, "rhythm": ActivityRhythm, "instruction": StaffInstruction}


@login_required
def why(request: HttpRequest, person_id: int, kind: str, element_id: int) -> HttpResponse:
    """ "Why we do it this way": the decisions behind a routine (and its steps), a rhythm or
    a staff instruction, as the plan in force cites them. A fragment for the shift view's
    fold (htmx), or a page without JavaScript. Agency staff read it only during their
    booked shift, like the rest of the plan."""
    model = WHY_KINDS.get(kind)
    if model is None:
        raise Http404("No such part of the plan.")
    element: Any = access.get_object_for_user(
        request,
        model,
        element_id,
        Action.VIEW_PLAN,
        person_id=person_id,
        what="Why we do it this way",
    )
    version: Any = support_selectors.version_in_force(element)
    context = {
        "element": element,
        "version": version,
        "decisions": list(version.decisions.all()) if version else [],
        "person": element.person,
    }
    template = "delivery/_why.html" if _is_htmx(request) else "delivery/why.html"
    return render(request, template, context)


@login_required
def record_activity(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD, what="Activity record")
    caps = access.capabilities(request.user, person)
    entry = None
    entry_id = query_int(request.GET.get("entry") or request.POST.get("entry"))
    if entry_id is not None:
        entry = (
            RhythmEntry.objects.filter(pk=entry_id, version__rhythm__person=person)
            .select_related("version__rhythm")
            .first()
        )
        in_force = support_selectors.version_in_force(entry.version.rhythm) if entry else None
        if in_force is None or in_force.pk != entry.version_id:
            entry = None  # not in the rhythm in force now: recorded as another activity
    options = []
    if entry is not None:
        day = [e.activity for e in entry.version.entries.all() if e.day == entry.day]
        options = [entry.activity, *day, *entry.version.alternative_lines]
    form = forms.ActivityRecordForm(request.POST or None, entry=entry, options=options)
    return _record(
        request,
        person,
        caps,
        form=form,
        service=services.activity_record_create,
        title="Activity",
        template="delivery/activity_form.html",
        extra={"entry": entry, "version": entry.version if entry else None},
    )


@login_required
def record_note(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD, what="Daily note")
    caps = access.capabilities(request.user, person)
    form = forms.DailyNoteForm(request.POST or None)
    return _record(
        request, person, caps, form=form, service=services.daily_note_create, title="Daily note"
    )


@login_required
def record_incident(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    caps = access.capabilities(request.user, person)
    form = forms.IncidentForm(request.POST or None, **_active(person))
    return _record(
        request, person, caps, form=form, service=services.incident_create, title="Incident"
    )


@login_required
def record_handover(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD, what="Handover note")
    caps = access.capabilities(request.user, person)
    form = forms.HandoverNoteForm(request.POST or None)
    return _record(
        request,
        person,
        caps,
        form=form,
        service=services.handover_note_create,
        title="Handover note",
    )


@login_required
def record_flag(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD)
    caps = access.capabilities(request.user, person)
    elements = _active(person)
    if not elements["routines"] and not elements["rhythms"]:
        messages.error(request, f"{person.called} has no routine or rhythm in force to flag.")
        return redirect("delivery:shift")
    form = forms.PracticalityFlagForm(request.POST or None, **elements)
    return _record(
        request,
        person,
        caps,
        form=form,
        service=services.practicality_flag_create,
        title="\u201cThis plan isn't practical\u201d",
    )


HANDOVER_HOURS = (12, 24, 72)


@login_required
def handover(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Handover: last shift"
    )
    caps = access.capabilities(request.user, person)
    hours = query_int(request.GET.get("hours"))
    hours = hours if hours in HANDOVER_HOURS else 12
    data = selectors.handover_window(person, hours=hours)
    return render(
        request,
        "delivery/handover.html",
        {"person": person, "caps": caps, "choices": HANDOVER_HOURS, **data},
    )


@login_required
def delivery_report(request: HttpRequest, person_id: int) -> HttpResponse:
    """For managers and team leaders (who plan) and quality leads (who assure): how the plan
    was delivered over a period."""
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_REPORTS, what="Delivery against the plan"
    )
    caps = access.capabilities(request.user, person)
    start, end = forms.default_period()
    form = forms.PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    report = selectors.delivery_report(person, start, end)
    return render(
        request,
        "delivery/report.html",
        {"person": person, "caps": caps, "form": form, "start": start, "end": end, **report},
    )
