"""Demo plan-in-practice data, made through the services: Daniel's morning routine (version 1
from the old, superseded decision; version 2 from the re-co-produced one), Priya's weekly
rhythm, and staff instructions. Idempotent: a person who already has routines or rhythms is
left alone. Looks up the planning demo's agreed decisions, and makes its own only if they
are missing. All fictional.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from coplan.accounts.models import Organisation, User
from coplan.people.models import Person
from coplan.planning.models import Decision
from coplan.support import services

DANIEL_V2_STARTS = 18  # days ago: when the re-co-produced decision was agreed
DANIEL_V1_STARTS = 60
PRIYA_RHYTHM_STARTS = 28


def _days_ago(days: int, hour: int = 9) -> datetime:
    day = timezone.localdate() - timedelta(days=days)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def _decision(person: Person, by: User, *, words: str, question: str, agreed: str) -> Decision:
    """The planning demo's agreed decision about this, or a minimal one if it made none."""
    found = (
        Decision.objects.filter(person=person, status=Decision.Status.AGREED, domain="support")
        .filter(question__icontains=words)
        .order_by("-agreed_at")
        .first()
    )
    if found is not None:
        return found
    return Decision.objects.create(
        person=person,
        domain="support",
        question=question,
        agreed=agreed,
        status=Decision.Status.AGREED,
        agreed_by=by,
        agreed_at=_days_ago(DANIEL_V2_STARTS + 1),
        created_by=by,
    )


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    leader = staff.get("team_leader_elm") or staff.get("manager_elm")
    if leader is None:
        return
    if "daniel" in people and not people["daniel"].routines.exists():
        _daniel(people["daniel"], leader)
    if "priya" in people and not people["priya"].rhythms.exists():
        _priya(people["priya"], leader)
    if "marcus" in people and not people["marcus"].staff_instructions.exists():
        _marcus(people["marcus"], leader)
    for person in people.values():
        _made_before_in_force(person)


def _made_before_in_force(person: Person) -> None:
    """The demo makes every version today; in its story each was written the day before it
    came in force. Without this the shift view would show a worker every version as "new
    or changed in the last week" (a version reaches staff when it is made or comes in
    force, whichever is later)."""
    for kind in services.KINDS.values():
        kind.version_model._default_manager.filter(
            **{f"{kind.element_field}__person": person}, created_at__gt=F("effective_from")
        ).update(created_at=F("effective_from") - timedelta(days=1))


OLD_STEPS = [
    {
        "title": "Wake Dan",
        "agreed_words": "Morning Dan, time to get up.",
        "window_start": time(7, 15),
        "window_end": time(7, 30),
        "picture": "alarm",
    },
    {
        "title": "Shower",
        "agreed_words": "Shower time now.",
        "window_start": time(7, 30),
        "window_end": time(8, 0),
        "picture": "shower",
    },
    {
        "title": "Get dressed",
        "window_start": time(8, 0),
        "window_end": time(8, 20),
        "picture": "clothes",
    },
    {
        "title": "Breakfast",
        "window_start": time(8, 20),
        "window_end": time(9, 0),
        "picture": "breakfast",
    },
]

NEW_STEPS = [
    {
        "title": "Wake with music",
        "agreed_words": "Morning Dan. Your music is on. Take your time.",
        "window_start": time(8, 0),
        "window_end": time(8, 15),
        "avoid": "The big light. Talking over the music. Saying 'shower' yet.",
        "picture": "music",
    },
    {
        "title": "Breakfast first",
        "agreed_words": "Breakfast is ready when you are. Toast?",
        "window_start": time(8, 15),
        "window_end": time(8, 45),
        "avoid": "Hurrying him. More than one person in the kitchen.",
        "picture": "breakfast",
    },
    {
        "title": "Warm shower, fan off",
        "agreed_words": "Shower now, or in ten minutes? The water is warm, not hot.",
        "window_start": time(8, 45),
        "window_end": time(9, 30),
        "avoid": "Hot water (eczema). The noisy fan. Waiting outside the door.",
        "picture": "shower",
    },
    {
        "title": "Clothes he chose last night",
        "agreed_words": "Here are the clothes you picked.",
        "window_start": time(9, 15),
        "window_end": time(9, 45),
        "avoid": "Offering new choices now.",
        "picture": "clothes",
    },
    {
        "title": "Cream on",
        "agreed_words": "Cream time. You do your arms, I'll help with your back?",
        "window_start": time(9, 30),
        "window_end": time(10, 0),
        "picture": "cream",
    },
]


