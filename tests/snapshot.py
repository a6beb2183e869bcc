"""What a refused request must leave as it was.

    before = snapshot(Decision, DecisionOption, agreed)
    response = client.post(...)            # refused
    assert snapshot(Decision, DecisionOption, agreed) == before

A model stands for its row count; a saved object for every value of its row, read afresh
from the database (so a version bumped, a field overwritten or a row deleted all show).
"""

from __future__ import annotations

from typing import Any

from django.db import models


def snapshot(*things: type[models.Model] | models.Model) -> list[Any]:
    state: list[Any] = []
    for thing in things:
        if isinstance(thing, type) and issubclass(thing, models.Model):
            state.append((thing.__name__, thing._default_manager.count()))
        else:
            model = type(thing)
            row = model._default_manager.filter(pk=thing.pk).values().first()
            state.append((model.__name__, thing.pk, row))
    return state
