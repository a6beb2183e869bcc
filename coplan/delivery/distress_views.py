"""The distress record pages: record an episode (one tap from the shift view, prefilled with
the routine step or activity it happened at), a person's list and one record, and "Start an
incident from this"."""

from __future__ import annotations

from datetime import timedelta
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
from coplan.delivery import distress, services
from coplan.delivery.forms import IncidentForm, RecordForm
from coplan.delivery.models import ActivityRecord, DistressRecord, RoutineRun
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.lib.input import query_int
from coplan.people.models import Person
from coplan.support import selectors as support_selectors
from coplan.support.models import ActivityRhythm, Routine, RoutineStep, RoutineVersion


class DistressForm(RecordForm):
    intensity = forms.TypedChoiceField(
        label="How intense it was",
        coerce=int,
        choices=[
            (value, f"{label}. {distress.INTENSITY_HELP[value]}")
            for value, label in DistressRecord.Intensity.choices
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how intense it was at its highest, from 1 to 5."},
    )
    before = forms.CharField(
        label="What happened before",
        help_text="The setting and anything that may have set it off: who was there, noise, "
        "time, what was asked of them.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_person_did = forms.CharField(
        label="What the person did", widget=forms.Textarea(attrs={"rows": 3})
    )
    what_helped = forms.CharField(
        label="What helped afterwards",
        help_text="What you did, and what calmed things: the agreed words, space, music.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration_minutes = forms.IntegerField(
        label="How long it lasted (minutes)",
        min_value=0,
        max_value=distress.MAX_MINUTES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Say how long it lasted, in minutes (0 if it was over within a minute).",
            "min_value": "Give the minutes as 0 or more.",
            "max_value": "Give at most a day's minutes (%(limit_value)s): record a longer "
            "episode as more than one.",
        },
    )
    plan_link = forms.ChoiceField(
        label="Part of the plan involved", required=False, help_text="If it happened at one."
    )
    routine_run = forms.IntegerField(widget=forms.HiddenInput, required=False)
    field_order = [
        "occurred_at",
        "intensity",
        "before",
        "what_person_did",
        "what_helped",
        "duration_minutes",
        "plan_link",
    ]
    service_fields = ("intensity", "before", "what_person_did", "what_helped", "duration_minutes")

    def __init__(
        self,
        *args: Any,
        versions: list[RoutineVersion],
        activities: list[ActivityRecord],
        run: RoutineRun | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.run = run
        self._routines: dict[str, tuple[Routine, RoutineStep | None]] = {}
        self._activities = {f"activity:{a.pk}": a for a in activities}
        choices: list[tuple[str, str]] = [("", "None, or not sure")]
        for version in versions:
            routine = version.routine
            key = f"routine:{routine.pk}:"
            self._routines[key] = (routine, None)
            choices.append((key, f"{routine.name} (no one step)"))
            for step in version.steps.all():
                key = f"routine:{routine.pk}:{step.pk}"
                self._routines[key] = (routine, step)
                choices.append((key, f"{routine.name}, step {step.position}: {step.title}"))
        for a in activities:
            when = timezone.localtime(a.occurred_at)
            choices.append((f"activity:{a.pk}", f"Activity: {a.offered} ({when:%a %H:%M})"))
        plan_link = self.fields["plan_link"]
        assert isinstance(plan_link, forms.ChoiceField)
        plan_link.choices = choices

    def links(self) -> dict[str, Any]:
        chosen = self.cleaned_data.get("plan_link") or ""
        if chosen in self._activities:
            return {"activity": self._activities[chosen]}
        if chosen in self._routines:
            routine, step = self._routines[chosen]
            run = (
                self.run if self.run and self.run.routine_version.routine_id == routine.pk else None
            )
            return {"routine": routine, "step": step, "routine_run": run}
        return {}


def _prefill(request: HttpRequest, person: Person) -> dict[str, Any]:
    """The plan element the form starts at, from ?routine_run=, ?routine=&step= or
    ?activity= (kept through the POST); ids that are not the person's are ignored."""
    data = request.POST if request.method == "POST" else request.GET
    found: dict[str, Any] = {"run": None, "initial": {}, "activity": None}
    run_id = query_int(data.get("routine_run"))
    if run_id is not None:
        run = (
            RoutineRun.objects.filter(pk=run_id, person=person)
            .select_related("routine_version__routine")
            .prefetch_related("routine_version__steps")
            .first()
        )
        if run is not None:
            found["run"] = run
            found["initial"] = {
                "routine_run": run.pk,
                "plan_link": f"routine:{run.routine_version.routine_id}:",
                "occurred_at": timezone.localtime(run.occurred_at).replace(second=0),
            }
    routine_id = query_int(data.get("routine"))
    step_id = query_int(data.get("step"))
    if routine_id is not None:
        found["initial"]["plan_link"] = f"routine:{routine_id}:{step_id or ''}"
    activity_id = query_int(data.get("activity"))
    chosen = data.get("plan_link") or ""
    if request.method == "POST" and chosen.startswith("activity:"):
        # An older activity chosen from ?activity= stays a choice when the form is sent.
        activity_id = query_int(chosen.removeprefix("activity:"))
    if activity_id is not None:
        activity = ActivityRecord.objects.filter(pk=activity_id, person=person).first()
        if activity is not None:
            found["activity"] = activity
            found["initial"]["plan_link"] = f"activity:{activity.pk}"
    return found


def _form(request: HttpRequest, person: Person) -> DistressForm:
    prefill = _prefill(request, person)
    versions = support_selectors.routines_in_force([person.pk])
    run = prefill["run"]
    if run is not None:
        # The run's own version, in force or not: the steps it was made under.
        versions = [v for v in versions if v.routine_id != run.routine_version.routine_id]
        versions.insert(0, run.routine_version)
    since = timezone.now() - timedelta(hours=24)
    activities = list(
        ActivityRecord.objects.filter(person=person, occurred_at__gte=since).order_by(
            "-occurred_at"
        )[:10]
    )
    if prefill["activity"] is not None and prefill["activity"] not in activities:
        activities.insert(0, prefill["activity"])
    return DistressForm(
        request.POST if request.method == "POST" else None,
        initial=prefill["initial"],
        versions=versions,
        activities=activities,
        run=run,
    )


def _may_record(request: HttpRequest, person: Person) -> str | None:
    try:
        services.recording_booking(person=person, by=_user(request))
    except PermissionDenied as exc:
        return str(exc)
    return None


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


@login_required
def distress_new(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.RECORD, what="Record distress")
    refusal = _may_record(request, person)
    if refusal:
        messages.error(request, refusal)
        return redirect("delivery:shift")
    form = _form(request, person)
    if request.method == "POST" and form.is_valid():
        try:
            record = distress.distress_record_create(
                person=person, by=_user(request), **form.record_kwargs()
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("delivery:shift")
        else:
            messages.success(request, f"Distress record saved for {person.called}.")
            return redirect("delivery:distress_detail", person_id=person.pk, record_id=record.pk)
    return render(
        request,
        "delivery/distress_form.html",
        {
            "person": person,
            "caps": access.capabilities(_user(request), person),
            "form": form,
            "title": "Record distress",
        },
    )


@login_required
def distress_list(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_RECORDS, what="Distress records"
    )
    weeks = distress.weekly_trend(person)
    return render(
        request,
        "delivery/distress_list.html",
        {
            "person": person,
            "caps": access.capabilities(_user(request), person),
            "records": list(distress.records_for_person(person)[:100]),
            "weeks": weeks,
            "chart": distress.trend_chart(weeks),
        },
    )


@login_required
def distress_detail(request: HttpRequest, person_id: int, record_id: int) -> HttpResponse:
    record = access.get_object_for_user(
        request,
        distress.records_for_person_any(),
        record_id,
        Action.VIEW_RECORDS,
        person_id=person_id,
        what="Distress record",
    )
    person = record.person
    return render(
        request,
        "delivery/distress_detail.html",
        {"person": person, "caps": access.capabilities(_user(request), person), "record": record},
    )


@login_required
def distress_incident(request: HttpRequest, person_id: int, record_id: int) -> HttpResponse:
    """The incident form, prefilled from the distress record; saving it links the two."""
    record = access.get_object_for_user(
        request,
        distress.records_for_person_any(),
        record_id,
        Action.RECORD,
        person_id=person_id,
        what="Start an incident from distress",
    )
    person = record.person
    detail = reverse("delivery:distress_detail", args=[person.pk, record.pk])
    if record.incident_id:
        messages.info(request, "An incident was already started from this record.")
        return redirect(detail)
    refusal = _may_record(request, person)
    if refusal:
        messages.error(request, refusal)
        return redirect("delivery:shift")
    form = IncidentForm(
        request.POST or None,
        initial=distress.incident_prefill(record),
        routines=list(Routine.objects.filter(person=person, is_active=True)),
        rhythms=list(ActivityRhythm.objects.filter(person=person, is_active=True)),
    )
    if request.method == "POST" and form.is_valid():
        try:
            distress.distress_incident_start(
                record=record, by=_user(request), **form.record_kwargs()
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("delivery:shift")
        else:
            messages.success(request, f"Incident saved for {person.called}, linked to the record.")
            return redirect(detail)
    return render(
        request,
        "delivery/distress_incident.html",
        {
            "person": person,
            "caps": access.capabilities(_user(request), person),
            "form": form,
            "record": record,
            "title": "Start an incident from this",
        },
    )
