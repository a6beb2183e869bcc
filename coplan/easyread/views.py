"""The person's own version of their plan and decisions (HTML, PDF, audio), the display
toggles, the staff page for easy-read words, and the plain-language check fragment."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from coplan.access import rules as access
from coplan.access import tablet
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.accounts.models import User
from coplan.easyread import audio, checker, selectors, services
from coplan.easyread.forms import EasyWordsForm
from coplan.easyread.pdf import render_pdf
from coplan.lib.forms import form_errors_from
from coplan.people.models import Person
from coplan.planning.models import Decision

SESSION_KEY = "easyread_display"
CHECK_MAX_CHARS = 5000


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


def _display(request: HttpRequest, person: Person) -> selectors.Display:
    """The person's defaults (from their communication needs), then what this viewer chose
    with the toggles, remembered in their session."""
    chosen = request.session.get(SESSION_KEY, {})
    default = selectors.display_defaults(person)
    return selectors.Display(
        large=chosen.get("large", default.large), contrast=chosen.get("contrast", default.contrast)
    )


def _page(request: HttpRequest, easy: selectors.EasyRead, **extra) -> HttpResponse:
    person = easy.person
    user = _user(request)
    # The person reads it in their own space: on their own login, or on a staff member's
    # tablet handed to them (where the signed-in user is staff, but the reader is not).
    on_tablet = tablet.tablet_person_id(request) == person.pk
    is_staff = access.voice_of(user, person).speaks_for_others and not on_tablet
    in_space = on_tablet or person.login_id == user.pk
    context = {
        "easy": easy,
        "person": person,
        "display": _display(request, person),
        "base_template": "access/my_space_base.html" if in_space else "base.html",
        "on_tablet": on_tablet,
        "in_space": in_space,
        # Staff see what still needs plainer words; the person never does.
        "checks": selectors.checked(easy) if is_staff else None,
        "is_staff_view": is_staff,
        "may_write_words": is_staff and access.can(user, Action.PLAN, person),
        **extra,
    }
    return render(request, "easyread/page.html", context)


def _pdf(easy: selectors.EasyRead, filename: str) -> HttpResponse:
    response = HttpResponse(
        render_pdf("easyread/print.html", {"easy": easy}), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def plan(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, what="Easy-read plan")
    easy = selectors.plan_easy_read(person)
    return _page(
        request,
        easy,
        audio_ok=audio.available(),
        audio_url=reverse("easyread:plan_audio", args=[person.pk]),
        pdf_url=reverse("easyread:plan_pdf", args=[person.pk]),
    )


@login_required
@require_GET
def plan_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access.get_person_for_user(
        request,
        person_id,
        Action.VIEW_PLAN,
        what="Easy-read plan (PDF)",
        log_action=AccessLog.Action.PRINT,
    )
    return _pdf(selectors.plan_easy_read(person), f"easy-read-plan-{person.pk}.pdf")


@login_required
@require_GET
def plan_audio(request: HttpRequest, person_id: int) -> HttpResponse:
    """Where the plan's audio is and when each line plays. Shows nothing of the plan (the
    WAV it points at is logged when fetched)."""
    person = access.get_person_for_user(request, person_id, Action.VIEW_PLAN, log=False)
    if not audio.available():
        return JsonResponse(
            {"code": "audio_unavailable", "message": "Listening is not set up here.", "fields": {}},
            status=503,
        )
    easy = selectors.plan_easy_read(person)
    spoken = audio.plan_audio(easy)
    url = reverse("easyread:plan_audio_wav", args=[person.pk, easy.key])
    return JsonResponse({"url": url, "lines": spoken.timings, "duration": spoken.duration})


@login_required
@require_GET
def plan_audio_wav(request: HttpRequest, person_id: int, key: str) -> HttpResponseBase:
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_PLAN, what="Easy-read plan (audio)"
    )
    if not audio.available():
        raise Http404("Listening is not set up here.")
    easy = selectors.plan_easy_read(person)
    # Only this person's plan as it is now: a cached file is never served by its name alone.
    if key != easy.key:
        raise Http404("The plan has changed. Press Play again.")
    spoken = audio.plan_audio(easy)
    # FileResponse closes the file when the response is done.
    response = FileResponse(open(spoken.path, "rb"), content_type="audio/wav")  # noqa: SIM115
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _decision(request: HttpRequest, decision_id: int, **kwargs) -> Decision:
    return access.get_object_for_user(
        request, Decision.objects.all(), decision_id, Action.VIEW_PLAN, **kwargs
    )


@login_required
@require_GET
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = _decision(request, decision_id, what=f"Easy-read decision {decision_id}")
    easy = selectors.decision_easy_read(found)
    return _page(
        request,
        easy,
        audio_ok=False,
        pdf_url=reverse("easyread:decision_pdf", args=[found.pk]),
        decision=found,
    )


@login_required
@require_GET
def decision_pdf(request: HttpRequest, decision_id: int) -> HttpResponse:
    found = _decision(
        request,
        decision_id,
        what=f"Easy-read decision {decision_id} (PDF)",
        log_action=AccessLog.Action.PRINT,
    )
    return _pdf(selectors.decision_easy_read(found), f"easy-read-decision-{found.pk}.pdf")


@login_required
@require_POST
def display(request: HttpRequest) -> HttpResponse:
    """Large print or high contrast, on or off, for this viewer's easy-read pages."""
    chosen = dict(request.session.get(SESSION_KEY, {}))
    for setting in ("large", "contrast"):
        value = request.POST.get(setting)
        if value in ("on", "off"):
            chosen[setting] = value == "on"
    request.session[SESSION_KEY] = chosen
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


@login_required
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """The plain-language check of one field, as a fragment (htmx). The field is the one
    that triggered the request (HX-Trigger-Name), or `text`."""
    if not access.is_staff_member(_user(request)):
        raise PermissionDenied("Only staff write the plan's words.")
    name = request.headers.get("HX-Trigger-Name") or "text"
    text = request.POST.get(name, "")[:CHECK_MAX_CHARS]
    return render(request, "easyread/_check_result.html", {"report": checker.check(text)})


@login_required
def words(request: HttpRequest, person_id: int) -> HttpResponse:
    """Staff write the easy-read words for each line of the person's plan, with the
    plain-language check as they type."""
    person = access.get_person_for_user(request, person_id, Action.PLAN, what="Easy-read words")
    if request.method == "POST":
        form = EasyWordsForm(request.POST, auto_id="posted-%s")
        if form.is_valid():
            try:
                services.easy_words_set(person=person, by=_user(request), **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, "Easy-read words saved.")
                return redirect(reverse("easyread:words", args=[person.pk]))
    else:
        form = None
    easy = selectors.plan_easy_read(person)
    own = {w.source.strip().lower(): w for w in person.easy_words.all()}
    rows = []
    for n, line in enumerate(easy.lines, start=1):
        if not line.source:
            continue
        mine = own.get(line.source.strip().lower())
        row_form = form if form is not None and form.data.get("source") == line.source else None
        rows.append(
            {
                "line": line,
                "report": checker.check(line.text),
                "errors": row_form is not None,
                # Each row its own form, with its own ids (one picture picker a row).
                "form": row_form
                or EasyWordsForm(
                    initial={
                        "source": line.source,
                        "words": mine.words if mine else "",
                        "picture": line.picture,
                    },
                    auto_id=f"row{n}-%s",
                ),
            }
        )
    return render(request, "easyread/words.html", {"person": person, "rows": rows})
