"""The person's own space: a very simple home (My plan, My week, How was my week?, I want to
talk about…) in big pictures and short words, and nothing else. It is reached from the
person's own login, or on a shared tablet a staff member handed them (coplan/access/
tablet.py), and in both it shows only that person. The circle member's page is here too:
what was shared with them, and where to add their voice.

It sits in the reviews stage because it reads every stage below: the plan (planning,
support) and the week's rhythm, and writes check-ins and review requests.
"""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coplan.access import rules as access
from coplan.access import tablet
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.lib.errors import Conflict
from coplan.lib.forms import form_errors_from
from coplan.people.models import Person
from coplan.reviews import forms, selectors, services, sources, talk
from coplan.reviews.models import CheckIn, Review
from coplan.support import selectors as support_selectors
from coplan.support.models import RhythmEntry, Weekday

# The easy-read plan, when the easy-read stage serves it (it sits above reviews, so it is
# found by name, not imported).
EASY_READ_PLAN = "easyread:plan"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # every view here is behind login_required


def _space_person(request: HttpRequest, action: Action, what: str) -> Person:
    """The person this space is for: the shared tablet's person, else the login's own."""
    person_id = tablet.tablet_person_id(request) or access.own_person_id(_user(request))
    if person_id is None:
        raise Http404("This page is a person's own space.")
    return access.get_person_for_user(
        request,
        person_id,
        action,
        queryset=Person.objects.select_related("decision_profile"),
        what=what,
    )


def _ctx(request: HttpRequest, person: Person, **extra) -> dict:
    return {"person": person, "on_tablet": tablet.tablet_person_id(request) is not None, **extra}


@login_required
def space_home(request: HttpRequest) -> HttpResponse:
    person = _space_person(request, Action.VIEW_PLAN, "Own space")
    return render(request, "access/my_space.html", _ctx(request, person))


@login_required
def space_plan(request: HttpRequest) -> HttpResponse:
    """My plan: the easy-read plan where it exists; until then, the plan's parts in short
    lines with a picture each."""
    person = _space_person(request, Action.VIEW_PLAN, "Own plan")
    try:
        return redirect(reverse(EASY_READ_PLAN, kwargs={"person_id": person.pk}))
    except NoReverseMatch:
        pass
    items = sources.checkin_items(person)
    groups = [
        ("My routines", "routine", [i for i in items if i.kind == "routine"]),
        ("Things I do", "activity", [i for i in items if i.kind == "activity"]),
        ("My goals", "goal", [i for i in items if i.kind == "goal"]),
    ]
    return render(
        request,
        "access/my_space_plan.html",
        _ctx(request, person, groups=[g for g in groups if g[2]]),
    )


@login_required
def space_week(request: HttpRequest) -> HttpResponse:
    """My week: each day's activities from the weekly rhythm in force, in plain words."""
    person = _space_person(request, Action.VIEW_PLAN, "Own week")
    by_day: dict[int, list[RhythmEntry]] = defaultdict(list)
    for version in support_selectors.rhythms_in_force([person.pk]):
        for entry in version.day_entries:  # type: ignore[attr-defined]
            by_day[entry.day].append(entry)
    today = timezone.localdate().weekday()
    days = [
        {
            "name": day.label,
            "is_today": day.value == today,
            "main": [e for e in by_day[day.value] if e.kind == RhythmEntry.Kind.PRIORITY],
            "maybe": [e for e in by_day[day.value] if e.kind != RhythmEntry.Kind.PRIORITY],
        }
        for day in Weekday
    ]
    return render(request, "access/my_space_week.html", _ctx(request, person, days=days))


@login_required
def space_checkin(request: HttpRequest) -> HttpResponse:
    """How was my week? A picture and as many faces as the person can choose between, for
    each thing in their plan. On a shared tablet the answers are the person's, given with
    the staff member whose tablet it is."""
    person = _space_person(request, Action.CHECK_IN, "Own check-in")
    on_tablet = tablet.tablet_person_id(request) is not None
    form = forms.CheckInForm(
        request.POST if request.method == "POST" else None,
        items=sources.checkin_items(person),
        staff=False,
        person=person,
        faces=forms.faces_for(person),
    )
    if request.method == "POST" and form.is_valid():
        kwargs = form.service_kwargs()
        if on_tablet:
            kwargs |= {
                "answered_by": CheckIn.AnsweredBy.STAFF_WITH_PERSON,
                "how": CheckIn.How.PICTURES,
            }
        try:
            services.checkin_record(person=person, by=_user(request), **kwargs)
        except (ValidationError, Conflict) as exc:
            if isinstance(exc, Conflict):
                form.add_error(None, exc.message)
            else:
                form.add_error(None, " ".join(exc.messages))
        else:
            messages.success(request, "Thank you. Your answers are saved.")
            return redirect("space:home")
    return render(request, "access/my_space_checkin.html", _ctx(request, person, form=form))


@login_required
def space_talk(request: HttpRequest) -> HttpResponse:
    """I want to talk about…: a review request in the person's own words."""
    person = _space_person(request, Action.CHECK_IN, "Own space: talk about")
    form = forms.TalkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            talk.talk_request(person=person, by=_user(request), words=form.request_words())
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, "Thank you. Someone from your team will talk with you soon.")
            return redirect("space:home")
    return render(request, "access/my_space_talk.html", _ctx(request, person, form=form))


# The circle member's page ----------------------------------------------------------------


@login_required
def circle_space(request: HttpRequest, person_id: int) -> HttpResponse:
    """What was shared with this circle member, and where to add their voice: a view at any
    time, and their answers to an open review's questions."""
    person = access.get_person_for_user(request, person_id, Action.ADD_VIEWS, what="Circle page")
    voice = access.voice_of(_user(request), person)
    if voice.circle_member is None:
        raise Http404("This page is for the person's circle.")
    caps = access.capabilities(_user(request), person)
    open_reviews: list[Review] = []
    if Action.CONTRIBUTE in caps:
        open_reviews = list(selectors.person_reviews(person).filter(status=Review.Status.OPEN))
    return render(
        request,
        "access/my_space_circle.html",
        {
            "person": person,
            "caps": caps,
            "member": voice.circle_member,
            "open_reviews": open_reviews,
        },
    )
