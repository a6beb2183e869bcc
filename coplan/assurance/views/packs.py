"""Evidence packs on the web: ask for one (a manager or quality lead of the service), watch
it being made, read it, download its PDF, and check a pack's checksum."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.accounts.models import Service
from coplan.assurance import packs
from coplan.assurance.models.packs import EvidencePack
from coplan.assurance.views.trends import PeriodForm, period_from
from coplan.lib.forms import form_errors_from
from coplan.people.models import Person

LIST_LIMIT = 20
_LIGHT = ("html", "pdf")  # lists and status never load the content


def _client_key(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _start_pack(request: HttpRequest, service: Service, person: Person | None, form: PeriodForm):
    if not form.is_valid():
        return None
    try:
        pack, _ = packs.pack_request(
            by=access.user_of(request),
            service=service,
            person=person,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            client_key=_client_key(request.POST.get("client_key")),
            path=request.path,
        )
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    return redirect("assurance:pack", pack_id=pack.pk)


def _pack_list(request, *, person=None, service=None, may_build: bool, form) -> HttpResponse:
    listed = EvidencePack.objects.defer(*_LIGHT).select_related("person", "service")
    people: list[Person] = []
    if person:
        listed = listed.filter(person=person)
    else:
        # The service's page lists its whole-service packs and the packs made for each person
        # in it whom this user may see evidence of (a person's pack is the service's evidence
        # too: "No packs yet" beside a pack made for Daniel last week would mislead).
        visible = access.people_for_user(access.user_of(request), Action.VIEW_EVIDENCE).filter(
            service=service
        )
        listed = listed.filter(service=service).filter(
            Q(person=None) | Q(person__in=visible.values("pk"))
        )
        people = list(visible.filter(is_active=True).order_by("given_name", "family_name"))
    return render(
        request,
        "assurance/packs.html",
        {
            "person": person,
            "service": service,
            "packs": list(listed[:LIST_LIMIT]),
            "may_build": may_build,
            "form": form,
            "client_key": uuid.uuid4(),
            "people": people,
        },
    )


@login_required
def person_packs(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's evidence packs, and (for a manager or quality lead) a new one."""
    person = access.get_person_for_user(
        request, person_id, Action.VIEW_EVIDENCE, what="Evidence packs"
    )
    may_build = access.can(access.user_of(request), Action.ASSURE, person)
    form = PeriodForm(request.POST or None, initial=_default_period(request))
    if request.method == "POST":
        if not may_build:
            raise PermissionDenied("Only a manager or quality lead of the service makes packs.")
        started = _start_pack(request, person.service, person, form)
        if started is not None:
            return started
    return _pack_list(request, person=person, may_build=may_build, form=form)


@login_required
def service_packs(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access.get_service_for_user(access.user_of(request), service_id, Action.VIEW_EVIDENCE)
    may_build = (
        access.services_for_user(access.user_of(request), Action.ASSURE)
        .filter(pk=service.pk)
        .exists()
    )
    form = PeriodForm(request.POST or None, initial=_default_period(request))
    if request.method == "POST":
        if not may_build:
            raise PermissionDenied("Only a manager or quality lead of the service makes packs.")
        started = _start_pack(request, service, None, form)
        if started is not None:
            return started
    else:
        access.log_service_read(request, service, "Evidence packs (service)")
    return _pack_list(request, service=service, may_build=may_build, form=form)


def _default_period(request: HttpRequest) -> dict:
    _, period = period_from(request)
    return {"start": period.start, "end": period.end}


def _get_pack(request: HttpRequest, pack_id: int, what: str, **kwargs) -> EvidencePack:
    return access.get_evidence_for_user(
        request,
        EvidencePack.objects.defer("pdf"),
        pack_id,
        Action.VIEW_EVIDENCE,
        what=what,
        **kwargs,
    )


@login_required
@require_GET
def pack_detail(request: HttpRequest, pack_id: int) -> HttpResponse:
    """The pack: its progress while being made, then its content, checksum and PDF."""
    pack = _get_pack(request, pack_id, f"Evidence pack {pack_id}")
    return render(request, "assurance/pack.html", {"pack": pack})


@login_required
@require_GET
def pack_status(request: HttpRequest, pack_id: int) -> HttpResponse:
    """The progress, polled by htmx until the pack is ready (then the page reloads)."""
    pack = access.get_evidence_for_user(
        request,
        EvidencePack.objects.defer(*_LIGHT),
        pack_id,
        Action.VIEW_EVIDENCE,
        what=f"Evidence pack {pack_id} (progress)",
        log=False,
    )
    response = render(request, "assurance/_pack_status.html", {"pack": pack})
    if pack.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def pack_pdf(request: HttpRequest, pack_id: int) -> HttpResponse:
    pack = access.get_evidence_for_user(
        request,
        EvidencePack,
        pack_id,
        Action.VIEW_EVIDENCE,
        what=f"Evidence pack {pack_id} (PDF downloaded)",
        log_action=AccessLog.Action.EXPORT,
    )
    if not pack.is_ready or not pack.pdf:
        return render(request, "assurance/pack.html", {"pack": pack}, status=409)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-pack-{pack.pk}-{pack.start}-{pack.end}.pdf"'
    )
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Check a pack's checksum against the stored record. Open to anyone holding a pack: it
    says only whether the checksum is Coplan's, for whom and which period."""
    checksum = request.GET.get("checksum", "")
    result = packs.pack_verify(checksum) if checksum else None
    return render(request, "assurance/verify.html", {"checksum": checksum, "result": result})
