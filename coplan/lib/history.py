"""django-simple-history's change log, as every versioned model here keeps it.

`HistoricalRecords` is simple-history's, with one difference: reading `record.history`
(which simple-history does on every save, to write the history row) builds the manager class
once per model rather than anew each time. Building it inspects every queryset method, and
on the shift-record path that was about 4% of a write's CPU under load.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from simple_history import manager, models


class HistoryManager(manager.HistoryManager):
    @classmethod
    @cache
    def from_queryset(cls, queryset_class: type, class_name: str | None = None) -> Any:
        return super().from_queryset(queryset_class, class_name)


class HistoricalRecords(models.HistoricalRecords):
    def __init__(self, *args: Any, history_manager: type = HistoryManager, **kwargs: Any):
        super().__init__(*args, history_manager=history_manager, **kwargs)
