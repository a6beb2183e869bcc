"""Alignment checks (a manager with a staff member), spot checks (a quality lead over a
service's records) and the follow-up actions they make."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import Membership, User
from coplan.assurance import alignment, spotchecks
from coplan.assurance.models import AlignmentCheck, AlignmentItem, FollowUp, SpotCheck
from coplan.delivery.idempotency import new_key, save_once
from coplan.lib.forms import DateInput, form_errors_from
from coplan.lib.input import query_int
from coplan.support import selectors as support_selectors
from coplan.support.models import Routine, RoutineVersion

Kind = AlignmentCheck.Kind
Result = AlignmentItem.Result


def _user(request: HttpRequest) -> User:
    """The signed-in user (login_required, or the API's token, has made sure of it)."""
    return cast(User, request.user)


# Alignment checks ------------------------------------------------------------------------


class SetUpForm(forms.Form):
    staff = forms.ModelChoiceField(queryset=User.objects.none(), label="Staff member")
    kind = forms.ChoiceField(
        choices=Kind.choices, widget=forms.RadioSelect, initial=Kind.SUPERVISION
    )
    routine = forms.ModelChoiceField(
        queryset=Routine.objects.none(),
        required=False,
        label="Routine",
        help_text="For an observation, the routine watched. For supervision, leave empty to ask about the whole plan.",
    )

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["staff"]).queryset = alignment.staff_to_check(
            person
        )
        cast(forms.ModelChoiceField, self.fields["routine"]).queryset = Routine.objects.filter(
            person=person, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.OBSERVATION and not data.get("routine"):
            self.add_error("routine", alignment.NO_ROUTINE)
        return data


class FollowUpForm(forms.Form):
    follow_what = forms.CharField(label="What needs doing", max_length=300, required=False)
    follow_owner = forms.ModelChoiceField(queryset=User.objects.none(), label="Who", required=False)
    follow_due = forms.DateField(label="By when", widget=DateInput(), required=False)

    def __init__(self, *args: Any, service_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["follow_owner"]).queryset = (
            User.objects.filter(memberships__service_id=service_id)
            .exclude(memberships__role=Membership.Role.ADMIN)
            .distinct()
            .order_by("display_name", "username")
        )


def _items_from(post: Any, questions: list[alignment.Question]) -> tuple[list[dict], list[str]]:
    items, missing = [], []
    for n, q in enumerate(questions):
        result = post.get(f"result_{n}", "")
        if result not in Result.values:
            missing.append(q.prompt)
        items.append(
            {
                "prompt": q.prompt,
                "plan_text": q.plan_text,
                "source": q.source,
                "answer": post.get(f"answer_{n}", ""),
                "result": result,
            }
        )
    return items, missing


@login_required
def alignment_new(request: HttpRequest, person_id: int) -> HttpResponse:
    """Set up (who, supervision or observation, which routine), then ask the generated
    questions or watch the steps, each with the plan's agreed text beside it."""
    person = access.get_person_for_user(
        request, person_id, Action.SUPERVISE, what="Alignment check (plan)"
    )
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "staff" in request.GET else None)
    )
    setup = SetUpForm(data, person=person)
    if not setup.is_valid():
        return render(request, "assurance/alignment_setup.html", {"person": person, "setup": setup})
    staff, kind, routine = (setup.cleaned_data[k] for k in ("staff", "kind", "routine"))
    version = None
    if routine is not None:
        version = cast(RoutineVersion | None, support_selectors.version_in_force(routine))
    questions = alignment.questions_for(person, kind, version)
    defaults = alignment.default_follow_up(person, staff, _user(request))
    follow = FollowUpForm(
        request.POST if request.method == "POST" else None,
        service_id=person.service_id,
        initial={
            "follow_what": defaults["what"],
            "follow_owner": defaults["owner"],
            "follow_due": defaults["due_on"],
        },
    )
    rows = [{"n": n, "q": q} for n, q in enumerate(questions)]
    problems: list[str] = []
    if request.method == "POST" and follow.is_valid():
        sent = request.POST.getlist("source")
        items, missing = _items_from(request.POST, questions)
        for row, item in zip(rows, items, strict=True):
            row["answer"], row["result"] = item["answer"], item["result"]
        if sent != [q.source for q in questions]:
            problems.append(
                "The plan changed while this page was open: check the questions and send again."
            )
        elif missing:
            problems.append(alignment.ANSWER_EACH)
        else:
            body = {
                "staff": staff.pk,
                "kind": kind,
                "routine": routine.pk if routine else None,
                "items": items,
            }
            try:
                check, _ = save_once(
                    key=request.POST.get("idempotency_key"),
                    user=_user(request),
                    model=AlignmentCheck,
                    body=body,
                    create=lambda: alignment.alignment_check_record(
                        person=person,
                        staff=staff,
                        by=_user(request),
                        kind=kind,
                        routine=routine,
                        items=items,
                        notes=request.POST.get("notes", ""),
                        follow_up={
                            "what": follow.cleaned_data["follow_what"],
                            "owner": follow.cleaned_data["follow_owner"],
                            "due_on": follow.cleaned_data["follow_due"],
                        },
                    ),
                )
            except ValidationError as exc:
                problems.extend(m for ms in exc.message_dict.values() for m in ms)
            else:
                if check.is_aligned:
                    messages.success(request, "Saved: everything matched the plan.")
                else:
                    messages.success(
                        request, "Saved, with a follow-up on your home page until it is done."
                    )
                return redirect("assurance:alignment_detail", check.pk)
    return render(
        request,
        "assurance/alignment_form.html",
        {
            "person": person,
            "setup": setup,
            "staff": staff,
            "kind": kind,
            "routine": routine,
            "rows": rows,
            "results": Result.choices,
            "follow": follow,
            "problems": problems,
            "idempotency_key": request.POST.get("idempotency_key") or new_key(),
            "notes": request.POST.get("notes", ""),
        },
    )


