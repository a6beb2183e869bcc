"""Long forms in sections: what each section holds, what is filled and what is still needed,
worked out on the server so the summary is right without JavaScript (app.js keeps it up to
date as the user types)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.forms import BaseFormSet, BoundField

register = template.Library()


def _has_value(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set):
        return any(_has_value(v) for v in value)
    return True


@dataclass
class Section:
    key: str
    legend: str
    fields: list[BoundField] = field(default_factory=list)
    formset: BaseFormSet | None = None
    rows_filled: int = 0

    @property
    def total(self) -> int:
        return len([f for f in self.fields if not f.is_hidden])

    @property
    def filled(self) -> int:
        if self.formset is not None:
            return self.rows_filled
        return len([f for f in self.fields if not f.is_hidden and _has_value(f.value())])

    @property
    def missing(self) -> list[str]:
        """Required fields still empty (a list of rows needs at least one row)."""
        if self.formset is not None:
            return [] if self.rows_filled else [self.legend]
        return [
            str(f.label)
            for f in self.fields
            if f.field.required and not f.is_hidden and not _has_value(f.value())
        ]

    @property
    def has_errors(self) -> bool:
        if self.formset is not None:
            return bool(self.formset.non_form_errors()) or any(f.errors for f in self.formset)
        return any(f.errors for f in self.fields)

    @property
    def state(self) -> str:
        if self.formset is not None:
            return f"{self.rows_filled} filled in" if self.rows_filled else "none yet"
        return f"{self.filled} of {self.total} filled"


def _rows_filled(formset: BaseFormSet) -> int:
    filled = 0
    for form in formset.forms:
        if form.prefix and formset.can_delete and _has_value(form["DELETE"].value()):
            continue
        values = [bf.value() for bf in form.visible_fields() if bf.name not in ("DELETE", "ORDER")]
        if any(isinstance(v, str) and v.strip() for v in values):
            filled += 1
    return filled


@register.simple_tag
def form_sections(fieldsets: Iterable[tuple[str, list[BoundField]]], **formsets: Any) -> dict:
    """`{% form_sections form.fieldsets options=options as sections %}`: the form's fieldsets
    as sections, then each named row formset as a section of its own (after the fieldset
    whose position is given as `<name>_after`, 1-based). Returns {"sections", "filled",
    "needed", "open"}: the sections in order, the legends with something filled, what is
    still needed, and the key of the first section to show open."""
    sections = [
        Section(key=f"section-{i}", legend=str(legend), fields=list(fields))
        for i, (legend, fields) in enumerate(fieldsets, start=1)
    ]
    placed: list[tuple[int, Section]] = []
    for name, value in formsets.items():
        if name.endswith("_after") or not isinstance(value, tuple):
            continue
        legend, formset = value
        after = int(formsets.get(f"{name}_after", len(sections)))
        placed.append(
            (
                after,
                Section(
                    key=f"section-{name}",
                    legend=str(legend),
                    formset=formset,
                    rows_filled=_rows_filled(formset),
                ),
            )
        )
    for after, section in sorted(placed, key=lambda p: p[0], reverse=True):
        sections.insert(after, section)
    with_errors = [s.key for s in sections if s.has_errors]
    return {
        "sections": sections,
        "filled": [f"{s.legend} ({s.state})" for s in sections if s.filled],
        "needed": [m for s in sections for m in s.missing],
        "open": set(with_errors) or {sections[0].key} if sections else set(),
    }


@register.filter
def pair(legend: str, formset: BaseFormSet) -> tuple[str, BaseFormSet]:
    """`"Options discussed"|pair:options`: a legend and a row formset, for form_sections."""
    return (legend, formset)
