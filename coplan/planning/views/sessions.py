"""Sessions: part of coplan.planning.views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.services import StaleVersion
from coplan.people.models import Person
from coplan.planning import forms, selectors, services
from coplan.planning.models import (
    CoproductionSession,
    ParticipantKind,
)
from coplan.planning.views.common import _all_valid, _ctx, _rows_context


def _invitee_initial(person: Person) -> list[dict]:
    rows = [{"kind": ParticipantKind.PERSON, "name": person.called}]
    rows += [
        {"kind": ParticipantKind.CIRCLE, "name": m.name, "circle_member": m}
        for m in person.circle.filter(is_active=True)
    ]
    if person.key_worker_id:
        rows.append({"kind": ParticipantKind.STAFF, "name": person.key_worker.name})
    return rows


def _session_form(
    request: HttpRequest, person: Person, session: CoproductionSession | None
) -> HttpResponse:
    prompts = list(selectors.prompt_library(person.service.organisation))
    data = request.POST or None
    form = forms.SessionForm(data, instance=session, prompts=prompts, person=person)
    circle = person.circle.all()
    if session is None:
        choice_initial: list[dict] = []
        invitee_initial = _invitee_initial(person)
    else:
        choice_initial = forms.initial_rows(session.choices.all(), ["label", "detail", "picture"])
        invitee_initial = forms.initial_rows(
            session.invitees.all(), ["kind", "name", "circle_member"]
        )
    choices = forms.ChoiceFormSet(data, prefix="choices", initial=choice_initial)
    invitees = forms.InviteeFormSet(
        data, prefix="invitees", initial=invitee_initial, form_kwargs={"circle": circle}
    )
    status = 200
    if request.method == "POST" and _all_valid(form, choices, invitees):
        try:
            kwargs = {
                "by": request.user,
                "choices": forms.rows_from(choices),
                "invitees": forms.rows_from(invitees),
                **form.service_fields(),
            }
            if session is None:
                saved = services.session_create(person=person, **kwargs)
            else:
                saved = services.session_update(session=session, based_on=form.based_on, **kwargs)
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Session saved.")
            return redirect("planning:session_detail", person_id=person.pk, pk=saved.pk)
    profile = selectors.decision_profile(person)
    return render(
        request,
        "planning/session_form.html",
        _ctx(
            request,
            person,
            form=form,
            choices=choices,
            invitees=invitees,
            session=session,
            profile=profile,
            agreement=selectors.agreement_entries(person),
            notes_fields=[form["notes"]],
            **_rows_context(choices, invitees),
        ),
        status=status,
    )


@login_required
def session_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="New session")
    return _session_form(request, person, None)


@login_required
def session_edit(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    session = access.get_object_for_user(
        request, CoproductionSession, pk, Action.PLAN, person_id=person_id
    )
    return _session_form(request, session.person, session)


def _choices_warning(session: CoproductionSession, profile) -> str:
    count = len(session.choices.all())
    if profile is not None and count > profile.choices_at_once:
        return (
            f"{count} choices are listed, but {session.person.called} can take "
            f"{profile.choices_at_once} at once. Present them in smaller groups, or fewer."
        )
    return ""


@login_required
def session_detail(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    session = access.get_object_for_user(
        request, selectors.sessions_for_page(), pk, Action.VIEW_PLAN, person_id=person_id
    )
    person = session.person
    profile = selectors.decision_profile(person)
    return render(
        request,
        "planning/session_detail.html",
        _ctx(
            request,
            person,
            session=session,
            profile=profile,
            agreement=selectors.agreement_entries(person),
            choices_warning=_choices_warning(session, profile),
        ),
    )


@login_required
def session_sheet(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    session = access.get_object_for_user(
        request,
        selectors.sessions_for_page(),
        pk,
        Action.VIEW_PLAN,
        person_id=person_id,
        what=f"Preparation sheet, session {pk}",
        log_action=AccessLog.Action.PRINT,
    )
    person = session.person
    profile = selectors.decision_profile(person)
    return render(
        request,
        "planning/session_sheet.html",
        _ctx(
            request,
            person,
            session=session,
            profile=profile,
            choices_warning=_choices_warning(session, profile),
        ),
    )


@login_required
def session_taking_part(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    session = access.get_object_for_user(
        request, CoproductionSession, pk, Action.PLAN, person_id=person_id
    )
    person = session.person
    invitees = list(session.invitees.all())
    initial = [
        {
            "id": i.pk,
            "took_part": {True: "yes", False: "no"}.get(i.took_part, ""),
            "how": i.how,
        }
        for i in invitees
    ]
    data = request.POST or None
    formset = forms.TakingPartFormSet(data, prefix="attendance", initial=initial)
    held = forms.HeldForm(
        data,
        initial={
            "held_at": session.held_at or session.scheduled_for,
            "notes": session.notes,
        },
        version=session.version,
    )
    status = 200
    if request.method == "POST" and _all_valid(formset, held):
        try:
            services.session_record_taking_part(
                session=session,
                by=request.user,
                based_on=held.based_on,
                attendance=forms.rows_from(formset),
                held_at=held.cleaned_data["held_at"],
                notes=held.cleaned_data["notes"],
            )
        except StaleVersion as exc:
            show_stale(held, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(held, exc)
        else:
            messages.success(request, "Who took part, and how, is saved.")
            return redirect("planning:session_detail", person_id=person.pk, pk=session.pk)
    rows = list(zip(invitees, formset.forms, strict=False))
    return render(
        request,
        "planning/session_taking_part.html",
        _ctx(request, person, session=session, formset=formset, rows=rows, form=held),
        status=status,
    )


@login_required
def views_home(request: HttpRequest, person_id: int) -> HttpResponse:
    """Where the person, their circle and staff find sessions to give a view on."""
    person = access.get_person_for_user(
        request, person_id, Action.ADD_VIEWS, what="Sessions to give a view on"
    )
    return render(
        request,
        "planning/views_home.html",
        _ctx(request, person, sessions=selectors.upcoming_sessions_for(person)),
    )


@login_required
def session_view_add(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    session = access.get_object_for_user(
        request, CoproductionSession, pk, Action.ADD_VIEWS, person_id=person_id
    )
    person = session.person
    caps = access.capabilities(request.user, person)
    own = not access.voice_of(request.user, person).speaks_for_others
    form = forms.SessionViewForm(request.POST or None, person=person, staff=not own)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_view_add(
                session=session,
                by=request.user,
                text=form.cleaned_data["text"],
                how_given=form.cleaned_data.get("how_given") or "",
                on_behalf_of=form.cleaned_data.get("on_behalf_of") or None,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Thank you. The view is saved for the session.")
            if Action.VIEW_PLAN in caps:
                return redirect("planning:session_detail", person_id=person.pk, pk=session.pk)
            return redirect("planning:views_home", person_id=person.pk)
    return render(
        request,
        "planning/session_view_form.html",
        _ctx(request, person, session=session, form=form, own=own),
    )
