"""Tell later stages that a care record was committed, without importing them.

Delivery and risk sit below reviews in the layers, so they cannot call its trigger engine.
Instead each write calls `record_committed(...)`; once the transaction commits, every
receiver of `care_record_committed` runs. The reviews stage connects its engine in its
AppConfig.ready(), so an incident or a refusal opens its trigger when it is saved, not only
in the nightly scan. A rolled-back write announces nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# Sent with sender=the model class, person_id=..., record_id=... and record=... (or None)
care_record_committed = Signal()


def record_committed(
    *, model: type, person_id: int, record_id: int, record: object | None = None
) -> None:
    """`record`, when given, is the saved record itself, so a receiver can tell from it
    whether it matters (a completed routine adds to no refusal count) without reading it."""
    transaction.on_commit(
        lambda: care_record_committed.send(
            sender=model, person_id=person_id, record_id=record_id, record=record
        )
    )
