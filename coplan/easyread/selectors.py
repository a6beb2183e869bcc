"""The person's own version of their plan, and of one decision, as easy-read lines.

One idea a line, each with a picture: the goals in the person's words, the routines and the
week as they are in force now (support's versions in force), the risk plan's current stage
in plain words (never "competencies" or "prompts"), and the next review. Lines the staff
wording of which has easy-read words (`EasyWords`) use them; the rest are the plan's words
with staff terms swapped for plain ones (checker.plainify). Every output is checked before
it is shown (`checked`), so staff see what still needs plainer words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, time

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format

from coplan.easyread import checker
from coplan.easyread.pictures import ATTRIBUTION, picture_for
from coplan.people.models import CommunicationNeed, Person
from coplan.planning.models import Decision, DecisionOption, Goal, SessionChoice
from coplan.reviews.models import Review
from coplan.risk.models import Competency, RiskPlan, RiskStage
from coplan.support import selectors as support_selectors
from coplan.support.models import Weekday


@dataclass
class Line:
    text: str
    picture: str
    when: str = ""  # a time or a day, shown before the words
    source: str = ""  # the plan's own (staff) wording the line was made from
    chosen: bool = False  # a decision's choice that was agreed

    @property
    def spoken(self) -> str:
        return f"{self.when}. {self.text}" if self.when else self.text

    @property
    def key(self) -> str:
        return hashlib.sha256(self.spoken.encode()).hexdigest()[:20]


@dataclass
class Section:
    title: str
    picture: str
    lines: list[Line] = field(default_factory=list)


@dataclass
class EasyRead:
    title: str
    person: Person
    sections: list[Section]
    attribution: str = ATTRIBUTION

    @property
    def lines(self) -> list[Line]:
        """Every line in reading order, the section titles included (they are read too)."""
        found = []
        for section in self.sections:
            found.append(Line(section.title, section.picture))
            found.extend(section.lines)
        return found

    @property
    def numbered(self) -> list[dict]:
        """The sections, each with the index of its title and of each line in `lines` (the
        order the audio reads them in, so the player can highlight each as it plays)."""
        at = 0
        found = []
        for section in self.sections:
            rows = [(at + 1 + i, line) for i, line in enumerate(section.lines)]
            found.append({"section": section, "index": at, "lines": rows})
            at += 1 + len(section.lines)
        return found

    @property
    def key(self) -> str:
        spoken = "\n".join(line.spoken for line in self.lines)
        return hashlib.sha256(spoken.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class LineCheck:
    line: str
    flags: list[checker.Flag]


def checked(easy: EasyRead) -> list[LineCheck]:
    """The checker's flags for each line that has any."""
    found = []
    for line in [Line(easy.title, "")] + easy.lines:
        report = checker.check(line.text)
        if report.warnings:
            found.append(LineCheck(line.text, report.warnings))
    return found