def _daniel(dan: Person, leader: User) -> None:
    new = _decision(
        dan,
        leader,
        words="mornings",
        question="How should Dan's mornings go?",
        agreed="Breakfast first, shower later, clothes chosen the night before.",
    )
    old = new.supersedes if new.supersedes_id else None
    routine = services.routine_create(
        person=dan,
        name="Morning routine",
        decisions=[old or new],
        steps=OLD_STEPS,
        agency_summary="Wake Dan at 7:15.\nShower before breakfast.",
        activate=True,
        effective_from=_days_ago(DANIEL_V1_STARTS, 7),
        by=leader,
    )
    services.routine_revise(
        routine=routine,
        based_on=routine.version,
        decisions=[new],
        steps=NEW_STEPS,
        change_reason="Re-co-produced with Dan in a day-in-the-life session: breakfast first, "
        "shower later when he is calm, clothes chosen the night before. Staff had said the "
        "7:30 shower was not practical; refusals were most mornings.",
        agency_summary="Music on at 8, no big light.\nBreakfast FIRST; do not mention the "
        "shower before.\nShower warm not hot, fan off, Dan chooses now or in ten minutes.\n"
        "Clothes: the ones he chose last night.",
        effective_from=_days_ago(DANIEL_V2_STARTS, 8),
        by=leader,
    )
    services.routine_create(
        person=dan,
        name="Evening: choose tomorrow's clothes",
        decisions=[new],
        steps=[
            {
                "title": "Two outfits on the bed",
                "agreed_words": "Which one for tomorrow, this or this?",
                "window_start": time(20, 0),
                "window_end": time(21, 0),
                "avoid": "More than two choices.",
                "picture": "clothes",
            },
            {"title": "Put the chosen outfit on the chair", "picture": "chair"},
        ],
        agency_summary="At 8pm offer two outfits; Dan chooses one for the morning.",
        activate=True,
        effective_from=_days_ago(DANIEL_V2_STARTS, 20),
        by=leader,
    )
    services.instruction_create(
        person=dan,
        category="sensory",
        title="Light, water and noise",
        text="Use the lamp, not the big light. Shower water warm, not hot. Bathroom fan off.",
        decisions=[new],
        effective_from=_days_ago(DANIEL_V2_STARTS, 20),
        by=leader,
    )
    services.instruction_create(
        person=dan,
        category="communication",
        title="One thing at a time",
        text="Short sentences, one step at a time, then wait. If Dan goes quiet and rocks, "
        "step back and offer music.",
        decisions=[new],
        effective_from=_days_ago(DANIEL_V2_STARTS, 20),
        by=leader,
    )


def _priya(priya: Person, leader: User) -> None:
    decision = _decision(
        priya,
        leader,
        words="week",
        question="What should Priya's week look like?",
        agreed="Two priority activities in quiet places and two flexible options.",
    )
    services.rhythm_create(
        person=priya,
        name="Priya's week",
        decisions=[decision],
        entries=[
            {
                "day": 1,
                "time": time(10, 30),
                "activity": "Library quiet room (painting books)",
                "picture": "openmoji:1F4DA",
                "kind": "priority",
                "notes": "Bus 12 from the stop by the chemist: the route Priya knows.",
            },
            {
                "day": 3,
                "time": time(14, 0),
                "activity": "Community garden, Thursday quiet session",
                "picture": "openmoji:1FAB4",
                "kind": "priority",
                "notes": "Walk along the canal; avoid the high street.",
            },
            {
                "day": 5,
                "time": time(11, 0),
                "activity": "Art shop and cafe corner table",
                "picture": "openmoji:1F3A8",
                "kind": "flexible",
            },
            {
                "day": 6,
                "time": time(15, 0),
                "activity": "Painting at home or the park bench by the pond",
                "picture": "openmoji:1F3A8",
                "kind": "flexible",
            },
        ],
        alternatives="Library closed: the museum quiet gallery, same bus\n"
        "Too busy or raining: painting at home with a new set of paper\n"
        "Bus not running: the canal walk to the garden",
        preparation="Lay out clothes Priya picked (layers, the green coat)\n"
        "Travel card topped up, in the coat pocket\n"
        "Preferred snack packed: apple slices and oat bar\n"
        "Tell Priya tomorrow's plan with the picture card",
        choice_prompt="Today is library day. Library now, or after lunch? You can say no.",
        agency_summary="Offer the choice once, with the picture card; do not repeat the "
        "question.\nQuiet places and the known route only.\nRecord what Priya chose or the "
        "adjustment, not just 'declined'.",
        activate=True,
        effective_from=_days_ago(PRIYA_RHYTHM_STARTS, 10),
        by=leader,
    )
    services.instruction_create(
        person=priya,
        category="communication",
        title="Choice prompts, not repeated questions",
        text="Ask once, with the picture card, and give time. Repeated questions feel like "
        "pressure and Priya will say no.",
        decisions=[decision],
        effective_from=_days_ago(PRIYA_RHYTHM_STARTS, 10),
        by=leader,
    )


def _marcus(marcus: Person, leader: User) -> None:
    decision = (
        Decision.objects.filter(person=marcus, status=Decision.Status.AGREED)
        .order_by("-agreed_at")
        .first()
    )
    if decision is None:
        return
    services.instruction_create(
        person=marcus,
        category="communication",
        title="Talk through the route before leaving",
        text="Before any trip, Marcus tells you the route and the check-in points in his own "
        "words. Praise what he gets right; prompt only what he misses.",
        decisions=[decision],
        effective_from=min(decision.agreed_at or timezone.now(), timezone.now()),
        by=leader,
    )
