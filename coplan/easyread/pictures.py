"""A picture for every easy-read line: the element's own, or one chosen from its words.

Names are plain words ("shower", "bus"); the pictogram app turns a name into an OpenMoji
image, and `picture_box` draws it (templates/easyread/_picture.html is the one place the
easy-read pages draw a picture)."""

from __future__ import annotations

import re

ATTRIBUTION = "Pictures: OpenMoji, CC BY-SA 4.0"

# A word in a line -> the picture for it. The first word of the line found here wins.
WORD_PICTURES: dict[str, str] = {
    "shower": "shower", "wash": "shower", "washing": "shower", "bath": "bath",
    "breakfast": "breakfast", "toast": "breakfast", "lunch": "lunch", "dinner": "dinner",
    "tea": "tea", "cook": "cooking", "cooking": "cooking", "meal": "cooking",
    "bus": "bus", "train": "train", "travel": "bus", "ticket": "ticket", "card": "ticket",
    "college": "college", "school": "college", "class": "college", "work": "work",
    "music": "music", "sing": "music", "song": "music", "church": "church",
    "clothes": "clothes", "dress": "clothes", "dressed": "clothes", "outfit": "clothes",
    "cream": "cream", "skin": "cream", "medicine": "medicine", "tablets": "medicine",
    "doctor": "doctor", "sleep": "bed", "bed": "bed", "wake": "alarm", "up": "alarm",
    "art": "paint", "paint": "paint", "painting": "paint", "garden": "garden",
    "allotment": "garden", "plants": "garden", "library": "library", "book": "library",
    "swim": "swimming", "swimming": "swimming", "walk": "walk", "park": "walk",
    "shop": "shop", "shopping": "shop", "money": "money", "phone": "phone", "text": "phone",
    "friends": "friends", "friend": "friends", "mum": "family", "dad": "family",
    "family": "family", "sister": "family", "brother": "family", "cat": "cat", "dog": "dog",
    "animal": "dog", "animals": "dog", "game": "game", "gaming": "game", "bike": "bike",
    "bikes": "bike", "road": "road", "cross": "road", "lights": "traffic-light",
    "stranger": "stop", "strangers": "stop", "no": "stop", "safe": "safe", "time": "clock",
    "review": "meeting", "meeting": "meeting", "talk": "talk", "said": "talk",
    "agreed": "handshake", "chose": "tick", "choose": "choice", "choices": "choice",
    "why": "question", "goal": "star", "goals": "star", "week": "calendar",
    "monday": "calendar", "tuesday": "calendar", "wednesday": "calendar",
    "thursday": "calendar", "friday": "calendar", "saturday": "calendar",
    "sunday": "calendar", "morning": "sun", "evening": "moon", "night": "moon",
    "calm": "calm", "quiet": "calm", "happy": "happy", "step": "steps",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def picture_for(text: str, own: str = "", *, default: str = "") -> str:
    """The element's own picture if it has one, else the first word of `text` that has a
    picture, else `default` (the section's picture)."""
    if own:
        return own
    for word in _WORD.findall((text or "").lower()):
        if word in WORD_PICTURES:
            return WORD_PICTURES[word]
    return default