def _clock(value: time | None) -> str:
    """8 am, 8:15 am, 2 pm: the way the time is said."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes} {'am' if value.hour < 12 else 'pm'}"


def _day(value: date) -> str:
    return date_format(value, "l j F")


def _sentence(text: str) -> str:
    text = " ".join((text or "").split()).strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


_ES_ENDINGS = ("sses", "shes", "ches", "xes", "zes", "oes")
_THIRD_TO_FIRST = {" his ": " my ", " him ": " me ", " he ": " I ", " himself ": " myself ",
                   " her ": " my ", " she ": " I ", " herself ": " myself "}  # fmt: skip


def _first_person(text: str) -> str:
    """ "Checks the bus time on his phone." -> "I check the bus time on my phone.": what
    staff write about the person, said as the person would say it. Left as it is when it
    does not start with a verb ending in -s."""
    first, _, rest = text.partition(" ")
    lower = first.lower()
    if not rest or not lower.endswith("s") or lower.endswith("ss") or len(lower) < 4:
        return text
    verb = lower[:-2] if lower.endswith(_ES_ENDINGS) else lower[:-1]
    if lower == "says":
        verb = "say"
    sentence = f" {verb} {rest} "
    for third, first_person in _THIRD_TO_FIRST.items():
        sentence = sentence.replace(third, first_person)
    return "I" + sentence.rstrip()


class _Words:
    """The person's easy-read words, looked up by the plan's wording (one query)."""

    def __init__(self, person: Person):
        self.by_source = {w.source.strip().lower(): w for w in person.easy_words.all()}

    def line(self, source: str, *, picture: str = "", default: str = "", when: str = "") -> Line:
        own = self.by_source.get(source.strip().lower())
        if own is not None:
            text = _sentence(own.words)
            return Line(
                text, picture_for(text, own.picture or picture, default=default), when, source
            )
        text = _sentence(checker.plainify(source))
        return Line(text, picture_for(text, picture, default=default), when, source)


def _goal_section(person: Person, goals: list[Goal], words: _Words) -> Section | None:
    if not goals:
        return None
    section = Section("My goals", "star")
    for goal in goals:
        # The goal is in the person's own words: kept as they said it.
        text = _sentence(goal.in_own_words)
        section.lines.append(
            Line(text, picture_for(text, goal.picture, default="star"), source=text)
        )
    return section


def _routine_sections(person: Person, words: _Words) -> list[Section]:
    sections = []
    versions = support_selectors.routines_in_force([person.pk])
    # In the order of the day: the routine whose first step comes earliest first.
    versions.sort(
        key=lambda v: min(
            (s.window_start for s in v.steps.all() if s.window_start), default=time.max
        )
    )
    for version in versions:
        name = version.routine.name
        first = next((s.picture for s in version.steps.all() if s.picture), "")
        heading = words.line(name, picture=first, default="clock")
        title = heading.text.rstrip(".")
        if not title.lower().startswith("my "):
            title = f"My {title[:1].lower()}{title[1:]}"
        section = Section(title, heading.picture)
        for step in version.steps.all():
            section.lines.append(
                words.line(
                    step.title,
                    picture=step.picture,
                    default="clock",
                    when=_clock(step.window_start),
                )
            )
        sections.append(section)
    return sections


def _week_sections(person: Person, words: _Words) -> list[Section]:
    sections = []
    days = dict(Weekday.choices)
    for version in support_selectors.rhythms_in_force([person.pk]):
        section = Section("My week", "calendar")
        entries = version.day_entries  # type: ignore[attr-defined]  # set by the prefetch
        for entry in sorted(entries, key=lambda e: (e.day, e.time or time.min)):
            when = str(days[entry.day])
            if entry.time:
                when += f" {_clock(entry.time)}"
            line = words.line(entry.activity, picture=entry.picture, default="calendar", when=when)
            if not entry.is_priority:
                line.text += " If I want to."
            section.lines.append(line)
        sections.append(section)
    return sections


def _risk_sections(person: Person, words: _Words) -> list[Section]:
    plans = (
        RiskPlan.objects.filter(person=person, is_active=True, current_stage__isnull=False)
        .select_related("current_stage")
        .prefetch_related(
            Prefetch("stages", queryset=RiskStage.objects.order_by("number")),
            Prefetch(
                "current_stage__competencies", queryset=Competency.objects.order_by("position")
            ),
        )
    )
    sections = []
    for plan in plans:
        stage = plan.current_stage
        assert stage is not None
        total = len(plan.stages.all())
        section = Section(
            words.line(plan.title).text.rstrip("."), picture_for(plan.title, default="safe")
        )
        goal = words.line(plan.goal_kept, default="star")
        section.lines.append(goal)
        section.lines.append(Line(f"I am on step {stage.number} of {total}.", "steps"))
        section.lines.append(words.line(stage.title, default="steps"))
        if stage.competencies.all():
            section.lines.append(Line("I am learning to do these things:", "star"))
            for competency in stage.competencies.all():
                line = words.line(competency.text, default="tick")
                if line.text == _sentence(checker.plainify(competency.text)):
                    line.text = _first_person(line.text)
                section.lines.append(line)
            if stage.number < total:
                section.lines.append(
                    Line("When I can do them on my own, we talk about the next step.", "talk")
                )
        sections.append(section)
    return sections


def next_review_on(person: Person) -> date | None | bool:
    """True while a review is open; else the soonest date a review or an agreed decision
    is due to be looked at again (None if there is none)."""
    reviews = list(Review.objects.filter(person=person).only("status", "next_review_on"))
    if any(r.is_open for r in reviews):
        return True
    today = timezone.localdate()
    dates = [r.next_review_on for r in reviews if r.next_review_on and r.next_review_on >= today]
    dates += [
        d
        for d in Decision.objects.filter(
            person=person, status=Decision.Status.AGREED, review_by__gte=today
        ).values_list("review_by", flat=True)
        if d is not None
    ]
    return min(dates) if dates else None


def _review_section(person: Person) -> Section:
    section = Section("My next review", "meeting")
    when = next_review_on(person)
    if when is True:
        section.lines.append(Line("We are looking at my plan now.", "meeting"))
        section.lines.append(Line("You can tell us what you think.", "talk"))
    elif isinstance(when, date):
        section.lines.append(Line(f"We look at my plan again on {_day(when)}.", "calendar"))
    else:
        section.lines.append(Line("We have not picked a day yet.", "calendar"))
    return section


def plan_easy_read(person: Person) -> EasyRead:
    """The person's plan as easy read, in a fixed number of queries."""
    person = (
        Person.objects.filter(pk=person.pk)
        .prefetch_related("easy_words")
        .select_related("service")
        .get()
    )
    words = _Words(person)
    goals = list(Goal.objects.filter(person=person, status=Goal.Status.ACTIVE))
    sections: list[Section] = []
    goal_section = _goal_section(person, goals, words)
    if goal_section:
        sections.append(goal_section)
    sections += _routine_sections(person, words)
    sections += _week_sections(person, words)
    sections += _risk_sections(person, words)
    sections.append(_review_section(person))
    return EasyRead(title=f"{person.called}’s plan", person=person, sections=sections)


