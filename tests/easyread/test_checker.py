"""The plain-language checker: known-bad sentences are flagged for the right reason, and
plain sentences pass."""

import pytest

from coplan.easyread.checker import check, plainify, sentences

BAD = [
    # (text, the kind of flag it must raise, what the flag is about)
    (
        "Staff will support you with your breakfast and then with your shower and then with "
        "your clothes.",
        "long",
        "Staff will support you",
    ),
    ("Staff facilitate your morning.", "jargon", "facilitate"),
    ("Each competency counts.", "jargon", "competency"),
    ("We use a gestural prompt.", "jargon", "gestural prompt"),
    ("Staff help with personal care.", "jargon", "personal care"),
    ("We commence at nine.", "jargon", "commence"),
    ("You utilise the bus.", "jargon", "utilise"),
    ("Ring us in order to check in.", "jargon", "in order to"),
    ("The shower is offered after breakfast.", "passive", "is offered"),
    ("Your clothes were chosen last night.", "passive", "were chosen"),
    ("You are always helped by staff.", "passive", "are always helped"),
    ("The bus comes in twenty minutes.", "number", "twenty"),
    ("You have fifteen minutes.", "number", "fifteen"),
]

GOOD = [
    "I have breakfast first.",
    "Then I have a warm shower.",
    "I am tired in the morning.",
    "Staff help me with my back.",
    "I get the bus to college on my own.",
    "I leave at 8:15. I text staff from the bus stop.",
    "Shower now, or in ten minutes? The water is warm, not hot.",
    "I am worried when it is busy.",
]


@pytest.mark.parametrize(("text", "kind", "where"), BAD)
def test_known_bad_text_is_flagged(text, kind, where):
    report = check(text)
    flags = report.of_kind(kind)
    assert flags, f"{text!r} should raise a {kind} flag: {report.warnings}"
    assert where.lower() in flags[0].where.lower()


@pytest.mark.parametrize("text", GOOD)
def test_plain_text_passes(text):
    report = check(text)
    assert report.warnings == [], [w.message for w in report.warnings]


def test_jargon_comes_with_its_plain_words():
    flags = check("We facilitate personal care.").of_kind("jargon")
    assert [(f.where, f.suggestion) for f in flags] == [
        ("facilitate", "help"),
        ("personal care", "washing and dressing"),
    ]


def test_a_long_sentence_says_how_many_words():
    (flag,) = check(" ".join(["word"] * 16) + ".").of_kind("long")
    assert "16 words" in flag.message
    assert check(" ".join(["word"] * 15) + ".").of_kind("long") == []


def test_reading_ease_is_scored_and_hard_text_is_flagged():
    hard = (
        "Comprehensive multidisciplinary reassessment necessitates collaborative "
        "interprofessional communication regarding individualised interventions."
    )
    report = check(hard)
    assert report.reading_ease is not None and report.reading_ease < 30
    assert report.of_kind("reading")
    easy = check("I like my music. I like my tea. I like the park.")
    assert easy.reading_ease is not None and easy.reading_ease > 80
    assert easy.of_kind("reading") == []


def test_plainify_swaps_staff_words_and_keeps_a_capital():
    assert plainify("Competencies for stage 2") == "Things you can do for stage 2"
    assert plainify("No gestural prompts needed") == "No pointing needed"


def test_a_line_break_ends_a_sentence():
    assert sentences("Breakfast first\nShower later. Then clothes.") == [
        "Breakfast first",
        "Shower later.",
        "Then clothes.",
    ]


def test_empty_text_has_no_flags():
    assert check("").warnings == [] and check("   ").warnings == []
