"""The support plan pages: one set of pages for every kind of plan element (a routine, an
activity rhythm, a staff instruction), driven by `PAGES`."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from
from coplan.lib.versioning import StaleVersion
from coplan.support import forms, selectors, services
from coplan.support.models import PlanElement, PlanVersion, Weekday
from coplan.support.services import Kind


@login_required
def support_plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Support plan")
    caps = access.capabilities(request.user, person)
    return render(
        request,
        "support/plan.html",
        {"person": person, "caps": caps, "now": timezone.now(), **selectors.support_plan(person)},
    )


@dataclass(frozen=True)
class _Page:
    """How the pages treat one kind of plan element: its form, its rows, and which form
    fields go on the element rather than its version."""

    kind: Kind
    version_form: type[forms.VersionForm]
    formset: type[BaseFormSet] | None
    element_fields: dict[str, str]  # form field -> element field

    @property
    def label(self) -> str:
        return self.kind.element_model.label


PAGES = {
    "routine": _Page(services.ROUTINE, forms.VersionForm, forms.StepFormSet, {"name": "name"}),
    "rhythm": _Page(services.RHYTHM, forms.RhythmVersionForm, forms.EntryFormSet, {"name": "name"}),
    "instruction": _Page(
        services.INSTRUCTION,
        forms.InstructionVersionForm,
        None,
        {"category": "category", "title": "title"},
    ),
}


def _page(kind: str) -> _Page:
    if kind not in PAGES:
        raise Http404("No such part of the plan.")
    return PAGES[kind]


@login_required
def element_detail(
    request: HttpRequest, person_id: int, kind: str, pk: int, number: int | None = None
) -> HttpResponse:
    """A plan element: the version in force (or another one), what is still to come, and
    every version; and, if it cites a superseded decision, what replaced it."""
    page = _page(kind)
    element = access.get_object_for_user(
        request,
        page.kind.element_model,
        pk,
        Action.VIEW_PLAN,
        person_id=person_id,
        what=f"Support plan: {page.label}",
    )
    person = element.person
    caps = access.capabilities(request.user, person)
    versions = selectors.element_versions(element)
    now = timezone.now()
    in_force = selectors.in_force_among(list(reversed(versions)), now)
    if number is None:
        shown = in_force or (versions[0] if versions else None)
    else:
        shown = next((v for v in versions if v.number == number), None)
        if shown is None:
            raise Http404("No such version.")
    current = versions[0] if versions else None
    return render(
        request,
        "support/element_detail.html",
        {
            "person": person,
            "caps": caps,
            "kind": kind,
            "label": page.label,
            "element": element,
            "versions": versions,
            "shown": shown,
            "in_force": in_force,
            "now": now,
            "superseded": selectors.superseded_in(current) if element.is_active else [],
        },
    )


def _initial_from(page: _Page, element: PlanElement | None, version: PlanVersion | None):
    if element is None or version is None:
        # A new routine or rhythm starts as a draft; a new instruction in force.
        return {"activate": page.kind.element_model._meta.get_field("is_active").default}, []
    kind = page.kind
    initial: dict[str, Any] = {
        name: getattr(version, name) for name in ("agency_summary", *kind.version_fields)
    }
    initial.update({f: getattr(element, e) for f, e in page.element_fields.items()})
    initial["decisions"] = [d.pk for d in version.decisions.all() if d.status != "superseded"]
    initial["version"] = element.version
    rows = getattr(version, kind.rows_name).all() if kind.rows_name else []
    return initial, [{name: getattr(row, name) for name in kind.row_fields} for row in rows]


def _row_text(kind: Kind, row: Any) -> str:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name, "")
    if kind is services.ROUTINE:
        start, end = get("window_start"), get("window_end")
        when = f" ({start:%H:%M}{f'–{end:%H:%M}' if end else ''})" if start else ""
        words = f": say “{get('agreed_words')}”" if get("agreed_words") else ""
        return f"{get('title')}{when}{words}"
    day = dict(Weekday.choices).get(get("day"), "")
    time = get("time")
    return f"{day}{f' {time:%H:%M}' if time else ''}: {get('activity')} ({get('kind')})"


def _side_by_side(
    page: _Page, element: PlanElement, latest: PlanVersion, form, rows: list[dict]
) -> list[dict]:
    """What the other person saved beside what this user sent, field by field."""
    kind = page.kind
    data = form.cleaned_data
    compare: list[tuple[str, Any, Any]] = [
        (form.fields[f].label or f, getattr(element, e), data.get(f))
        for f, e in page.element_fields.items()
    ]
    for name in (*kind.version_fields, "agency_summary"):
        compare.append((form.fields[name].label, getattr(latest, name), data.get(name, "")))
    theirs = sorted(d.question for d in latest.decisions.all())
    yours = sorted(d.question for d in data.get("decisions", []))
    compare.append(("Decisions it comes from", "; ".join(theirs), "; ".join(yours)))
    if kind.rows_name:
        compare.append(
            (
                kind.rows_name.capitalize(),
                "\n".join(_row_text(kind, r) for r in getattr(latest, kind.rows_name).all()),
                "\n".join(_row_text(kind, r) for r in rows),
            )
        )
    return [
        {"label": label, "theirs": str(theirs or "—"), "yours": str(yours or "—")}
        for label, theirs, yours in compare
        if str(theirs or "").strip() != str(yours or "").strip()
    ]


def _save(page: _Page, request: HttpRequest, person, element, form, rows) -> PlanElement:
    data = form.cleaned_data
    kind = page.kind
    element_fields = {e: data[f] for f, e in page.element_fields.items()}
    common = {
        "decisions": data["decisions"],
        "rows": rows if kind.rows_name else None,
        "fields": {name: data[name] for name in kind.version_fields},
        "agency_summary": data["agency_summary"],
        "effective_from": data.get("effective_from"),
        "by": request.user,
    }
    if element is None:
        return services.element_create(
            kind,
            person=person,
            element_fields=element_fields,
            activate=data["activate"],
            **common,
        )
    version = services.version_create(
        kind,
        element=element,
        based_on=data["version"],
        change_reason=data["change_reason"],
        element_fields=element_fields,
        summary_confirmed=data["summary_confirmed"],
        **common,
    )
    return version.element


def _element_form(request: HttpRequest, person_id: int, kind: str, pk: int | None):
    page = _page(kind)
    if pk:
        element = access.get_object_for_user(
            request, page.kind.element_model, pk, Action.PLAN, person_id=person_id
        )
        person = element.person
    else:
        element = None
        person = access.get_person_for_user(request, person_id, Action.PLAN)
    caps = access.capabilities(request.user, person)
    current = element.versions.filter(is_current=True).first() if element else None
    initial, rows = _initial_from(page, element, current)
    revising = element is not None
    form = page.version_form(
        request.POST or None,
        initial=initial,
        decisions=selectors.citable_decisions(person),
        revising=revising,
    )
    formset = (
        page.formset(request.POST or None, initial=rows, prefix=page.kind.rows_name)
        if page.formset
        else None
    )
    conflict = None
    if request.method == "POST" and form.is_valid() and (formset is None or formset.is_valid()):
        posted = forms.rows_from(formset) if formset is not None else []
        try:
            saved = _save(page, request, person, element, form, posted)
        except StaleVersion as exc:
            element = exc.record
            latest = selectors.with_details(
                page.kind, element.versions.filter(is_current=True)
            ).first()
            conflict = {
                "message": exc.message,
                "changed_by": exc.changed_by,
                "changed_at": exc.changed_at,
                "rows": _side_by_side(page, element, latest, form, posted),
            }
            # Sending the form again is a deliberate change on top of theirs.
            data = request.POST.copy()
            data["version"] = str(exc.current)
            form = page.version_form(
                data, decisions=selectors.citable_decisions(person), revising=True
            )
            form.is_valid()
        except ValidationError as exc:
            form_errors_from(form, exc)
            rows_name = page.kind.rows_name
            if rows_name and hasattr(exc, "error_dict") and rows_name in exc.error_dict:
                for error in exc.error_dict[rows_name]:
                    form.add_error(None, error)
        else:
            if revising:
                messages.success(request, f"New version of {saved} saved.")
            else:
                state = " and in force" if saved.is_active else " as a draft"
                messages.success(request, f"{saved} saved{state}.")
            return redirect("support:element", person_id=person.pk, kind=kind, pk=saved.pk)
    return render(
        request,
        "support/element_form.html",
        {
            "person": person,
            "caps": caps,
            "kind": kind,
            "label": page.label,
            "element": element,
            "form": form,
            "formset": formset,
            "rows_name": page.kind.rows_name,
            "conflict": conflict,
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
    page = _page(kind)
    element = access.get_object_for_user(
        request, page.kind.element_model, pk, Action.PLAN, person_id=person_id
    )
    person = element.person
    form = forms.ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Send the form from the page again.")
        return redirect("support:element", person_id=person.pk, kind=kind, pk=element.pk)
    active = bool(form.cleaned_data["active"])
    try:
        services.element_set_active(
            page.kind,
            element=element,
            based_on=form.cleaned_data["version"],
            active=active,
            by=request.user,
        )
    except StaleVersion as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        state = "is in force on shift" if active else "is no longer in force on shift"
        messages.success(request, f"{element} {state}.")
    return redirect("support:element", person_id=person.pk, kind=kind, pk=element.pk)


@login_required
def instruction_add(request: HttpRequest, person_id: int) -> HttpResponse:
    return _element_form(request, person_id, "instruction", None)


@login_required
def instruction_change(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    return _element_form(request, person_id, "instruction", pk)
