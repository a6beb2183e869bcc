"""The stored form of a picture, short enough for the existing picture columns (40 chars):

- "openmoji:1F6BF"  an OpenMoji pictogram, by code;
- "library:12"      one of the provider's own images;
- "photo:7"         one of a person's own photos;
- anything else     a word typed before pictures were drawn in ("shower"); a care word
                    still draws its pictogram, another word its name in a box.
"""

from __future__ import annotations

from dataclasses import dataclass

from coplan.pictures import catalogue

OPENMOJI, LIBRARY, PHOTO, WORD = "openmoji", "library", "photo", "word"


@dataclass(frozen=True)
class Ref:
    kind: str
    value: str

    def __str__(self) -> str:
        return self.value if self.kind == WORD else f"{self.kind}:{self.value}"

    @property
    def id(self) -> int | None:
        return int(self.value) if self.kind in (LIBRARY, PHOTO) else None


def parse(raw: str) -> Ref | None:
    """The reference in a stored value, or None for an empty one."""
    raw = (raw or "").strip()
    if not raw:
        return None
    kind, sep, value = raw.partition(":")
    if sep:
        kind = kind.lower()
        if kind == OPENMOJI and catalogue.CODE.match(value.upper()):
            return Ref(OPENMOJI, value.upper())
        if kind in (LIBRARY, PHOTO) and value.isdigit() and len(value) < 12:
            return Ref(kind, str(int(value)))
    return Ref(WORD, raw)


def canonical(raw: str) -> str:
    """A care word as its OpenMoji reference ("shower" -> "openmoji:1F6BF"); anything else
    as it is."""
    ref = parse(raw)
    if ref is None:
        return ""
    if ref.kind == WORD:
        pic = catalogue.for_word(ref.value)
        if pic is not None:
            return pic.ref
    return str(ref)


def openmoji(code: str) -> str:
    return f"{OPENMOJI}:{code}"


def library(pk: int) -> str:
    return f"{LIBRARY}:{pk}"


def photo(pk: int) -> str:
    return f"{PHOTO}:{pk}"
