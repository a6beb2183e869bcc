"""Risk plan pages: the list, building a plan from an agreed risk decision, the plan with
its progression and charts, and moving on or stepping back by a recorded decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from, show_stale
from coplan.lib.services import StaleVersion
from coplan.planning.models import Decision, Domain
from coplan.risk import charts as risk_charts
from coplan.risk import forms as risk_forms
from coplan.risk import selectors
from coplan.risk.models import RiskPlan, RiskStage
from coplan.risk.services import plans as risk_services


@login_required
def plan_list(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Risk plans")
    caps = access.capabilities(request.user, person)
    plans = list(selectors.plans_for_person(person))
    waiting = []
    if Action.PLAN in caps:
        waiting = list(
            Decision.objects.filter(
                person=person,
                domain=Domain.RISK,
                status=Decision.Status.AGREED,
                risk_plan__isnull=True,
                stage_changes__isnull=True,
            ).order_by("-agreed_at")
        )
    return render(
        request,
        "risk/plan_list.html",
        {"person": person, "caps": caps, "plans": plans, "waiting": waiting},
    )


@login_required
def plan_new(request: HttpRequest, person_id: int, decision_id: int) -> HttpResponse:
    decision = access.get_object_for_user(
        request,
        Decision.objects.filter(domain=Domain.RISK, status=Decision.Status.AGREED),
        decision_id,
        Action.PLAN,
        person_id=person_id,
        what="New risk plan",
    )
    person = decision.person
    caps = access.capabilities(request.user, person)
    chosen = decision.options.filter(is_chosen=True).first()
    form = risk_forms.RiskPlanForm(
        request.POST or None,
        initial={"safeguards": chosen.safeguards if chosen else ""},
    )
    stages = risk_forms.StageFormSet(
        request.POST or None, prefix="stages", initial=risk_forms.stage_initial()
    )
    if request.method == "POST" and form.is_valid() and stages.is_valid():
        rows = [s for s in (f.stage() for f in stages.forms) if s]
        try:
            plan = risk_services.risk_plan_create(
                decision=decision,
                by=request.user,
                title=form.cleaned_data["title"],
                safeguards=form.cleaned_data["safeguards"],
                stages=rows,
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Risk plan saved. It starts at stage 1.")
            return redirect("risk:plan", person.pk, plan.pk)
    return render(
        request,
        "risk/plan_form.html",
        {"person": person, "caps": caps, "decision": decision, "form": form, "stages": stages},
    )


@login_required
def plan_detail(request: HttpRequest, person_id: int, plan_id: int) -> HttpResponse:
    plan = access.get_object_for_user(
        request,
        RiskPlan.objects.select_related("decision", "current_stage"),
        plan_id,
        Action.VIEW_PLAN,
        person_id=person_id,
    )
    person = plan.person
    caps = access.capabilities(request.user, person)
    page = selectors.plan_page(plan)
    points = selectors.trends(plan)
    context = {
        "person": person,
        "caps": caps,
        "page": page,
        "plan": plan,
        "points": points,
        "prompt_change": selectors.prompt_change(points),
        "prompts_chart": risk_charts.prompts_chart(points),
        "competency_chart": risk_charts.competency_chart(points),
        "show_records": Action.VIEW_RECORDS in caps,
    }
    if Action.SIGN_OFF in caps and page.progress.met and page.next_stage:
        context["forward_form"] = risk_forms.StageChangeForm(
            initial={"expected_stage": plan.current_stage_id}, version=plan.version
        )
    return render(request, "risk/plan_detail.html", context)


@login_required
def stage_change(
    request: HttpRequest, person_id: int, plan_id: int, direction: str
) -> HttpResponse:
    if direction not in ("forward", "back"):
        raise Http404("No such stage change.")
    plan = access.get_object_for_user(
        request,
        RiskPlan.objects.select_related("current_stage"),
        plan_id,
        Action.SIGN_OFF,
        person_id=person_id,
    )
    person = plan.person
    caps = access.capabilities(request.user, person)
    current = plan.current_stage
    offset = 1 if direction == "forward" else -1
    target = RiskStage.objects.filter(plan=plan, number=current.number + offset).first()
    form_class = risk_forms.StageChangeForm if offset == 1 else risk_forms.StepBackForm
    form = form_class(
        request.POST or None, initial={"expected_stage": current.pk}, version=plan.version
    )
    status = 200
    if target is None:
        form.add_error(
            None,
            "This is the last stage." if offset == 1 else "This is the first stage already.",
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expected = RiskStage.objects.filter(pk=data["expected_stage"], plan=plan).first()
        try:
            risk_services.risk_stage_change(
                plan=plan,
                to_stage=target,
                expected_stage=expected,
                based_on=form.based_on,
                by=request.user,
                reason=data["reason"],
                persons_words=data["persons_words"],
                person_agrees=data["person_agrees"],
                person_took_part=data["person_took_part"],
                more_restrictive_reason=data.get("more_restrictive_reason", ""),
                staying_workable=data.get("staying_workable", True),
            )
        except StaleVersion as exc:
            show_stale(form, exc)
            status = 409
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"Agreed and recorded: {plan.title} is now at {target}.")
            return redirect("risk:plan", person.pk, plan.pk)
    progress = selectors.stage_progress(plan, current) if offset == 1 else None
    return render(
        request,
        "risk/stage_change.html",
        {
            "person": person,
            "caps": caps,
            "plan": plan,
            "current": current,
            "target": target,
            "forward": offset == 1,
            "progress": progress,
            "form": form,
        },
        status=status,
    )