def _sentences(text: str, *, picture: str, words: _Words) -> list[Line]:
    lines = []
    for sentence in checker.sentences(text):
        lines.append(words.line(sentence, default=picture))
    return lines


def decision_easy_read(decision: Decision) -> EasyRead:
    """One decision as easy read: what was asked, the choices, what was agreed and why."""
    person = decision.person
    words = _Words(Person.objects.prefetch_related("easy_words").get(pk=person.pk))
    options = list(DecisionOption.objects.filter(decision=decision).order_by("position", "id"))
    pictures: dict[str, str] = {}
    if decision.session_id:
        pictures = {
            c.label.strip().lower(): c.picture
            for c in SessionChoice.objects.filter(session_id=decision.session_id)
        }
    sections = [
        Section("What we talked about", "talk", [words.line(decision.question, default="question")])
    ]
    if options:
        choices = Section("The choices", "choice")
        for option in options:
            line = words.line(
                option.label,
                picture=pictures.get(option.label.strip().lower(), ""),
                default="choice",
            )
            line.chosen = option.is_chosen
            if option.is_chosen:
                line.text += " We chose this."
            choices.lines.append(line)
        sections.append(choices)
    if decision.persons_words:
        said = Section("What I said", "talk")
        said.lines = _sentences(decision.persons_words, picture="talk", words=words)
        sections.append(said)
    agreed = Section("What we agreed", "handshake")
    if decision.status == Decision.Status.DRAFT:
        agreed.lines.append(Line("We have not agreed yet.", "question"))
    else:
        agreed.lines = _sentences(decision.agreed, picture="handshake", words=words)
    if decision.status == Decision.Status.SUPERSEDED:
        agreed.lines.append(Line("We changed this later. There is a newer plan.", "calendar"))
    sections.append(agreed)
    if decision.reason and decision.status != Decision.Status.DRAFT:
        why = Section("Why", "question")
        why.lines = _sentences(decision.reason, picture="question", words=words)
        sections.append(why)
    if decision.review_by and decision.status == Decision.Status.AGREED:
        sections.append(
            Section(
                "Looking at it again",
                "calendar",
                [Line(f"We look at this again on {_day(decision.review_by)}.", "calendar")],
            )
        )
    return EasyRead(title="What we decided", person=person, sections=sections)


# Display: large print and high contrast --------------------------------------------------


@dataclass(frozen=True)
class Display:
    large: bool
    contrast: bool

    @property
    def body_class(self) -> str:
        classes = ["easyread"]
        if self.large:
            classes.append("large-print")
        if self.contrast:
            classes.append("high-contrast")
        return " ".join(classes)


def display_defaults(person: Person) -> Display:
    """Large print when the person's communication needs name it; high contrast when a
    need asks for it in words (the Accessible Information Standard has no code for it)."""
    needs = CommunicationNeed.objects.filter(person=person, is_active=True)
    large = needs.filter(information_format=CommunicationNeed.Format.LARGE_PRINT).exists()
    contrast = needs.filter(Q(need__icontains="contrast") | Q(how_to_meet__icontains="contrast"))
    return Display(large=large, contrast=contrast.exists())
