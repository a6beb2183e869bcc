"""Abstract bases shared by every app (no concrete models live here)."""

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


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
        super().clean()
        check_plain_text(self)


_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]")


def refuse_markup(value: str) -> None:
    """Care records are plain text. Angle-bracket tags are refused rather than stored, so a
    pasted <script> never reaches an export, a PDF or another system."""
    if isinstance(value, str) and _MARKUP.search(value):
        raise ValidationError(
            "Please remove the < and > characters: records are plain text and cannot hold "
            "HTML or script tags."
        )


def check_plain_text(instance: models.Model) -> None:
    errors: dict[str, list[str]] = {}
    for f in instance._meta.concrete_fields:
        if isinstance(f, models.CharField | models.TextField):
            try:
                refuse_markup(getattr(instance, f.attname))
            except ValidationError as exc:
                errors[f.name] = exc.messages
    if errors:
        raise ValidationError(errors)
