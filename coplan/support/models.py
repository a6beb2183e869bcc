"""Translation into practice: the routines, weekly activity rhythms and staff instructions
that turn agreed decisions into what staff do on shift.

All three are versioned plan elements (`PlanElement`, each with `PlanVersion`s). A version
never changes once made: changing the plan is a new version that cites the decision that
changed it, in force from a stated time (now, or later: the version before stays in force
until then). The old versions stay on record, so a shift record always points at the plan
that was in force when it was made.

`is_current` marks an element's newest version (what the next change is based on); the
version in force at a moment is the newest one whose `effective_from` has come
(selectors.in_force). A new version is never in force before the one it follows.
"""

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.lib.text import lines_of
from coplan.people.models import Person
from coplan.planning.models import Decision


class PlanElement(CareRecord):
    """A routine, a rhythm or a staff instruction: who it is for and whether it is in force
    on shift. What it says lives in its versions (`versions`, newest first). Each concrete
    element declares its `person` (its own reverse name on Person) and its name field."""

    is_active = models.BooleanField(
        default=False, help_text="In force on shift. Needs an agreed decision."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    kind: ClassVar[str]  # the name in URLs and the API: routine, rhythm, instruction
    label: ClassVar[str]  # for sentences: "routine", "activity rhythm", "staff instruction"

    class Meta:
        abstract = True


class PlanVersion(CareRecord):
    """One version of a plan element: the decisions it cites, the summary agency staff read,
    what changed and why, and from when it is in force. Each concrete version declares the
    key to its element (`element_field`) and its `decisions` (each with its own reverse name
    on Decision, which other stages read)."""

    number = models.PositiveSmallIntegerField()
    agency_summary = models.TextField(
        "shift summary for agency staff",
        blank=True,
        help_text="A few short lines an agency worker reads before their shift.",
    )
    change_reason = models.TextField(
        "what changed and why", blank=True, help_text="Required for every version after the first."
    )
    effective_from = models.DateTimeField("in force from", default=timezone.now)
    is_current = models.BooleanField(default=True, help_text="The newest version.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    element_field: ClassVar[str]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.element}, version {self.number}"

    @property
    def element(self) -> PlanElement:
        return getattr(self, self.element_field)

    @property
    def element_id(self) -> int:
        return getattr(self, f"{self.element_field}_id")

    @property
    def summary_lines(self) -> list[str]:
        return lines_of(self.agency_summary)

    @property
    def reached_staff_at(self) -> datetime:
        """When staff on shift could first have met it: made, and in force."""
        return max(self.created_at or self.effective_from, self.effective_from)


def _one_current(field: str, name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[field], condition=Q(is_current=True), name=name)


class Routine(PlanElement):
    """A routine (e.g. "Morning routine")."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="routines")
    name = models.CharField(max_length=120, help_text="E.g. 'Morning routine'.")

    kind = "routine"
    label = "routine"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name", "id"]
        indexes = [models.Index(fields=["person", "is_active"], name="routine_person_active_idx")]

    def __str__(self) -> str:
        return self.name


class RoutineVersion(PlanVersion):
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="versions")
    decisions = models.ManyToManyField(
        Decision, related_name="routine_versions", help_text="The decisions it comes from."
    )

    element_field = "routine"
    history = HistoricalRecords()

    class Meta:
        ordering = ["routine", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "number"], name="routine_version_number"),
            _one_current("routine", "routine_one_current"),
        ]


class RoutineStep(TimeStampedModel):
    version = models.ForeignKey(RoutineVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=150)
    agreed_words = models.TextField("the words to use", blank=True)
    window_start = models.TimeField("from", null=True, blank=True)
    window_end = models.TimeField("until", null=True, blank=True)
    avoid = models.TextField("what to avoid", blank=True)
    picture = models.CharField(
        max_length=60, blank=True, help_text="A pictogram name for the visual checklist."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=F("window_start")),
                name="routine_step_window_order",
            )
        ]

    @property
    def say_line(self) -> str:
        """The agreed words as the shift shows them: quoted after "Say:", or as they are
        when they hold their own quotation marks (a BSL prompt: Sign: “…”)."""
        if '"' in self.agreed_words or "\u201c" in self.agreed_words:
            return f"Agreed words: {self.agreed_words}"
        return f"Say: \u201c{self.agreed_words}\u201d"

    def __str__(self) -> str:
        return self.title


class ActivityRhythm(PlanElement):
    """A weekly rhythm of priority activities and flexible options."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rhythms")
    name = models.CharField(max_length=120, help_text="E.g. 'My week'.")

    kind = "rhythm"
    label = "activity rhythm"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name", "id"]
        indexes = [models.Index(fields=["person", "is_active"], name="rhythm_person_active_idx")]

    def __str__(self) -> str:
        return self.name


class RhythmVersion(PlanVersion):
    rhythm = models.ForeignKey(ActivityRhythm, on_delete=models.CASCADE, related_name="versions")
    decisions = models.ManyToManyField(
        Decision, related_name="rhythm_versions", help_text="The decisions it comes from."
    )
    alternatives = models.TextField(
        "agreed alternatives when plans change", blank=True, help_text="One a line."
    )
    preparation = models.TextField(
        "preparation the night before",
        blank=True,
        help_text="One a line, e.g. clothes, travel card, preferred snack.",
    )
    choice_prompt = models.TextField(
        "choice-prompt script",
        blank=True,
        help_text="The words to offer a choice once, instead of repeated questions.",
    )

    element_field = "rhythm"
    history = HistoricalRecords()

    class Meta:
        ordering = ["rhythm", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rhythm", "number"], name="rhythm_version_number"),
            _one_current("rhythm", "rhythm_one_current"),
        ]

    @property
    def alternative_lines(self) -> list[str]:
        return lines_of(self.alternatives)

    @property
    def preparation_lines(self) -> list[str]:
        return lines_of(self.preparation)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class RhythmEntry(TimeStampedModel):
    class Kind(models.TextChoices):
        PRIORITY = "priority", "Priority"
        FLEXIBLE = "flexible", "Flexible option"

    version = models.ForeignKey(RhythmVersion, on_delete=models.CASCADE, related_name="entries")
    day = models.PositiveSmallIntegerField(choices=Weekday.choices)
    time = models.TimeField(null=True, blank=True)
    activity = models.CharField(max_length=150)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIORITY)
    notes = models.CharField(
        max_length=300, blank=True, help_text="E.g. the quiet route, who to meet."
    )
    picture = models.CharField(
        max_length=60, blank=True, help_text="A picture for My week and the check-in."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day", "time", "position", "id"]
        verbose_name_plural = "rhythm entries"

    def __str__(self) -> str:
        return f"{self.get_day_display()}: {self.activity}"

    @property
    def is_priority(self) -> bool:
        return self.kind == self.Kind.PRIORITY


class StaffInstruction(PlanElement):
    """A standing instruction to staff (communication, sensory...); what it says, and the
    decisions behind it, live in its versions like a routine's."""

    class Category(models.TextChoices):
        COMMUNICATION = "communication", "Communication"
        SENSORY = "sensory", "Sensory"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="staff_instructions")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=150)
    is_active = models.BooleanField(
        default=True, help_text="In force on shift. Needs an agreed decision."
    )

    kind = "instruction"
    label = "staff instruction"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "category", "title", "id"]
        indexes = [
            models.Index(fields=["person", "is_active"], name="instruction_person_active_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def name(self) -> str:
        return self.title


class InstructionVersion(PlanVersion):
    instruction = models.ForeignKey(
        StaffInstruction, on_delete=models.CASCADE, related_name="versions"
    )
    decisions = models.ManyToManyField(
        Decision, related_name="instruction_versions", help_text="The decisions it comes from."
    )
    text = models.TextField("what staff do")

    element_field = "instruction"
    history = HistoricalRecords()

    class Meta:
        ordering = ["instruction", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "number"], name="instruction_version_number"
            ),
            _one_current("instruction", "instruction_one_current"),
        ]
