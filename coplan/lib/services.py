"""Small helpers the stage services share: saving a care record, and the one way an
existing versioned record is changed, so that no update is ever lost."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst

from coplan.lib.errors import Conflict
from coplan.lib.models import CareRecord

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

M = TypeVar("M", bound=models.Model)

# Kept by the services themselves, never taken from a caller's copy of the record.
_BOOKKEEPING = {"id", "uid", "version", "created_at", "updated_at"}


@dataclass(frozen=True)
class Difference:
    """A field someone else changed after you opened the record: the value now stored
    (theirs) beside the one you sent (yours)."""

    field: str
    label: str
    theirs: str
    yours: str


class StaleVersion(Conflict):
    """An update based on a version of the record that someone has since replaced. Nothing
    of it was written. The API answers 409; a web form shows itself again, with who changed
    the record, when, and their values beside yours."""

    def __init__(
        self,
        *,
        what: str,
        based_on: int,
        current_version: int,
        changed_by: str,
        changed_at: datetime,
        differences: list[Difference],
    ):
        when = timezone.localtime(changed_at)
        super().__init__(
            f"{changed_by} changed this {what} at {when:%H:%M} on {when.day} {when:%b %Y}, "
            f"after you opened it (you started from version {based_on}; it is now version "
            f"{current_version}). Nothing you sent was saved: check their changes, then make "
            "yours again.",
            code="stale_version",
        )
        self.based_on = based_on
        self.current_version = current_version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.differences = differences


def apply_and_save(
    instance: M,
    fields: dict[str, Any],
    *,
    based_on: int | None = None,
    by: AbstractBaseUser | None = None,
    touch: bool | None = None,
) -> M:
    """Set `fields`, validate the whole record, save it.

    A new record is inserted. An existing care record is changed the one safe way: its row
    is locked (`select_for_update`); if `based_on` (the version the caller's change started
    from) is not the stored version, StaleVersion is raised and nothing is written. The
    changes are applied to the stored row, not to the caller's possibly older copy, and
    only the columns that differ are saved (`update_fields`), so a change never overwrites
    another one with stale values. The version rises by one in the database
    (`F("version") + 1`) when anything changed, or when `touch` says the record's children
    did (its options, its steps). django-simple-history keeps the previous version, with
    `by` as who made the change. The caller's `instance` is brought up to date with what is
    stored.

    A caller that sets attributes itself passes no `fields`: every column that differs from
    the stored row is then saved, and the version rises.
    """
    if by is not None:
        instance._history_user = by  # type: ignore[attr-defined]
    for name, value in fields.items():
        setattr(instance, name, value)
    if instance._state.adding or instance.pk is None:
        instance.full_clean()
        instance.save()
        return instance
    if not isinstance(instance, CareRecord):
        instance.full_clean()
        instance.save()
        return instance
    set_by_caller = touch is None and not fields
    asked = {f.name for f in _editable(type(instance))} if set_by_caller else set(fields)
    return _update_care_record(
        instance, asked, based_on=based_on, touch=set_by_caller or bool(touch)
    )


def _editable(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in _BOOKKEEPING]


def refuse_if_stale(
    stored: M, based_on: int | None, *, yours: M | None = None, fields: Iterable[str] = ()
) -> None:
    """Raise StaleVersion if the caller's change was based on a version other than the one
    stored. `stored` is a row the caller has locked (`select_for_update`); `yours` and
    `fields` say what the caller meant to change, to show their values beside the stored
    ones."""
    if based_on is not None and int(based_on) != stored.version:  # type: ignore[attr-defined]
        raise _stale(stored, yours if yours is not None else stored, int(based_on), set(fields))


def _update_care_record(instance: M, asked: set[str], *, based_on, touch: bool) -> M:
    model = type(instance)
    stored = model._base_manager.select_for_update().get(pk=instance.pk)
    refuse_if_stale(stored, based_on, yours=instance, fields=asked)
    changed = [
        f
        for f in _editable(model)
        if f.name in asked and f.value_from_object(instance) != f.value_from_object(stored)
    ]
    if changed or touch:
        for f in changed:
            setattr(stored, f.attname, f.value_from_object(instance))
        if hasattr(instance, "_history_user"):
            stored._history_user = instance._history_user  # type: ignore[attr-defined]
        stored.full_clean()
        # The row is locked, so the version it now holds is the one read above plus one.
        model._base_manager.filter(pk=stored.pk).update(version=F("version") + 1)
        stored.version += 1
        stored.save(update_fields=[f.attname for f in changed] + ["updated_at"])
    for f in model._meta.concrete_fields:
        setattr(instance, f.attname, getattr(stored, f.attname))
    return instance


def _shown(record: models.Model, field: models.Field) -> str:
    """A field's value as a person reads it (a choice's label, a linked record's name)."""
    value = field.value_from_object(record)
    if value in (None, "", []):
        return "—"
    if field.is_relation:
        related = getattr(record, field.name, None)
        return str(related) if related is not None else "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _stale(stored: M, yours: M, based_on: int, asked: set[str]) -> StaleVersion:
    latest = base = None
    if hasattr(stored, "history"):
        rows = stored.history.all()  # type: ignore[attr-defined]
        latest = rows.order_by("-history_date", "-history_id").first()
        base = rows.filter(version=based_on).order_by("-history_date", "-history_id").first()
    differences = []
    for f in _editable(type(stored)):
        if f.name not in asked:
            continue
        theirs = f.value_from_object(stored)
        they_changed = base is None or getattr(base, f.attname, theirs) != theirs
        if they_changed and theirs != f.value_from_object(yours):
            differences.append(
                Difference(
                    field=f.name,
                    label=capfirst(str(f.verbose_name)),
                    theirs=_shown(stored, f),
                    yours=_shown(yours, f),
                )
            )
    user = getattr(latest, "history_user", None)
    return StaleVersion(
        what=str(type(stored)._meta.verbose_name),
        based_on=based_on,
        current_version=stored.version,  # type: ignore[attr-defined]
        changed_by=getattr(user, "name", None) or "Someone else",
        changed_at=latest.history_date if latest is not None else stored.updated_at,  # type: ignore[attr-defined]
        differences=differences,
    )


_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')
VERSION_NEEDED = (
    "Say which version of the record this change is based on: send `version` in the body "
    "or an If-Match header."
)


def version_sent(*, body: int | None, if_match: str | None) -> int:
    """The version an API update says it was based on: `version` in the body or an If-Match
    header (`3`, `"3"` or `W/"3"`). An update that does not say is refused."""
    header = None
    if if_match:
        match = _IF_MATCH.match(if_match)
        if match is None:
            raise ValidationError(
                {"version": 'If-Match must hold the record\'s version, e.g. "3".'}
            )
        header = int(match.group(1))
    if body is not None and header is not None and body != header:
        raise ValidationError({"version": "The body and If-Match name different versions."})
    version = body if body is not None else header
    if version is None:
        raise ValidationError({"version": VERSION_NEEDED})
    return version
