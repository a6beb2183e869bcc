"""Web pages for the review stage. Each view checks access through access.py, then calls a
service or a selector and renders."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.access import rules as access
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.lib.input import query_int
from coplan.people.models import Person
from coplan.reviews import forms, selectors, services, sources
from coplan.reviews.models import QUESTIONS, CheckInAnswer, Review, ReviewTrigger


def _data(request: HttpRequest):
    """The posted data, even when empty (an empty form must still show its errors)."""
    return request.POST if request.method == "POST" else None


@login_required
def person_reviews(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's check-in history, working / not working, triggers and reviews."""
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_REVIEWS, what="Check-ins, triggers and reviews"
    )
    checkins = selectors.checkin_history(person)
    return render(
        request,
        "reviews/person_reviews.html",
        {
            "person": person,
            "caps": access.capabilities(request.user, person),
            "checkins": checkins,
            "chart": selectors.checkin_chart(checkins),
            "perspectives": selectors.working_by_perspective(person),
            "triggers": selectors.person_triggers(person),
            "reviews": selectors.person_reviews(person),
            "today": timezone.localdate(),
            "answer_labels": dict(CheckInAnswer.Answer.choices),
        },
    )


@login_required
def checkin(request: HttpRequest, person_id: int) -> HttpResponse:
    """This week's check-in, made to be tapped by the person on a phone or tablet."""
    person = access.get_person_for_user(request, person_id, Action.CHECK_IN, what="Check-in")
    staff = access.voice_of(request.user, person).speaks_for_others
    items = sources.checkin_items(person)
    form = forms.CheckInForm(_data(request), items=items, staff=staff, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.checkin_record(person=person, by=request.user, **form.service_kwargs())
        except (ValidationError, Conflict) as exc:
            _show(form, exc)
        else:
            messages.success(request, "Check-in saved." if staff else "Thank you. It is saved.")
            return redirect("reviews:person", person_id=person.pk)
    return render(
        request,
        "reviews/checkin.html",
        {
            "person": person,
            "caps": access.capabilities(request.user, person),
            "form": form,
            "staff": staff,
            "week_start": services.week_start_of(timezone.localdate()),
        },
    )


def _show(form, exc: ValidationError | Conflict) -> None:
    if isinstance(exc, Conflict):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict") and "answers" in exc.error_dict:
        form.add_error(None, exc.error_dict.pop("answers"))
        if exc.error_dict:
            form_errors_from(form, exc)
    else:
        form_errors_from(form, exc)


@login_required
def working_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.ADD_VIEWS, what="Working and not working"
    )
    staff = access.voice_of(request.user, person).speaks_for_others
    form = forms.WorkingForm(_data(request), staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.working_not_working_add(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Saved, marked as whose view it is.")
            return _back(request, person)
    return _form_page(request, person, form, "Working and not working", "working")


@login_required
def trigger_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request, person_id, Action.ADD_VIEWS, what="Ask for a review"
    )
    staff = access.voice_of(request.user, person).speaks_for_others
    form = forms.TriggerForm(_data(request), staff=staff, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.trigger_open_by_hand(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Thank you. The team will review it.")
            return _back(request, person)
    title = "Flag a reason to review" if staff else "Ask for a review"
    return _form_page(request, person, form, title, "triggers")


@login_required
def trigger_close(request: HttpRequest, person_id: int, trigger_id: int) -> HttpResponse:
    trigger = access.get_object_for_user(
        request, ReviewTrigger, trigger_id, Action.REVIEW, person_id=person_id
    )
    person = trigger.person
    form = forms.CloseForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.trigger_close(
                trigger=trigger, by=request.user, reason=form.cleaned_data["closed_reason"]
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Trigger closed, with the reason to wait recorded.")
            return redirect(f"/reviews/people/{person.pk}/#triggers")
    return _form_page(
        request, person, form, "Close a trigger with a reason to wait", "triggers", trigger=trigger
    )


def _back(request: HttpRequest, person: Person) -> HttpResponse:
    if access.voice_of(cast(User, request.user), person).circle_member is not None:
        return redirect("space:circle", person_id=person.pk)
    if access.can(request.user, Action.VIEW_REVIEWS, person):
        return redirect("reviews:person", person_id=person.pk)
    return redirect("people:detail", person_id=person.pk)


def _form_page(request, person, form, title, anchor, **extra) -> HttpResponse:
    return render(
        request,
        "reviews/form.html",
        {
            "person": person,
            "caps": access.capabilities(request.user, person),
            "form": form,
            "title": title,
            "anchor": anchor,
            **extra,
        },
    )


@login_required
@require_POST
def review_open(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.REVIEW)
    ids = [int(i) for i in request.POST.getlist("trigger") if i.isdigit()]
    triggers = list(ReviewTrigger.objects.filter(person=person, pk__in=ids))
    try:
        review = services.review_open(person=person, by=request.user, triggers=triggers)
    except (ValidationError, Conflict) as exc:
        text = exc.message if isinstance(exc, Conflict) else " ".join(exc.messages)
        messages.error(request, text)
        return redirect(f"/reviews/people/{person.pk}/#triggers")
    messages.success(request, "Review opened. Gather everyone's answers to the 4 plus 1 questions.")
    return redirect("reviews:review", person_id=person.pk, review_id=review.pk)


@login_required
def review_detail(request: HttpRequest, person_id: int, review_id: int) -> HttpResponse:
    review = access.get_object_for_user(
        request, selectors.reviews_for_page(), review_id, Action.VIEW_REVIEWS, person_id=person_id
    )
    return _review_page(request, review.person, review)


def _review_page(request, person, review, contribute_form=None, conclude_form=None):
    caps = access.capabilities(request.user, person)
    staff = access.voice_of(request.user, person).speaks_for_others
    evidence = (
        selectors.evidence_snapshot(person, review.evidence_since)
        if review.is_open
        else review.evidence
    )
    if review.is_open and contribute_form is None and Action.CONTRIBUTE in caps:
        contribute_form = forms.ContributionForm(staff=staff)
    if review.is_open and conclude_form is None and Action.REVIEW in caps:
        conclude_form = forms.ConcludeForm(review=review)
    return render(
        request,
        "reviews/review.html",
        {
            "person": person,
            "caps": caps,
            "review": review,
            "questions": [(name, label, getattr(review, name)) for name, label in QUESTIONS],
            "contributions": [
                (c, [(label, getattr(c, name)) for name, label in QUESTIONS])
                for c in review.contributions.all()
            ],
            "evidence": evidence,
            "contribute_form": contribute_form,
            "conclude_form": conclude_form,
        },
    )


@login_required
@require_POST
def review_contribute(request: HttpRequest, person_id: int, review_id: int) -> HttpResponse:
    review = access.get_object_for_user(
        request, Review, review_id, Action.CONTRIBUTE, person_id=person_id
    )
    person = review.person
    form = forms.ContributionForm(
        request.POST, staff=access.voice_of(request.user, person).speaks_for_others
    )
    if form.is_valid():
        try:
            services.review_contribute(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your answers are added, marked as yours.")
            return redirect("reviews:review", person_id=person.pk, review_id=review.pk)
    page = selectors.review_page(review.pk, person)  # as it stands after the refused answers
    return _review_page(request, person, page, contribute_form=form)


@login_required
@require_POST
def review_conclude(request: HttpRequest, person_id: int, review_id: int) -> HttpResponse:
    review = access.get_object_for_user(
        request, Review, review_id, Action.REVIEW, person_id=person_id
    )
    person = review.person
    form = forms.ConcludeForm(request.POST, review=review)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.review_conclude(review=review, by=request.user, **data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Review concluded. Its triggers are closed as reviewed.")
            return redirect("reviews:review", person_id=person.pk, review_id=review.pk)
    page = selectors.review_page(review.pk, person)  # as it stands after the refused conclusion
    return _review_page(request, person, page, conclude_form=form)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Open triggers across the services the user may review in, overdue first, and how
    many were reviewed on time."""
    allowed = access.services_for_user(request.user, Action.VIEW_REVIEWS)
    if not allowed.exists():
        raise PermissionDenied("The review dashboard is for staff.")
    people = access.people_for_user(request.user, Action.VIEW_REVIEWS).filter(is_active=True)
    service = None
    service_id = query_int(request.GET.get("service"))
    if service_id is not None:
        service = access.get_service_for_user(request.user, service_id, Action.VIEW_REVIEWS)
        people = people.filter(service=service)
    return render(
        request,
        "reviews/dashboard.html",
        {
            "services": list(allowed),
            "service": service,
            "triggers": selectors.open_triggers(people),
            "shares": selectors.on_time_share(people),
            "today": timezone.localdate(),
        },
    )
