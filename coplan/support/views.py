from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from
from coplan.support import forms, selectors, services
from coplan.support.models import ActivityRhythm, Routine, StaffInstruction


@login_required
def support_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Support plan")
    caps = access.capabilities(request.user, person)
    return render(
        request,
        "support/plan.html",
        {"person": person, "caps": caps, **selectors.support_plan(person)},
    )


@dataclass(frozen=True)
class _Element:
    """How the pages treat one versioned plan element (a routine or a rhythm)."""

    label: str
    url_prefix: str
    model: type[Model]
    versions: Any
    version_form: type[forms.VersionForm]
    formset: Any
    rows_name: str
    row_fields: tuple[str, ...]
    version_fields: tuple[str, ...]
    create: Any
    revise: Any
    activate: Any
    deactivate: Any
    kwarg: str


ROUTINE = _Element(
    label="routine",
    url_prefix="routine",
    model=Routine,
    versions=selectors.routine_versions,
    version_form=forms.VersionForm,
    formset=forms.StepFormSet,
    rows_name="steps",
    row_fields=("title", "agreed_words", "window_start", "window_end", "avoid", "picture"),
    version_fields=("agency_summary",),
    create=services.routine_create,
    revise=services.routine_revise,
    activate=services.routine_activate,
    deactivate=services.routine_deactivate,
    kwarg="routine",
)
RHYTHM = _Element(
    label="activity rhythm",
    url_prefix="rhythm",
    model=ActivityRhythm,
    versions=selectors.rhythm_versions,
    version_form=forms.RhythmVersionForm,
    formset=forms.EntryFormSet,
    rows_name="entries",
    row_fields=("day", "time", "activity", "kind", "notes"),
    version_fields=("agency_summary", "alternatives", "preparation", "choice_prompt"),
    create=services.rhythm_create,
    revise=services.rhythm_revise,
    activate=services.rhythm_activate,
    deactivate=services.rhythm_deactivate,
    kwarg="rhythm",
)
ELEMENTS = {"routine": ROUTINE, "rhythm": RHYTHM}


def _element(kind: str) -> _Element:
    if kind not in ELEMENTS:
        raise Http404("No such part of the plan.")
    return ELEMENTS[kind]


@login_required
def element_detail(
    request: HttpRequest, person_id: int, kind: str, pk: int, number: int | None = None
) -> HttpResponse:
    """A routine or rhythm: the version in force (or an earlier one) and every version."""
    el = _element(kind)
    element = access.get_object_for_user(
        request,
        el.model,
        pk,
        Action.VIEW_PLAN,
        person_id=person_id,
        what=f"Support plan: {el.label}",
    )
    person = element.person
    caps = access.capabilities(request.user, person)
    versions = el.versions(element)
    if number is None:
        shown = next((v for v in versions if v.is_current), versions[0] if versions else None)
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such version.")
    return render(
        request,
        "support/element_detail.html",
        {
            "person": person,
            "caps": caps,
            "kind": kind,
            "label": el.label,
            "element": element,
            "versions": versions,
            "shown": shown,
        },
    )


def _initial_from(el: _Element, version: Model | None) -> tuple[dict, list[dict]]:
    if version is None:
        return {}, []
    initial = {name: getattr(version, name) for name in el.version_fields}
    initial["decisions"] = [d.pk for d in version.decisions.all() if d.status != "superseded"]
    rows = getattr(version, el.rows_name).all()
    return initial, [{name: getattr(row, name) for name in el.row_fields} for row in rows]


def _element_form(request: HttpRequest, person_id: int, kind: str, pk: int | None):
    el = _element(kind)
    if pk:
        element = access.get_object_for_user(
            request, el.model, pk, Action.PLAN, person_id=person_id
        )
        person = element.person
    else:
        element = None
        person = access.get_person_for_user(request, person_id, Action.PLAN, what=f"New {el.label}")
    caps = access.capabilities(request.user, person)
    current = None
    if element is not None:
        current = next((v for v in el.versions(element) if v.is_current), None)
    initial, rows = _initial_from(el, current)
    if element is not None:
        initial["name"] = element.name
    revising = element is not None
    form = el.version_form(
        request.POST or None,
        initial=initial,
        decisions=selectors.citable_decisions(person),
        revising=revising,
    )
    formset = el.formset(request.POST or None, initial=rows, prefix=el.rows_name)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        fields = {name: data[name] for name in el.version_fields}
        try:
            if revising:
                el.revise(
                    **{el.kwarg: element},
                    name=data["name"],
                    decisions=data["decisions"],
                    change_reason=data["change_reason"],
                    by=request.user,
                    **{el.rows_name: forms.rows_from(formset)},
                    **fields,
                )
                saved = element
            else:
                saved = el.create(
                    person=person,
                    name=data["name"],
                    decisions=data["decisions"],
                    activate=data["activate"],
                    by=request.user,
                    **{el.rows_name: forms.rows_from(formset)},
                    **fields,
                )
        except ValidationError as exc:
            form_errors_from(form, exc)
            if hasattr(exc, "error_dict") and el.rows_name in exc.error_dict:
                for error in exc.error_dict[el.rows_name]:
                    form.add_error(None, error)
        else:
            messages.success(
                request,
                f"New version of {saved.name} saved."
                if revising
                else f"{saved.name} saved{' and in force' if saved.is_active else ' as a draft'}.",
            )
            return redirect("support:element", person_id=person.pk, kind=kind, pk=saved.pk)
    return render(
        request,
        "support/element_form.html",
        {
            "person": person,
            "caps": caps,
            "kind": kind,
            "label": el.label,
            "element": element,
            "form": form,
            "formset": formset,
            "rows_name": el.rows_name,
        },
    )


@login_required
def element_add(request: HttpRequest, person_id: int, kind: str) -> HttpResponse:
    return _element_form(request, person_id, kind, None)


@login_required
def element_revise(request: HttpRequest, person_id: int, kind: str, pk: int) -> HttpResponse:
    return _element_form(request, person_id, kind, pk)


@login_required
@require_POST
def element_activate(request: HttpRequest, person_id: int, kind: str, pk: int) -> HttpResponse:
    el = _element(kind)
    element = access.get_object_for_user(request, el.model, pk, Action.PLAN, person_id=person_id)
    person = element.person
    try:
        if request.POST.get("active") == "0":
            el.deactivate(**{el.kwarg: element}, by=request.user)
            messages.success(request, f"{element.name} is no longer in force on shift.")
        else:
            el.activate(**{el.kwarg: element}, by=request.user)
            messages.success(request, f"{element.name} is in force on shift.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("support:element", person_id=person.pk, kind=kind, pk=element.pk)


@login_required
def instruction_form(request: HttpRequest, person_id: int, pk: int | None = None) -> HttpResponse:
    if pk:
        instruction = access.get_object_for_user(
            request, StaffInstruction, pk, Action.PLAN, person_id=person_id
        )
        person = instruction.person
    else:
        instruction = None
        person = access.get_person_for_user(
            request, person_id, Action.PLAN, what="New staff instruction"
        )
    caps = access.capabilities(request.user, person)
    form = forms.InstructionForm(
        request.POST or None,
        instance=instruction,
        decisions=selectors.citable_decisions(person),
    )
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = dict(form.cleaned_data)
        try:
            if instruction is None:
                services.instruction_create(person=person, by=request.user, **data)
            else:
                services.instruction_update(instruction=instruction, by=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Staff instruction saved.")
            return redirect(f"/people/{person.pk}/support/#instructions")
    return render(
        request,
        "support/instruction_form.html",
        {"person": person, "caps": caps, "form": form, "instruction": instruction},
    )