@login_required
def alignment_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    check = access.get_object_for_user_or_subject(
        request,
        AlignmentCheck.objects.select_related("staff", "by", "routine"),
        check_id,
        Action.ASSURE,
        subject_field="staff_id",
        what="Alignment check",
    )
    return render(
        request,
        "assurance/alignment_detail.html",
        {
            "check": check,
            "items": list(check.items.all()),
            "follow_ups": list(check.follow_ups.select_related("owner", "done_by")),
            "may_close": access.can(_user(request), Action.SUPERVISE, check.person),
        },
    )


@login_required
def alignment_mine(request: HttpRequest) -> HttpResponse:
    """A staff member's own alignment results (and only theirs)."""
    today = timezone.localdate()
    summary = alignment.alignment_summary(
        staff=_user(request), start=today - timedelta(days=365), end=today
    )
    return render(request, "assurance/alignment_mine.html", {"summary": summary})


@login_required
@require_POST
def follow_up_done(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    row = access.get_service_record_for_user(
        _user(request), FollowUp, follow_up_id, Action.SUPERVISE, owner_field="owner_id"
    )
    alignment.follow_up_done(follow_up=row, by=_user(request), note=request.POST.get("note", ""))
    messages.success(request, f"Done: {row.what}")
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "home")


# Spot checks -----------------------------------------------------------------------------


class DrawForm(forms.Form):
    period_start = forms.DateField(label="Records from", widget=DateInput())
    period_end = forms.DateField(label="Records until", widget=DateInput())
    sample_size = forms.IntegerField(
        label="How many records",
        min_value=1,
        max_value=spotchecks.MAX_SIZE,
        initial=spotchecks.DEFAULT_SIZE,
    )
    seed = forms.IntegerField(
        label="Seed (optional)",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="Leave empty for a new random sample; give an earlier seed to draw it again.",
    )


