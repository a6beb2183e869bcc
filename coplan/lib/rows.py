"""Hand-written reads for the few lookups every request makes.

Django builds a query's SQL anew each time it runs it, and on a slow core that costs about
a millisecond a query: more than the database takes to answer. For the lookups on every
request (the API token, the person in the URL, the running booking, the version in force)
the SQL here is written once, with its columns taken from the models' own metadata, and
the rows become model instances through the same converters the ORM applies. Only model
metadata is formatted into SQL; every value is a parameter.

    sql = f"SELECT {columns(Person, 'p')}, {columns(Service, 's')} FROM ... WHERE p.id = %s"
    for person, service in fetch(sql, [pk], Person, Service): ...
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, TypeVar, cast

from django.db import connection, models

M = TypeVar("M", bound=models.Model)


# A key beyond a signed 64-bit column matches no row (as the ORM's lookups answer); passed to
# the database, SQLite cannot bind it and PostgreSQL refuses it with an error.
KEY_RANGE = range(-(2**63), 2**63)


def a_key(value: int) -> bool:
    """Whether `value` can be a row's id (an id from a URL can be any whole number)."""
    return value in KEY_RANGE


def moment(value: datetime) -> Any:
    """A date and time as the database takes it (SQLite: naive UTC text), as the ORM passes
    a DateTimeField's value."""
    return connection.ops.adapt_datetimefield_value(value)


def quote(name: str) -> str:
    return _quoted(name, connection.vendor)


@cache
def _quoted(name: str, vendor: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    return quote(model._meta.db_table)


def column(model: type[models.Model], field_name: str) -> str:
    """One field's column, quoted."""
    field = cast(models.Field, model._meta.get_field(field_name))
    return quote(cast(str, field.column))


def columns(model: type[models.Model], alias: str) -> str:
    """The model's concrete columns, in field order, for a select list."""
    return _columns(model, alias, connection.vendor)


@cache
def _columns(model: type[models.Model], alias: str, vendor: str) -> str:
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


@cache
def _converters(model: type[models.Model], vendor: str) -> tuple[tuple[int, Any, list], ...]:
    """For each column that needs it: its index, its expression and the ORM's converters."""
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        col = field.cached_col
        chain = connection.ops.get_db_converters(col) + field.get_db_converters(connection)  # type: ignore[attr-defined]
        if chain:
            found.append((index, col, chain))
    return tuple(found)


def _instance(model: type[M], values: list[Any]) -> M:
    for index, col, chain in _converters(model, connection.vendor):
        value = values[index]
        for convert in chain:
            value = convert(value, col, connection)
        values[index] = value
    # Every concrete field is there, in order, so from_db needs no field names.
    return model.from_db(connection.alias, (), values)


def fetch(sql: str, params: Sequence[Any], *models_: type[models.Model]) -> list[tuple]:
    """Run `sql`, whose select list is `columns(...)` of each model in turn (then any plain
    values), and return each row as a tuple of instances followed by those values."""
    widths = [len(m._meta.concrete_fields) for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        start, built = 0, []
        for model, width in zip(models_, widths, strict=True):
            built.append(_instance(model, list(row[start : start + width])))
            start += width
        out.append((*built, *row[start:]))
    return out


def relate(instance: models.Model, field_name: str, related: models.Model) -> None:
    """Set a foreign key's cached object, as select_related does, so reading it makes no
    query."""
    instance._meta.get_field(field_name).set_cached_value(instance, related)  # type: ignore[union-attr]


def prefetched(instance: models.Model, name: str, related: list[models.Model]) -> None:
    """Hand `related` to `instance.<name>.all()`, as prefetch_related does, so reading the
    rows makes no query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = related
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {  # type: ignore[attr-defined]
        **getattr(instance, "_prefetched_objects_cache", {}),
        name: queryset,
    }
