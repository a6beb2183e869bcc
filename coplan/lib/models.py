"""Abstract bases shared by every app (no concrete models live here)."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models

from coplan.lib import input as policy


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        raise_field_problems(self, markup=False)


class CareRecord(TimeStampedModel):
    """A record about a person's care: a stable public id and a version that goes up with
    every change (MODS: every record has a unique id and a version number), with its full
    change log kept by django-simple-history on the concrete model."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def bump_version(self) -> None:
        self.version = (self.version or 0) + 1

    def clean(self) -> None:
        models.Model.clean(self)
        check_plain_text(self)


_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
MARKUP = (
    "Please remove the < and > characters: records are plain text and cannot hold "
    "HTML or script tags."
)


def refuse_markup(value: str) -> None:
    """Care records are plain text. Angle-bracket tags are refused rather than stored, so a
    pasted <script> never reaches an export, a PDF or another system."""
    if isinstance(value, str) and _MARKUP.search(value):
        raise ValidationError(MARKUP)


def field_problems(instance: models.Model, *, markup: bool = True) -> dict[str, list[str]]:
    """The input policy (coplan/lib/input.py) over every field of a record: text without
    control characters or markup, dates in the range their meaning allows, times without
    a zone, no null where the column holds none."""
    errors: dict[str, list[str]] = {}
    for f in instance._meta.concrete_fields:
        if f.primary_key or getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        value = getattr(instance, f.attname)
        if value is None:
            # Django's clean_fields lets None through a blank=True field, and the database
            # then refuses it (an IntegrityError, a 500): say so on the field instead.
            if not f.null and f.blank and not f.is_relation:
                errors.setdefault(f.name, []).append(str(f.error_messages["null"]))
            continue
        if isinstance(f, models.DateTimeField) and f.editable:
            value = policy.as_aware(value)
            setattr(instance, f.attname, value)
        if not f.editable and not isinstance(value, str):
            continue
        if isinstance(value, str):
            # A CharField's own max_length is checked by Django; a TextField has none.
            limit = None if isinstance(f, models.CharField) else f.max_length or policy.TEXT_MAX
            message = policy.text_problem(value, limit)
            if message is None and markup and _MARKUP.search(value):
                message = MARKUP
            if message:
                errors.setdefault(f.name, []).append(message)
            continue
        for _path, message in policy.value_problems(f.name, value):
            errors.setdefault(f.name, []).append(message)
            break
    return errors


def raise_field_problems(instance: models.Model, *, markup: bool = True) -> None:
    errors = field_problems(instance, markup=markup)
    if errors:
        raise ValidationError(errors)


def check_plain_text(instance: models.Model) -> None:
    """Every check of the input policy, markup included: for care records and the rows
    that belong to them (options, steps, stages)."""
    raise_field_problems(instance, markup=True)
