from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import ShiftBooking
from coplan.delivery import forms, selectors, services
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.lib.input import query_int
from coplan.people.models import Person
from coplan.support import selectors as support_selectors
from coplan.support.models import ActivityRhythm, RhythmEntry, Routine


@login_required
def shift(request: HttpRequest) -> HttpResponse:
    """The shift view on a phone: who I support now and what their plan says for today."""
    data = selectors.shift_for_user(request.user, path=request.path)
    briefings = [
        {"booking": b, "people": selectors.briefing_for_booking(b)} for b in data.briefing_due
    ]
    return render(
        request,
        "delivery/shift.html",
        {
            "shift": data,
            # Later stages add to the top of the shift (risk: missed travel check-ins).
            "shift_people": [p.person for p in data.people],
            "briefings": briefings,
            "today": timezone.localdate(),
            "now_time": timezone.localtime().time(),
        },
    )


@login_required
@require_POST
def briefing_confirm(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = ShiftBooking.objects.filter(pk=booking_id, user=request.user).first()
    if booking is None:
        raise Http404("No such booking.")
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


def _person(request: HttpRequest, person_id: int, action: Action, what: str | None = None):
    person = access.get_person_for_user(
        request.user, person_id, action, log_what=what, path=request.path
    )
    return person, access.capabilities(request.user, person)


def _record(
    request: HttpRequest,
    person: Person,
    caps: frozenset,
    *,
    form: Form,
    save: Callable[[dict[str, Any]], Any],
    title: str,
    template: str = "delivery/record_form.html",
    extra: dict | None = None,
) -> HttpResponse:
    """Draw a record form, or save it once (whatever the resends) and go back to the shift."""
    try:
        services.recording_booking(person=person, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("delivery:shift")
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
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


def _common(data: dict[str, Any]) -> dict[str, Any]:
    return {"idempotency_key": data["idempotency_key"], "occurred_at": data["occurred_at"]}


def _active_routines(person: Person) -> list[Routine]:
    return list(Routine.objects.filter(person=person, is_active=True))


def _active_rhythms(person: Person) -> list[ActivityRhythm]:
    return list(ActivityRhythm.objects.filter(person=person, is_active=True))


@login_required
def record_routine(request: HttpRequest, person_id: int, routine_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    routine = support_selectors.routine_for_person(person, routine_id)
    version = support_selectors.current_routine_version(routine)
    if version is None or not routine.is_active:
        raise Http404("This routine is not in force.")
    form = forms.RoutineRunForm(request.POST or None, version=version)

    def save(data: dict[str, Any]):
        return services.routine_run_record(
            person=person,
            routine=routine,
            outcome=data["outcome"],
            steps_used=form.ordered_steps(),
            deviations=data["deviations"],
            distress_noticed=data["distress_noticed"],
            distress_notes=data["distress_notes"],
            by=request.user,
            **_common(data),
        )

    return _record(
        request,
        person,
        caps,
        form=form,
        save=save,
        title=routine.name,
        template="delivery/routine_run_form.html",
        extra={"version": version, "routine": routine},
    )


@login_required
def record_activity(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    entry = None
    entry_id = query_int(request.GET.get("entry") or request.POST.get("entry"))
    if entry_id is not None:
        entry = (
            RhythmEntry.objects.filter(
                pk=entry_id, version__rhythm__person=person, version__is_current=True
            )
            .select_related("version__rhythm")
            .first()
        )
    initial = {"offered": entry.activity} if entry else {}
    form = forms.ActivityRecordForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]):
        return services.activity_record_create(
            person=person,
            rhythm=entry.version.rhythm if entry else None,
            entry=entry,
            offered=data["offered"],
            outcome=data["outcome"],
            chosen=data["chosen"],
            adjustments=data["adjustments"],
            decline_reason=data["decline_reason"],
            alternative_offered=data["alternative_offered"],
            by=request.user,
            **_common(data),
        )

    return _record(
        request,
        person,
        caps,
        form=form,
        save=save,
        title="Activity",
        template="delivery/activity_form.html",
        extra={"entry": entry, "version": entry.version if entry else None},
    )


@login_required
def record_note(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    form = forms.DailyNoteForm(request.POST or None)

    def save(data: dict[str, Any]):
        return services.daily_note_create(
            person=person,
            text=data["text"],
            persons_words=data["persons_words"],
            by=request.user,
            **_common(data),
        )

    return _record(request, person, caps, form=form, save=save, title="Daily note")


@login_required
def record_incident(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    form = forms.IncidentForm(
        request.POST or None, routines=_active_routines(person), rhythms=_active_rhythms(person)
    )

    def save(data: dict[str, Any]):
        return services.incident_create(
            person=person,
            incident_type=data["incident_type"],
            severity=data["severity"],
            what_happened=data["what_happened"],
            actions_taken=data["actions_taken"],
            other_plan_element=data["other_plan_element"],
            by=request.user,
            **form.plan_link(),
            **_common(data),
        )

    return _record(request, person, caps, form=form, save=save, title="Incident")


@login_required
def record_handover(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    form = forms.HandoverNoteForm(request.POST or None)

    def save(data: dict[str, Any]):
        return services.handover_note_create(
            person=person,
            summary=data["summary"],
            watch_for=data["watch_for"],
            by=request.user,
            **_common(data),
        )

    return _record(request, person, caps, form=form, save=save, title="Handover note")


@login_required
def record_flag(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.RECORD)
    routines, rhythms = _active_routines(person), _active_rhythms(person)
    if not routines and not rhythms:
        messages.error(request, f"{person.called} has no routine or rhythm in force to flag.")
        return redirect("delivery:shift")
    form = forms.PracticalityFlagForm(request.POST or None, routines=routines, rhythms=rhythms)

    def save(data: dict[str, Any]):
        return services.practicality_flag_create(
            person=person,
            what_happened=data["what_happened"],
            by=request.user,
            **form.plan_link(),
            **_common(data),
        )

    return _record(
        request, person, caps, form=form, save=save, title="\u201cThis plan isn't practical\u201d"
    )


HANDOVER_HOURS = (12, 24, 72)


@login_required
def handover(request: HttpRequest, person_id: int) -> HttpResponse:
    person, caps = _person(request, person_id, Action.VIEW_RECORDS, "Handover: last shift")
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
    """For managers and team leaders (PLAN) and quality leads (ASSURE): how the plan was
    delivered over a period."""
    person, caps = _person(request, person_id, Action.VIEW_RECORDS)
    if not caps & {Action.PLAN, Action.ASSURE}:
        raise PermissionDenied("Your role does not allow this on this person's record.")
    access.log_read(request.user, person, "Delivery against the plan", path=request.path)
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
