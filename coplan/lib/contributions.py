"""Later stages add to earlier stages' pages through named slots.

The stages form layers (docs/architecture.md): an earlier app never imports a later one. When
an earlier page shows something a later stage knows (what a decision shaped, the risk plans
on the person's page, missed travel check-ins on the shift view), the later app registers a
contribution for a slot in its AppConfig.ready(), and the earlier page gathers whatever is
registered without knowing who registered it:

    @contribute("people.person_detail")
    def risk_summary(*, person, caps, request): ...  # returns a Panel, a list, or None

Slots in use: "planning.decision_shaped" (rows of {"kind", "title", "url"}),
"risk.mini_reviews" ((incident id, trigger) pairs),
"people.person_detail", "delivery.shift_top", "access.home" and "access.today_panels"
(Panels: the last under the manager's today page),
"delivery.timeline" (TimedItems: what a later stage has due at a time today, placed on the
shift view's clock among the routines and activities), and
"access.today" (`TodaySection`s: the manager's today page, one section per thing to deal
with, each called with `services`, the ids of the services the page covers, and `today`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_slots: dict[str, list[tuple[int, Callable[..., Any]]]] = {}


@dataclass(frozen=True)
class Panel:
    """A piece of a page: a template and its context, rendered where the slot stands."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TodayRow:
    """One thing to deal with on the manager's today page: about whom, in which service,
    what it is, when it is due (if it has a date) and the page where it is dealt with."""

    person: str
    service_id: int
    text: str
    url: str
    due: date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class TodaySection:
    """A kind of thing to deal with (reviews due, missed check-ins...): `key` names it (an
    anchor), `title` heads it, `short` heads its column in the counts per service, `rows`
    are its items, most urgent first, and `empty` says so when there are none."""

    key: str
    title: str
    short: str  # the column heading of the counts per service
    rows: list[TodayRow]
    empty: str = "Nothing to deal with."
    hint: str = ""


@dataclass(frozen=True)
class TimedItem:
    """Something due at a time on shift, for one person: placed on the shift view's clock
    (due now and next first, later folded, late marked) with a link to where it is done."""

    at: Any  # an aware datetime
    person_id: int
    title: str
    url: str
    kind: str = "other"
    note: str = ""
    ends_at: Any = None
    done: bool = False


def contribute(slot: str, *, order: int = 50) -> Callable[[F], F]:
    def decorator(fn: F) -> F:
        entries = _slots.setdefault(slot, [])
        if fn not in [f for _, f in entries]:
            entries.append((order, fn))
            entries.sort(key=lambda entry: entry[0])
        return fn

    return decorator


def gather(slot: str, **context: Any) -> list[Any]:
    """Every contribution to `slot`, in order. A contribution returns one item, a list of
    items, or None to add nothing."""
    found: list[Any] = []
    for _, fn in _slots.get(slot, []):
        result = fn(**context)
        if result is None:
            continue
        if isinstance(result, list):
            found.extend(result)
        else:
            found.append(result)
    return found
