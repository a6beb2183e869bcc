"""The one input policy: what text, dates and times Coplan accepts, from a form, an API body,
a query string or a saved record alike, and the words it refuses them with.

- Text is plain: no NUL or other control characters (new lines and tabs are fine), and no
  more than TEXT_MAX characters where the field sets no smaller limit.
- Every date and date-time has a range that fits its meaning: a record of something that
  happened is not in the future (a phone's clock may run a few minutes ahead) and not
  before FLOOR; a plan looks at most PLAN_YEARS ahead; a date of birth is after 1900.
- A date-time without a time zone is read as UK time (settings.TIME_ZONE); a time of day
  is local and carries no zone.

Models apply it in `clean()` (coplan/lib/models.py), the API to every validated body and
query (coplan/api/), so a form and the API refuse the same value with the same message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.utils import timezone

# Django's own forms refuse NUL with this message; the API and models use the same words.
NUL = str(ProhibitNullCharactersValidator.message)
CONTROL = (
    "Remove the hidden control characters: text may hold new lines and tabs, "
    "but no other invisible characters."
)
# Anything longer than this is not a note about someone's day: about four printed pages.
TEXT_MAX = 10_000
# C0 controls but tab, new line and carriage return (browsers send CRLF), DEL, the C1
# controls, and lone surrogates (JSON can escape them; no database can store them).
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

FLOOR = date(2000, 1, 1)
PLAN_YEARS = 5
# A phone's clock may run a little ahead of the server's.
CLOCK_SLACK = timedelta(minutes=5)

NOT_YET_HAPPENED = "A record cannot describe something that has not happened yet."
BEFORE_FLOOR = "This date is too far in the past: give a date from 1 January {floor.year} on."
TOO_FAR_AHEAD = f"Plan at most {PLAN_YEARS} years ahead."
BIRTH_RANGE = "Give a date of birth from 1 January 1900 on, and not in the future."
ZONED_TIME = "Give a local time of day, such as 09:30, without a time zone."
# Whole numbers the database can hold (a signed 64-bit column; ids are one).
INT_MAX = 2**63 - 1
INT_RANGE = f"Give a whole number from {-INT_MAX} to {INT_MAX}."
PAGE_RANGE = "Give a number from 1 to {limit}."
NOT_A_NUMBER = "Give a whole number."


@dataclass(frozen=True)
class DateRange:
    """How far back and ahead a date may be, and what to say when it is not."""

    earliest: date
    ahead: timedelta | None  # from now; None: not after today
    too_early: str
    too_late: str

    def problem(self, value: date | datetime) -> str | None:
        if isinstance(value, datetime):
            moment = as_aware(value)
            earliest = timezone.make_aware(datetime.combine(self.earliest, time.min))
            latest = timezone.now() + (self.ahead if self.ahead is not None else CLOCK_SLACK)
            try:
                if moment < earliest:
                    return self.too_early
                if moment > latest:
                    return self.too_late
            except OverflowError:  # year 1 or 9999 in a zone that pushes it off the calendar
                return self.too_late if moment.year > 2000 else self.too_early
            return None
        today = timezone.localdate()
        # A date is a day in the UK; allow one day for a phone elsewhere.
        latest = today + (self.ahead if self.ahead is not None else timedelta(days=1))
        if value < self.earliest:
            return self.too_early
        if value > latest:
            return self.too_late
        return None


RECORD = DateRange(FLOOR, None, BEFORE_FLOOR.format(floor=FLOOR), NOT_YET_HAPPENED)
PLAN = DateRange(
    FLOOR, timedelta(days=365 * PLAN_YEARS + 2), BEFORE_FLOOR.format(floor=FLOOR), TOO_FAR_AHEAD
)
BIRTH = DateRange(date(1900, 1, 1), None, BIRTH_RANGE, BIRTH_RANGE)

# Field names that say something happened (or was recorded) at that moment. Every other
# date is a plan or a schedule; a field named in neither set is held to PLAN.
RECORD_FIELDS = frozenset(
    {
        "occurred_at",
        "recorded_on",
        "made_at",
        "returned_at",
        "agreed_at",
        "closed_at",
        "concluded_at",
        "changed_at",
        "acknowledged_at",
        "followed_up_at",
        "identified_on",
        "consent_recorded_on",
        "about_me_updated_on",
        "evidence_since",
        "evidence_until",
        "week_start",
        "on",
    }
)
BIRTH_FIELDS = frozenset({"date_of_birth"})


def range_for(field_name: str) -> DateRange:
    if field_name in BIRTH_FIELDS:
        return BIRTH
    if field_name in RECORD_FIELDS:
        return RECORD
    return PLAN


def as_aware(value: datetime) -> datetime:
    """A date-time without a zone is UK time (settings.TIME_ZONE)."""
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# Checks: each returns the message for a bad value, or None -----------------------------


def text_problem(value: str, max_length: int | None = TEXT_MAX) -> str | None:
    if "\x00" in value:
        return NUL
    if _CONTROL.search(value):
        return CONTROL
    if max_length is not None and len(value) > max_length:
        return too_long(value, max_length)
    return None


def too_long(value: str, max_length: int) -> str:
    # Django's words, plural-aware: the lazy message picks its form from limit_value.
    return str(MaxLengthValidator.message % {"limit_value": max_length, "show_value": len(value)})


def date_problem(field_name: str, value: date | datetime) -> str | None:
    return range_for(field_name).problem(value)


def time_problem(value: time) -> str | None:
    return ZONED_TIME if value.tzinfo is not None else None


def value_problems(field_name: str, value: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, message) wrong with a value: text, dates and times, inside lists and
    mappings too (JSON). The path names the field, with list positions: `prompts.2`."""
    path = path or field_name
    if isinstance(value, str):
        message = text_problem(value)
        if message:
            yield path, message
    elif isinstance(value, int) and not isinstance(value, bool):
        if not -INT_MAX <= value <= INT_MAX:
            yield path, INT_RANGE
    elif isinstance(value, datetime | date):
        message = date_problem(field_name, value)
        if message:
            yield path, message
    elif isinstance(value, time):
        message = time_problem(value)
        if message:
            yield path, message
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from value_problems(str(key), item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from value_problems(field_name, item, f"{path}.{index}")


def moment(field_name: str, value: datetime) -> datetime:
    """An aware, in-range date-time, or a ValidationError naming the field."""
    value = as_aware(value)
    message = date_problem(field_name, value)
    if message:
        raise ValidationError({field_name: message})
    return value


# Query strings -----------------------------------------------------------------------

QUERY_MAX = 500
# Page numbers past this are refused rather than turned into an OFFSET the database
# cannot hold (a page of 50 at page 100,000 is five million rows in).
PAGE_MAX = 100_000


def query_problems(query: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """What is wrong with a request's query string, by parameter name."""
    errors: dict[str, list[str]] = {}
    for name, values in query.items():
        name_problem = text_problem(name, QUERY_MAX)
        if name_problem:
            errors.setdefault("query", []).append(name_problem)
            continue
        for raw in values:
            message = text_problem(raw, QUERY_MAX)
            if message is None and name in ("page", "page_size") and raw != "":
                number = query_int(raw)
                if number is None:
                    message = NOT_A_NUMBER
                elif not 1 <= number <= PAGE_MAX:
                    message = PAGE_RANGE.format(limit=PAGE_MAX)
            if message:
                errors.setdefault(name, []).append(message)
    return errors


def query_int(raw: str | None) -> int | None:
    """A whole number from a query string, or None. ASCII digits only: str.isdigit() is
    true of "²", which int() refuses."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > QUERY_MAX:
        return None
    return int(raw)
