"""Writes of the easy-read stage: the person's own words for a line of their plan."""

from __future__ import annotations

from django.db import transaction

from coplan.accounts.models import User
from coplan.easyread.models import EasyWords
from coplan.lib.services import apply_and_save
from coplan.people.models import Person


@transaction.atomic
def easy_words_set(
    *, person: Person, source: str, words: str, picture: str = "", by: User
) -> EasyWords | None:
    """Set (or, with no words, clear) the easy-read words that replace `source` in the
    person's easy-read plan."""
    existing = EasyWords.objects.select_for_update().filter(person=person, source=source).first()
    words = " ".join((words or "").split())
    if not words:
        if existing is not None:
            existing._history_user = by  # type: ignore[attr-defined]
            existing.delete()
        return None
    record = existing or EasyWords(person=person, source=source)
    return apply_and_save(record, {"words": words, "picture": picture.strip()}, by=by)
