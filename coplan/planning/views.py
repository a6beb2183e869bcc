"""Planning pages: preparation, views before a session, decision capture, goals and the
contingency plan. Each view checks access, calls a service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.input import query_int
from coplan.lib.services import StaleVersion
from coplan.people.models import Person
from coplan.planning import forms, selectors, services
from coplan.planning.models import (
    AgendaPrompt,
    CoproductionSession,
    Decision,
    Domain,
    Goal,
    ParticipantKind,
    TakingPart,
)


def _ctx(request: HttpRequest, person: Person, **extra) -> dict:
    return {"person": person, "caps": access.capabilities(request.user, person), **extra}


def _refused(request: HttpRequest, person: Person, exc: Conflict, back: str) -> HttpResponse:
    return render(
        request,
        "planning/refused.html",
        _ctx(request, person, message=exc.message, back=back),
        status=409,
    )


def _all_valid(*forms_) -> bool:
    return all([f.is_valid() for f in forms_])


def _rows_context(*formsets) -> dict:
    return {
        "row_formsets": formsets,
        "has_row_errors": any(fs.is_bound and fs.total_error_count() for fs in formsets),
    }


# Plan overview ---------------------------------------------------------------------------


@login_required
def plan_home(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Plan overview")
    return render(
        request,
        "planning/plan_home.html",
        _ctx(
            request,
            person,
            sessions=selectors.sessions_for(person)[:20],
            counts=selectors.plan_counts(person),
            goals=selectors.goals_for(person),
        ),
    )


# Agenda prompt library -----------------------------------------------------------------


def _prompt_organisation(request: HttpRequest):
    services_allowed = list(access.services_for_user(request.user, Action.PLAN))
    if not services_allowed:
        raise PermissionDenied("Only team leaders and managers keep the prompt library.")
    return services_allowed[0].organisation


@login_required
def prompt_library(request: HttpRequest) -> HttpResponse:
    organisation = _prompt_organisation(request)
    form = forms.AgendaPromptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.prompt_create(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Prompt added to the library.")
            return redirect("planning:prompts")
    prompts = selectors.prompt_library(organisation, active_only=False)
    return render(
        request,
        "planning/prompt_library.html",
        {
            "organisation": organisation,
            "groups": selectors.prompts_by_domain(prompts),
            "form": form,
        },
    )


@login_required
def prompt_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _prompt_organisation(request)
    prompt = get_object_or_404(AgendaPrompt, pk=pk, organisation=organisation)
    form = forms.AgendaPromptForm(request.POST or None, instance=prompt)
    if request.method == "POST" and form.is_valid():
        try:
            services.prompt_update(prompt=prompt, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Prompt saved.")
            return redirect("planning:prompts")
    return render(request, "planning/prompt_form.html", {"form": form, "prompt": prompt})


# Sessions ------------------------------------------------------------------------------


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


# Decisions -----------------------------------------------------------------------------


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


# Goals ---------------------------------------------------------------------------------


def _goal_form(request: HttpRequest, person: Person, goal: Goal | None) -> HttpResponse:
    data = request.POST or None
    form = forms.GoalForm(data, instance=goal, person=person)
    action_initial = (
        forms.initial_rows(goal.actions.all(), ["what", "who", "when", "review_on", "is_done"])
        if goal
        else []
    )
    actions = forms.ActionFormSet(data, prefix="actions", initial=action_initial)
    status = 200
    if request.method == "POST" and _all_valid(form, actions):
        kwargs = {
            "by": request.user,
            "actions": forms.rows_from(actions),
            "decisions": list(form.cleaned_data["decisions"]),
            **form.service_fields(),
        }
        try:
            if goal is None:
                saved = services.goal_create(person=person, **kwargs)
            else:
                saved = services.goal_update(goal=goal, based_on=form.based_on, **kwargs)
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "checklist" in exc.error_dict:
                exc.error_dict["checklist_text"] = exc.error_dict.pop("checklist")
            form_errors_from(form, exc)
        else:
            messages.success(request, "Goal saved.")
            return redirect("planning:goal_detail", person_id=person.pk, pk=saved.pk)
    return render(
        request,
        "planning/goal_form.html",
        _ctx(request, person, form=form, actions=actions, goal=goal, **_rows_context(actions)),
        status=status,
    )


@login_required
def goal_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="New goal")
    return _goal_form(request, person, None)


@login_required
def goal_edit(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(request, Goal, pk, Action.PLAN, person_id=person_id)
    return _goal_form(request, goal.person, goal)


@login_required
def goal_detail(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(
        request, selectors.goals_for_page(), pk, Action.VIEW_PLAN, person_id=person_id
    )
    person = goal.person
    points = selectors.progress_points(goal)
    return render(
        request,
        "planning/goal_detail.html",
        _ctx(
            request,
            person,
            goal=goal,
            points=points,
            scale=selectors.progress_scale(goal, points),
        ),
    )


@login_required
def progress_add(request: HttpRequest, person_id: int, pk: int) -> HttpResponse:
    goal = access.get_object_for_user(request, Goal, pk, Action.RECORD, person_id=person_id)
    person = goal.person
    form = forms.ProgressForm(
        request.POST or None, goal=goal, initial={"recorded_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_progress_add(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Progress recorded.")
            return redirect("planning:goal_detail", person_id=person.pk, pk=goal.pk)
    return render(
        request, "planning/progress_form.html", _ctx(request, person, form=form, goal=goal)
    )


# Contingency plan ----------------------------------------------------------------------


@login_required
def contingency(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Contingency plan"
    )
    plan = getattr(person, "contingency_plan", None)
    return render(request, "planning/contingency.html", _ctx(request, person, plan=plan))


@login_required
def contingency_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="Contingency plan")
    plan = getattr(person, "contingency_plan", None)
    form = forms.ContingencyPlanForm(request.POST or None, instance=plan)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.contingency_plan_save(
                person=person, by=request.user, based_on=form.based_on, **form.record_fields()
            )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Contingency plan saved.")
            return redirect("planning:contingency", person_id=person.pk)
    return render(
        request,
        "planning/contingency_form.html",
        _ctx(request, person, form=form, plan=plan),
        status=status,
    )
