"""Helpers: part of coplan.planning.api."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema

from coplan.lib.services import version_sent
from coplan.people.models import Person
from coplan.planning.models import (
    Decision,
)


def _given(payload: Schema) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


def _based_on(request: HttpRequest, version: int | None) -> int:
    return version_sent(body=version, if_match=request.headers.get("If-Match"))


def _blank_nulls(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Optional text and choice fields arrive as null; the models hold them as ''."""
    for name in names:
        if name in data and data[name] is None:
            data[name] = ""
    return data


def _circle_rows(person: Person, rows: list[dict[str, Any]] | None) -> list[dict] | None:
    if rows is None:
        return None
    members = {m.pk: m for m in person.circle.all()}
    out = []
    for row in rows:
        row = dict(row)
        member_id = row.pop("circle_member_id", None)
        if member_id is not None:
            if member_id not in members:
                raise ValidationError({"circle_member_id": "Pick someone from this circle."})
            row["circle_member"] = members[member_id]
        if "how" in row and row["how"] is None:
            row["how"] = ""
        out.append(row)
    return out


def _session_id(person: Person, data: dict[str, Any]) -> dict[str, Any]:
    if "session_id" in data:
        session_id = data.pop("session_id")
        data["session"] = None
        if session_id is not None:
            data["session"] = person.sessions.filter(pk=session_id).first()
            if data["session"] is None:
                raise ValidationError({"session_id": "Pick one of this person's sessions."})
    return data


def _decisions(person: Person, ids: list[int] | None) -> list[Decision] | None:
    if ids is None:
        return None
    found = list(person.decisions.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({"decision_ids": "Link only this person's decisions."})
    return found
