"""Save a shift record at most once per idempotency key, for forms and the API alike.

A phone on a weak signal resends; a worker taps "Save" twice. Each record form carries a
key made when the form is drawn (the API sends it as the `Idempotency-Key` header). The
first request with a key saves the record and the key in one transaction; the unique
(user, key) constraint makes any other request with that key wait for it and then fail to
insert, so even two racing requests store one record. A resend with the same body gets the
first record back; the same key with a different body is refused (409 in the API).
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from coplan.accounts.models import User
from coplan.delivery.models import IdempotencyKey
from coplan.lib.errors import Conflict

M = TypeVar("M", bound=models.Model)

KEY_MISSING = "Send an Idempotency-Key header (a new UUID for each record)."
KEY_INVALID = "The idempotency key must be a UUID."
KEY_REUSED = (
    "This form was already sent with different details, so nothing new was saved. "
    "Check the record that was saved, and start a new form if you need another."
)


def new_key() -> str:
    return str(uuid.uuid4())


def parse_key(raw: str | uuid.UUID | None) -> uuid.UUID:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError({"idempotency_key": KEY_MISSING})
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(raw.strip())
    except ValueError as exc:
        raise ValidationError({"idempotency_key": KEY_INVALID}) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.QuerySet):
        return sorted(value.values_list("pk", flat=True))
    return value


def digest(scope: str, body: Mapping[str, Any]) -> str:
    text = json.dumps({"scope": scope, "body": _plain(body)}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _replay(model: type[M], row: IdempotencyKey, scope: str, body_digest: str) -> M:
    if row.scope != scope or row.digest != body_digest or row.result_id is None:
        raise Conflict(KEY_REUSED, code="idempotency_key_reused")
    return model._default_manager.get(pk=row.result_id)


def save_once(
    *,
    key: str | uuid.UUID | None,
    user: User,
    model: type[M],
    body: Mapping[str, Any],
    create: Callable[[], M],
) -> tuple[M, bool]:
    """Run `create` unless this user already sent this key. Returns (record, created)."""
    parsed = parse_key(key)
    scope = model._meta.label_lower
    body_digest = digest(scope, body)
    # Create first, then claim the key with the record's id, in one savepoint: a resend
    # (the key is taken) rolls its record back and gets the first one. Of two racing
    # requests with one key, the second's key insert waits on the unique (user, key) index
    # until the first commits, then fails, and its record goes the same way.
    try:
        with transaction.atomic():
            record = create()
            IdempotencyKey.objects.create(
                user=user, key=parsed, scope=scope, digest=body_digest, result_id=record.pk
            )
    except (IntegrityError, ValidationError, PermissionDenied, Conflict):
        # A resend of a key already used answers with that record, even when making a new
        # one would now be refused (the shift ended, the plan changed); anything else that
        # stopped it is said as it was.
        existing = IdempotencyKey.objects.filter(user=user, key=parsed).first()
        if existing is None:
            raise
        return _replay(model, existing, scope, body_digest), False
    return record, True
