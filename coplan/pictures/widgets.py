"""The picture picker: the current picture, a search box that finds pictures by word (htmx,
GET /pictures/search/), and results as large buttons that fill the hidden field. Without
JavaScript it is a plain choice of care words (a <select> shown inside <noscript>)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from coplan.pictures import catalogue, refs, render


def word_choices() -> list[tuple[str, str]]:
    return [(word, word) for word in sorted(catalogue.CARE_WORDS)]


class PicturePicker(forms.Widget):
    # In the app's own templates folder: Django's form renderer looks only there.
    template_name = "pictures/picker_widget.html"
    KEEP, NONE = "", "-"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        raw = value or ""
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = {
            "id": widget_id,
            "value": raw,
            "preview": render.picture_html(raw, self._label(raw), 64),
            "label": self._label(raw),
            "search_url": reverse("pictures:search"),
            "words": word_choices(),
            "keep": self.KEEP,
            "none": self.NONE,
        }
        return context

    @staticmethod
    def _label(raw: str) -> str:
        ref = refs.parse(raw)
        if ref is None:
            return "No picture yet"
        if ref.kind == refs.OPENMOJI:
            pic = catalogue.get(ref.value)
            return pic.label if pic else raw
        if ref.kind == refs.WORD:
            return ref.value
        return {"library": "Our own picture", "photo": "A photo"}[ref.kind]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        word = (data.get(f"{name}_word") or "").strip()
        if word == self.NONE:
            return ""
        if word:
            return refs.canonical(word)
        typed = (data.get(f"{name}_q") or "").strip()
        if typed:
            # Typed but not tapped (or no JavaScript): the best match for the word.
            found = catalogue.search(typed, limit=1)
            return found[0].ref if found else typed
        return (data.get(name) or "").strip()

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return all(key not in data for key in (name, f"{name}_word", f"{name}_q"))

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_q" if id_ else id_


class PictureField(forms.CharField):
    """A picture reference (coplan/pictures/refs), chosen with the picker. A care word is
    stored as its pictogram; a reference to a pictogram that does not exist is refused."""

    widget = PicturePicker
    HELP = "Search for a picture by word, e.g. shower or bus."

    def __init__(self, *, max_length: int = catalogue.MAX_REF, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Picture")
        kwargs.setdefault("help_text", self.HELP)
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> str:
        return refs.canonical(super().to_python(value) or "")

    def validate(self, value: str) -> None:
        super().validate(value)
        ref = refs.parse(value)
        if ref is not None and ref.kind == refs.OPENMOJI and catalogue.get(ref.value) is None:
            raise forms.ValidationError("There is no such picture. Please search again.")