@login_required
def spot_check_new(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access.get_service_for_user(_user(request), service_id, Action.SPOT_CHECK)
    today = timezone.localdate()
    form = DrawForm(
        request.POST or None,
        initial={
            "period_start": today - timedelta(days=spotchecks.DEFAULT_DAYS - 1),
            "period_end": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check, _ = save_once(
                key=request.POST.get("idempotency_key"),
                user=_user(request),
                model=SpotCheck,
                body={"service": service.pk, **data},
                create=lambda: spotchecks.spot_check_draw(
                    service=service, by=_user(request), **data
                ),
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("assurance:spot_check", check.pk)
    return render(
        request,
        "assurance/spot_check_new.html",
        {
            "service": service,
            "form": form,
            "idempotency_key": request.POST.get("idempotency_key") or new_key(),
        },
    )


ACTION_ROWS = 2


@login_required
def spot_check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    """The sample, each record with its checklist; the quality lead records the answers,
    findings and actions."""
    check = access.get_service_record_for_user(
        _user(request), SpotCheck.objects.select_related("service", "by"), check_id, Action.ASSURE
    )
    may_record = (
        check.status == SpotCheck.Status.DRAWN
        and access.services_for_user(_user(request), Action.SPOT_CHECK)
        .filter(pk=check.service_id)
        .exists()
    )
    sample = spotchecks.sample_records(check)
    owners = list(
        User.objects.filter(memberships__service_id=check.service_id)
        .exclude(memberships__role=Membership.Role.ADMIN)
        .distinct()
        .order_by("display_name", "username")
    )
    problems: list[str] = []
    # What was typed, shown again when the form comes back with a problem.
    findings = request.POST.get("findings", "")
    action_rows = [
        {
            "n": n,
            "what": request.POST.get(f"action_what_{n}", ""),
            "owner": query_int(request.POST.get(f"action_owner_{n}")),
            "due": request.POST.get(f"action_due_{n}")
            or f"{timezone.localdate() + timedelta(days=14):%Y-%m-%d}",
        }
        for n in range(ACTION_ROWS)
    ]
    if request.method == "POST":
        if not may_record:
            access.get_service_for_user(_user(request), check.service_id, Action.SPOT_CHECK)
            problems.append("This spot check is already recorded.")
        else:
            results = {
                s.item.pk: {
                    line.key: request.POST.get(f"r_{s.item.pk}_{line.key}", "") for line in s.lines
                }
                for s in sample
            }
            for s in sample:
                for line in s.lines:
                    line.value = results[s.item.pk][line.key] or None
                s.item.note = request.POST.get(f"note_{s.item.pk}", "")
            actions = []
            for row in action_rows:
                what = str(row["what"] or "").strip()
                if what:
                    try:
                        due_on = forms.DateField().clean(row["due"])
                    except ValidationError:
                        problems.append("Give each action a due date.")
                        continue
                    actions.append({"what": what, "owner": row["owner"], "due_on": due_on})
            if not problems:
                try:
                    spotchecks.spot_check_record(
                        spot_check=check,
                        by=_user(request),
                        results={
                            k: {kk: vv for kk, vv in v.items() if vv} for k, v in results.items()
                        },
                        notes={s.item.pk: s.item.note for s in sample},
                        findings=findings,
                        actions=actions,
                    )
                except ValidationError as exc:
                    problems.extend(m for ms in exc.message_dict.values() for m in ms)
                else:
                    messages.success(request, "Spot check recorded.")
                    return redirect("assurance:spot_check", check.pk)
    redrawn = spotchecks.redraw(check)
    return render(
        request,
        "assurance/spot_check.html",
        {
            "check": check,
            "sample": sample,
            "marks": list(spotchecks.MARKS.items()),
            "may_record": may_record,
            "owners": owners,
            "action_rows": action_rows,
            "findings": findings,
            "problems": problems,
            "same_sample": redrawn == spotchecks.kept_sample(check),
            "follow_ups": list(check.follow_ups.select_related("owner")),
            "summary": spotchecks.summary_of(check),
        },
    )
