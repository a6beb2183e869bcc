"""Drawing a picture reference: an <img> with its label as alt text for a pictogram, a
library image or a photo; the word in a box for a word with no picture; a dashed box
where no picture is set. A person's own photo is drawn instead of the picture it stands
for when the page draws for that person."""

from __future__ import annotations

import textwrap
from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from coplan.pictures import catalogue, middleware, refs
from coplan.pictures.models import PersonPhoto

# Set on the request when a page draws a pictogram, so the footer credits OpenMoji.
SHOWN_FLAG = "_coplan_pictures_shown"


def word_box(word: str, size: int) -> SafeString:
    """The word in a box, wrapped on up to three lines (never cut off mid-word)."""
    lines = textwrap.wrap(word, 12, break_long_words=True, max_lines=3, placeholder="…")
    top = 64 - 9 * (len(lines) - 1)
    text = format_html_join(
        "",
        '<text x="60" y="{}" text-anchor="middle" font-size="16" fill="#1b1f23">{}</text>',
        ((top + 18 * i, line) for i, line in enumerate(lines)),
    )
    return format_html(
        '<svg class="picture-box" viewBox="0 0 120 120" width="{}" height="{}" role="img" '
        'aria-label="Picture: {}">'
        '<rect x="3" y="3" width="114" height="114" rx="10" fill="#ffffff" '
        'stroke="#1b1f23" stroke-width="4"/>{}'
        "</svg>",
        size,
        size,
        word,
        text,
    )


def empty_box(label: str, size: int) -> SafeString:
    return format_html(
        '<svg class="picture-box" viewBox="0 0 120 120" width="{}" height="{}" role="img" '
        'aria-label="Space for a picture of {}">'
        '<rect x="3" y="3" width="114" height="114" rx="10" fill="#ffffff" stroke="#4a5560" '
        'stroke-width="3" stroke-dasharray="10 7"/>'
        '<text x="60" y="56" text-anchor="middle" font-size="15" fill="#4a5560">Picture</text>'
        '<text x="60" y="76" text-anchor="middle" font-size="15" fill="#4a5560">here</text>'
        "</svg>",
        size,
        size,
        label,
    )


def openmoji_url(code: str) -> str:
    return f"{middleware.prefix()}{code}.svg"


def url_for(ref: refs.Ref) -> str | None:
    """Where the browser fetches the picture, or None when there is nothing to fetch."""
    if ref.kind == refs.OPENMOJI:
        return openmoji_url(ref.value) if catalogue.get(ref.value) else None
    if ref.kind == refs.LIBRARY:
        return reverse("pictures:library_file", args=[ref.id])
    if ref.kind == refs.PHOTO:
        return reverse("pictures:photo_file", args=[ref.id])
    pic = catalogue.for_word(ref.value) or catalogue.for_words_in(ref.value)
    return openmoji_url(pic.code) if pic else None


def preferred_photos(person: Any) -> dict[str, int]:
    """The person's "use my photo for this" choices, picture reference -> photo id; read
    once per person object (so once a page)."""
    cached = getattr(person, "_coplan_preferred_photos", None)
    if cached is None:
        rows = PersonPhoto.objects.filter(person=person).exclude(stands_for="")
        cached = {
            refs.canonical(stands_for): pk
            for pk, stands_for in rows.values_list("pk", "stands_for")
        }
        person._coplan_preferred_photos = cached
    return cached


def picture_html(
    raw: str, label: str = "", size: int = 96, *, person: Any = None, request: Any = None
) -> SafeString:
    ref = refs.parse(raw)
    if ref is None:
        return empty_box(label, size)
    if person is not None and ref.kind != refs.PHOTO:
        photo_id = preferred_photos(person).get(refs.canonical(raw))
        if photo_id is not None:
            ref = refs.Ref(refs.PHOTO, str(photo_id))
    url = url_for(ref)
    if url is None:
        return word_box(ref.value, size)
    if request is not None and ref.kind in (refs.OPENMOJI, refs.WORD):
        setattr(request, SHOWN_FLAG, True)
    alt = label
    if not alt and ref.kind == refs.OPENMOJI:
        pic = catalogue.get(ref.value)
        alt = pic.label if pic else ""
    if ref.kind in (refs.OPENMOJI, refs.WORD):
        return format_html(
            '<img class="picture picture-openmoji" src="{}" alt="{}" width="{}" height="{}" '
            'decoding="async">',
            url,
            alt or "Picture",
            size,
            size,
        )
    # A photo is cropped to the square; a pictogram is square already.
    return format_html(
        '<img class="picture picture-{}" src="{}" alt="{}" width="{}" height="{}" '
        'decoding="async" style="object-fit: cover; border-radius: 8px">',
        ref.kind,
        url,
        alt or "Picture",
        size,
        size,
    )
