"""No lost updates on versioned care records.

Every change says the version of the record it was based on (a hidden field on the web;
`version` in an API body or an `If-Match` header). The service locks the row, compares, and
refuses a stale change with `StaleVersion` (a Conflict: 409 in the API, the form again on
the web) so nothing anyone else saved is overwritten. The version then rises in the
database, `F("version") + 1` under the row lock, and only the changed columns are saved.

    record = versioning.lock(Routine, routine.pk, based_on=version)
    record.name = name
    record.full_clean()
    versioning.save_changed(record, ["name"], by=user)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from coplan.lib.errors import Conflict

M = TypeVar("M", bound=models.Model)

VERSION_NEEDED = (
    "Say which version of the record your change is based on (the `version` you read, in the "
    "body or an If-Match header), so that nobody's change is overwritten."
)
VERSION_NOT_A_NUMBER = "The version must be a whole number, as the record gave it."


class StaleVersion(Conflict):
    """The record moved on since the caller read it: someone else saved a change."""

    def __init__(
        self,
        *,
        record: models.Model,
        based_on: int,
        changed_by: Any,
        changed_at: datetime | None,
    ):
        self.record = record
        self.based_on = based_on
        self.current = record.version  # type: ignore[attr-defined]
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = str(changed_by) if changed_by else "Someone else"
        when = f" on {timezone.localtime(changed_at):%-d %b %Y at %H:%M}" if changed_at else ""
        super().__init__(
            f"{who} changed this{when}, while you were working on it: it is now version "
            f"{self.current} and your change was based on version {based_on}. Nothing was "
            "saved. Look at their change, then send yours again if it is still needed.",
            code="stale_version",
        )


def based_on(*, body: Any = None, if_match: str | None = None) -> int:
    """The version a change was based on: from the body, else from an If-Match header
    (`"3"`, `W/"3"` or `3`). A missing or malformed one is a field error."""
    raw: Any = body
    if raw is None and if_match:
        raw = if_match.strip().removeprefix("W/").strip('"')
    if raw is None or raw == "":
        raise ValidationError({"version": VERSION_NEEDED})
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"version": VERSION_NOT_A_NUMBER}) from None


def last_change(record: models.Model) -> tuple[Any, datetime | None]:
    """Who made the latest change to the record, and when (from its change history)."""
    history = getattr(record, "history", None)
    if history is not None:
        row = history.order_by("-history_date", "-history_id").select_related("history_user")
        latest = row.first()
        if latest is not None:
            return latest.history_user, latest.history_date
    return None, getattr(record, "updated_at", None)


def lock(model: type[M], pk: Any, *, based_on: int | None) -> M:
    """The record, locked for this transaction, if it is still at the version the caller
    saw; otherwise StaleVersion. Call inside `transaction.atomic`."""
    if based_on is None:
        raise ValidationError({"version": VERSION_NEEDED})
    record = model._default_manager.select_for_update().get(pk=pk)
    if record.version != based_on:  # type: ignore[attr-defined]
        changed_by, changed_at = last_change(record)
        raise StaleVersion(
            record=record, based_on=based_on, changed_by=changed_by, changed_at=changed_at
        )
    return record


def save_changed(record: M, fields: Iterable[str], *, by: Any) -> M:
    """Save only `fields` of a locked, validated record, with its version raised by one in
    the database. Its change history gets one row, saying who made the change."""
    names = list(dict.fromkeys(fields))
    if any(f.name == "updated_at" for f in record._meta.concrete_fields):
        names.append("updated_at")
    record.version = F("version") + 1  # type: ignore[attr-defined]
    tracked = hasattr(type(record), "history")
    if tracked:
        # The history row must hold the number, not the expression: written after reload.
        record.save_without_historical_record(update_fields=[*names, "version"])  # type: ignore[attr-defined]
    else:
        record.save(update_fields=[*names, "version"])
    record.refresh_from_db(fields=["version"])
    if tracked:
        type(record).history.bulk_history_create([record], update=True, default_user=by)  # type: ignore[attr-defined]
    return record
