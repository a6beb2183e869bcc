"""Shared by the modules of this package: part of coplan.planning.views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coplan.access import rules as access
from coplan.lib.errors import Conflict
from coplan.people.models import Person


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
