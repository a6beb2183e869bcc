"""Trends and evidence packs through the API, checked by the same access rules as the web:
trends as JSON; a pack asked for (POST, idempotent with an `Idempotency-Key` header) and
fetched (its status, its HTML, its PDF)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from coplan.access import rules as access
from coplan.access.models import AccessLog
from coplan.access.rules import Action
from coplan.assurance import packs, trends
from coplan.assurance.models.packs import EvidencePack
from coplan.lib.errors import Conflict

router = Router(tags=["assurance"])
DEFAULT_DAYS = 83


class LineOut(Schema):
    label: str
    values: list[int]


class MarkerOut(Schema):
    on: date
    label: str
    decision_id: int


class TrendOut(Schema):
    key: str
    title: str
    y_label: str
    bucket: str = Field(description="week or month")
    buckets: list[date] = Field(description="The first day of each week (Monday) or month.")
    lines: list[LineOut]
    markers: list[MarkerOut] = Field(description="Agreed decisions that changed the plan.")


class TrendsOut(Schema):
    start: date
    end: date
    trends: list[TrendOut]


class PackIn(Schema):
    start: date
    end: date


class PackOut(Schema):
    id: int
    uid: uuid.UUID
    person_id: int | None
    service_id: int
    start: date
    end: date
    status: str
    progress: int
    step: str
    made_by: str = Field(alias="made_by_name")
    created_at: datetime
    finished_at: datetime | None
    checksum: str


def _period(start: date | None, end: date | None) -> trends.Period:
    today = timezone.localdate()
    end = end or today
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if end < start:
        raise ValidationError({"end": "The period must end on or after its start."})
    if (end - start).days > packs.MAX_PERIOD_DAYS:
        raise ValidationError({"end": "Choose a period of 3 years or less."})
    return trends.Period(start, end)


def _trends_out(scope: trends.Scope, period: trends.Period) -> dict:
    return {
        "start": period.start,
        "end": period.end,
        "trends": [s.as_json() for s in trends.all_trends(scope, period)],
    }


@router.get("/people/{person_id}/trends", response=TrendsOut)
def person_trends(
    request: HttpRequest, person_id: int, start: date | None = None, end: date | None = None
):
    person = access.get_person_for_user(request, person_id, Action.VIEW_EVIDENCE, what="Trends")
    return _trends_out(trends.Scope.of(person), _period(start, end))


@router.get("/services/{service_id}/trends", response=TrendsOut)
def service_trends(
    request: HttpRequest, service_id: int, start: date | None = None, end: date | None = None
):
    service = access.get_service_for_user(access.user_of(request), service_id, Action.VIEW_EVIDENCE)
    access.log_service_read(request, service, "Service trends")
    return _trends_out(trends.Scope.of(service), _period(start, end))


def _client_key(request: HttpRequest) -> uuid.UUID | None:
    raw = request.headers.get("Idempotency-Key")
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"Idempotency-Key": "Give a UUID."}) from None


def _start(request, *, service, person, payload: PackIn):
    pack, new = packs.pack_request(
        by=access.user_of(request),
        service=service,
        person=person,
        start=payload.start,
        end=payload.end,
        client_key=_client_key(request),
        path=request.path,
    )
    return Status(202 if new else 200, pack)


@router.post("/people/{person_id}/packs", response={200: PackOut, 202: PackOut})
def person_pack_start(request: HttpRequest, person_id: int, payload: PackIn):
    person = access.get_person_for_user(request, person_id, Action.ASSURE, log=False)
    return _start(request, service=person.service, person=person, payload=payload)


@router.post("/services/{service_id}/packs", response={200: PackOut, 202: PackOut})
def service_pack_start(request: HttpRequest, service_id: int, payload: PackIn):
    service = access.get_service_for_user(access.user_of(request), service_id, Action.ASSURE)
    return _start(request, service=service, person=None, payload=payload)


def _pack(request: HttpRequest, pack_id: int, what: str, **kwargs) -> EvidencePack:
    return access.get_evidence_for_user(
        request, EvidencePack.objects.all(), pack_id, Action.VIEW_EVIDENCE, what=what, **kwargs
    )


@router.get("/packs/{pack_id}", response=PackOut)
def pack_status(request: HttpRequest, pack_id: int):
    return access.get_evidence_for_user(
        request,
        EvidencePack.objects.defer("html", "pdf"),
        pack_id,
        Action.VIEW_EVIDENCE,
        what=f"Evidence pack {pack_id} (status)",
        log=False,
    )


def _ready(pack: EvidencePack) -> None:
    if not pack.is_ready:
        raise Conflict(f"The pack is not ready: {pack.get_status_display().lower()}.")


@router.get("/packs/{pack_id}/html", response={200: None})
def pack_html(request: HttpRequest, pack_id: int):
    pack = _pack(request, pack_id, f"Evidence pack {pack_id} (HTML)")
    _ready(pack)
    response = HttpResponse(pack.html, content_type="text/html; charset=utf-8")
    response["X-Checksum-SHA256"] = pack.checksum
    return response


@router.get("/packs/{pack_id}/pdf", response={200: None})
def pack_pdf(request: HttpRequest, pack_id: int):
    pack = _pack(
        request,
        pack_id,
        f"Evidence pack {pack_id} (PDF downloaded)",
        log_action=AccessLog.Action.EXPORT,
    )
    _ready(pack)
    response = HttpResponse(bytes(pack.pdf or b""), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evidence-pack-{pack.pk}.pdf"'
    return response
