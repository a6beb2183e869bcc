"""The plain-language checker, for text the person will read: goal words, routine steps,
choice labels and easy-read lines.

It flags what easy-read guidance (Mencap, the Department of Health's "Making written
information easier to understand") asks writers to avoid: sentences over 15 words, staff
jargon (with the plain words to use instead), the passive voice, numbers over ten written
as words, and text that is hard to read (Flesch reading ease, from textstat). It is a
helper for the writer, never a gate: nothing is refused because of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import textstat

MAX_WORDS = 15
# Flesch reading ease: 60-70 is "plain English"; easy read aims higher. Below this we warn,
# but only on text long enough for the score to mean something.
MIN_READING_EASE = 60.0
MIN_WORDS_FOR_EASE = 8

# Staff words -> plain words. Longest phrases are matched first, so "gestural prompt"
# wins over "prompt".
JARGON: dict[str, str] = {
    "facilitate": "help",
    "facilitates": "helps",
    "facilitated": "helped",
    "competencies": "things you can do",
    "competency": "thing you can do",
    "gestural prompts": "pointing",
    "gestural prompt": "pointing",
    "verbal prompts": "reminders",
    "verbal prompt": "reminder",
    "physical prompts": "a hand to help",
    "physical prompt": "a hand to help",
    "prompts": "reminders",
    "prompting": "reminding",
    "personal care": "washing and dressing",
    "commence": "start",
    "commences": "starts",
    "utilise": "use",
    "utilize": "use",
    "in order to": "to",
    "prior to": "before",
    "subsequent to": "after",
    "subsequently": "then",
    "assist": "help",
    "assistance": "help",
    "regarding": "about",
    "in relation to": "about",
    "sufficient": "enough",
    "approximately": "about",
    "additional": "more",
    "obtain": "get",
    "require": "need",
    "requires": "needs",
    "ensure": "make sure",
    "demonstrate": "show",
    "demonstrates": "shows",
    "participate": "take part",
    "accompanied": "with someone",
    "accompany": "go with",
    "independently": "on your own",
    "service user": "person",
    "individual": "person",
    "implement": "start",
    "ascertain": "find out",
    "objective": "goal",
    "intervention": "help",
    "escalate": "get help",
    "monitor": "keep an eye on",
    "appropriate": "right",
    "medication": "medicine",
    "administer": "give",
    "nutrition": "food",
    "hydration": "drinks",
    "mobilise": "move",
    "capacity": "being able to decide",
    "best interests": "what is best for you",
    "risk assessment": "plan to keep you safe",
    "contingency": "back-up plan",
    "safeguarding": "keeping you safe",
    "safeguards": "ways to keep you safe",
    "criteria": "what you need to do",
    "active teaching": "learning with help",
    "shadowing": "staff follow behind",
    "in the event of": "if",
    "de-escalate": "help you feel calm",
}
_JARGON_RE = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(JARGON, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)

_BE = {"am", "is", "are", "was", "were", "be", "been", "being", "isn't", "aren't", "wasn't"}
_IRREGULAR_PARTICIPLES = {
    "given", "taken", "shown", "done", "made", "seen", "known", "told", "written", "chosen",
    "brought", "kept", "held", "left", "put", "paid", "sent", "found", "built", "driven",
    "eaten", "worn", "woken", "bought", "taught", "caught", "got", "gotten", "heard", "met",
    "spoken", "forgotten", "understood", "agreed", "offered", "asked", "helped", "allowed",
}  # fmt: skip
# "-ed" words that describe how someone feels, or are not verbs at all: "I am tired" is
# fine easy read, not a passive.
_NOT_PASSIVE = {
    "tired", "worried", "pleased", "scared", "bored", "excited", "interested", "married",
    "relaxed", "stressed", "confused", "annoyed", "upset", "need", "bed", "red", "shed",
    "seed", "speed", "feed", "indeed", "used", "supposed", "shared", "ashamed", "embarrassed",
}  # fmt: skip
_ADVERB = re.compile(r"ly$")
_BETWEEN = {"not", "never", "always", "often", "sometimes", "also", "just", "still", "being"}

_NUMBER_WORDS = {
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
    "eighty": "80", "ninety": "90", "hundred": "100", "thousand": "1,000",
}  # fmt: skip

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’:.,-]*[A-Za-z0-9]|[A-Za-z0-9]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Flag:
    kind: str  # long, jargon, passive, number, reading
    message: str
    where: str = ""  # the sentence or word it is about
    suggestion: str = ""


@dataclass
class Report:
    text: str
    warnings: list[Flag] = field(default_factory=list)
    reading_ease: float | None = None
    words: int = 0

    @property
    def ok(self) -> bool:
        return not self.warnings

    def of_kind(self, kind: str) -> list[Flag]:
        return [w for w in self.warnings if w.kind == kind]


def sentences(text: str) -> list[str]:
    """The text's sentences; a line break ends one too (one idea per line)."""
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s and s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text or "")


def _passives(sentence: str) -> list[str]:
    tokens = [t.lower().strip(".,;:!?\"'’") for t in sentence.split()]
    found = []
    for i, token in enumerate(tokens):
        if token not in _BE:
            continue
        j = i + 1
        if j < len(tokens) and (_ADVERB.search(tokens[j]) or tokens[j] in _BETWEEN):
            j += 1
        if j >= len(tokens):
            continue
        nxt = tokens[j]
        if nxt in _NOT_PASSIVE:
            continue
        if nxt in _IRREGULAR_PARTICIPLES or (len(nxt) > 4 and nxt.endswith("ed")):
            found.append(" ".join(sentence.split()[i : j + 1]).strip(".,;:!?"))
    return found


def check(text: str) -> Report:
    """Every warning for `text`, in the order they occur by kind."""
    text = text or ""
    report = Report(text=text, words=len(words(text)))
    if not text.strip():
        return report
    for sentence in sentences(text):
        count = len(words(sentence))
        if count > MAX_WORDS:
            report.warnings.append(
                Flag(
                    "long",
                    f"This sentence has {count} words. Keep it to {MAX_WORDS} or fewer: "
                    "split it in two.",
                    where=sentence,
                )
            )
        for phrase in _passives(sentence):
            report.warnings.append(
                Flag(
                    "passive",
                    f"“{phrase}” may be passive. Say who does it: “Staff help you”, "
                    "not “You are helped”.",
                    where=phrase,
                )
            )
    seen: set[str] = set()
    for match in _JARGON_RE.finditer(text):
        word = match.group(1)
        if word.lower() in seen:
            continue
        seen.add(word.lower())
        plain = JARGON[word.lower()]
        report.warnings.append(
            Flag("jargon", f"“{word}” is a staff word. Try “{plain}”.", word, plain)
        )
    for token in words(text):
        digits = _NUMBER_WORDS.get(token.lower())
        if digits:
            report.warnings.append(Flag("number", f"Write “{token}” as {digits}.", token, digits))
    if report.words >= MIN_WORDS_FOR_EASE:
        report.reading_ease = round(float(textstat.flesch_reading_ease(text)), 1)
        if report.reading_ease < MIN_READING_EASE:
            report.warnings.append(
                Flag(
                    "reading",
                    f"Reading ease is {report.reading_ease:g} (aim for {MIN_READING_EASE:g} "
                    "or more). Use shorter words and sentences.",
                )
            )
    return report


def plainify(text: str) -> str:
    """Staff words swapped for plain words, keeping a capital at the start of a line."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(1)
        plain = JARGON[word.lower()]
        return plain[0].upper() + plain[1:] if word[0].isupper() else plain

    return _JARGON_RE.sub(swap, text or "")
