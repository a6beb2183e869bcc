"""Small helpers the stage services share."""

from typing import Any

from django.db import models

from coplan.lib.models import CareRecord


def apply_and_save(instance: models.Model, fields: dict[str, Any]) -> models.Model:
    """Set fields, validate the whole record, save. A change to an existing care record
    bumps its version; django-simple-history keeps the previous one."""
    for name, value in fields.items():
        setattr(instance, name, value)
    is_new = instance.pk is None
    if isinstance(instance, CareRecord) and not is_new:
        instance.bump_version()
    instance.full_clean()
    instance.save()
    return instance
