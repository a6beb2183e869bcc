"""Demo easy-read words: the plan's staff wording put the way Dan, Priya and Marcus would
say it, for their easy-read plans (coplan/easyread). Written with each of them in the
story: short sentences, "I" and "my", one idea a line. Idempotent. All fictional."""

from __future__ import annotations

from coplan.accounts.models import Organisation, User
from coplan.easyread import services
from coplan.easyread.models import EasyWords
from coplan.people.models import Person

# person key -> [(the plan's wording, the easy-read words, picture)]
WORDS: dict[str, list[tuple[str, str, str]]] = {
    "daniel": [
        ("Morning routine", "My morning", "sun"),
        ("Wake with music", "I wake up slowly. My music is on.", "music"),
        ("Breakfast first", "I have breakfast first.", "breakfast"),
        ("Warm shower, fan off", "Then I have a warm shower. The fan is off.", "shower"),
        ("Clothes he chose last night", "I put on the clothes I picked.", "clothes"),
        ("Cream on", "I put my cream on. Staff help with my back.", "cream"),
        ("Evening: choose tomorrow's clothes", "My evening", "moon"),
        ("Two outfits on the bed", "I look at two outfits.", "clothes"),
        ("Put the chosen outfit on the chair", "I put the one I like on my chair.", "chair"),
    ],
    "priya": [
        (
            "Library quiet room (painting books)",
            "I go to the quiet room at the library.",
            "library",
        ),
        ("Community garden, Thursday quiet session", "I go to the garden. It is quiet.", "garden"),
        ("Art shop and cafe corner table", "I go to the art shop and the cafe.", "paint"),
        (
            "Painting at home or the park bench by the pond",
            "I paint at home or in the park.",
            "paint",
        ),
    ],
    "marcus": [
        ("Travelling to college on my own", "Going to college on my own", "bus"),
        (
            "Get the bus to college on my own",
            "My goal is to get the bus to college on my own.",
            "bus",
        ),
        ("Accompanied travel with active teaching", "Staff come with me and help me learn.", "bus"),
        ("Shadowing", "I lead the way. Staff follow behind me.", "walk"),
        ("Independent on the set route with check-ins", "I go on my own on my route.", "bus"),
        ("Checks the bus time on his phone", "I check the bus time on my phone.", "phone"),
        (
            "Crosses the ring road at the lights",
            "I cross the big road at the lights.",
            "traffic-light",
        ),
        ("Taps his travel card", "I tap my bus card.", "ticket"),
        ("Says no to strangers asking for money", "I say no if a stranger asks for money.", "stop"),
        ("Leaves on time for the 08:15 bus", "I leave on time for the 8:15 bus.", "clock"),
        ("Gets off at the college stop", "I get off at the college stop.", "college"),
        (
            "Texts staff at the bus stop and at college",
            "I text staff from the bus stop and college.",
            "phone",
        ),
        ("Texts at the bus stop on time", "I text staff from the bus stop.", "phone"),
        ("Texts from college on time", "I text staff when I get to college.", "phone"),
        (
            "Knows what to do if the bus does not come",
            "I know what to do if the bus does not come.",
            "bus",
        ),
    ],
}


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    by = staff.get("team_leader_elm") or next(iter(staff.values()))
    for key, rows in WORDS.items():
        person = people.get(key)
        if person is None:
            continue
        have = set(EasyWords.objects.filter(person=person).values_list("source", flat=True))
        for source, words, picture in rows:
            if source not in have:
                services.easy_words_set(
                    person=person, source=source, words=words, picture=picture, by=by
                )
