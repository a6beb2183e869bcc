"""Translation into practice: the routines, weekly activity rhythms and staff instructions
that turn agreed decisions into what staff do on shift.

Routines and rhythms are versioned. A version never changes once made: changing the plan
is a new version that cites the decision that changed it, and the old versions stay on
record, so a shift record always points at the plan that was in force when it was made.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.lib.text import lines_of
from coplan.people.models import Person
from coplan.planning.models import Decision


class Routine(CareRecord):
    """A routine (e.g. "Morning routine"). What it says lives in its versions."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="routines")
    name = models.CharField(max_length=120, help_text="E.g. 'Morning routine'.")
    is_active = models.BooleanField(
        default=False, help_text="In force on shift. Needs an agreed decision."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name", "id"]
        indexes = [models.Index(fields=["person", "is_active"], name="routine_person_active_idx")]

    def __str__(self) -> str:
        return self.name


class RoutineVersion(CareRecord):
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    decisions = models.ManyToManyField(
        Decision, related_name="routine_versions", help_text="The decisions it comes from."
    )
    agency_summary = models.TextField(
        "shift summary for agency staff",
        blank=True,
        help_text="A few short lines an agency worker reads before their shift.",
    )
    change_reason = models.TextField(
        "what changed and why", blank=True, help_text="Required for every version after the first."
    )
    effective_from = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["routine", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["routine", "number"], name="routine_version_number"),
            models.UniqueConstraint(
                fields=["routine"], condition=Q(is_current=True), name="routine_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.routine.name}, version {self.number}"

    @property
    def summary_lines(self) -> list[str]:
        return lines_of(self.agency_summary)


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

    def __str__(self) -> str:
        return self.title


class ActivityRhythm(CareRecord):
    """A weekly rhythm of priority activities and flexible options."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rhythms")
    name = models.CharField(max_length=120, help_text="E.g. 'My week'.")
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "name", "id"]
        indexes = [models.Index(fields=["person", "is_active"], name="rhythm_person_active_idx")]

    def __str__(self) -> str:
        return self.name


class RhythmVersion(CareRecord):
    rhythm = models.ForeignKey(ActivityRhythm, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    decisions = models.ManyToManyField(Decision, related_name="rhythm_versions")
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
    agency_summary = models.TextField("shift summary for agency staff", blank=True)
    change_reason = models.TextField("what changed and why", blank=True)
    effective_from = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["rhythm", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rhythm", "number"], name="rhythm_version_number"),
            models.UniqueConstraint(
                fields=["rhythm"], condition=Q(is_current=True), name="rhythm_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rhythm.name}, version {self.number}"

    @property
    def alternative_lines(self) -> list[str]:
        return lines_of(self.alternatives)

    @property
    def preparation_lines(self) -> list[str]:
        return lines_of(self.preparation)

    @property
    def summary_lines(self) -> list[str]:
        return lines_of(self.agency_summary)


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
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day", "time", "position", "id"]
        verbose_name_plural = "rhythm entries"

    def __str__(self) -> str:
        return f"{self.get_day_display()}: {self.activity}"

    @property
    def is_priority(self) -> bool:
        return self.kind == self.Kind.PRIORITY


class StaffInstruction(CareRecord):
    class Category(models.TextChoices):
        COMMUNICATION = "communication", "Communication"
        SENSORY = "sensory", "Sensory"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="staff_instructions")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=150)
    text = models.TextField("what staff do")
    decisions = models.ManyToManyField(Decision, related_name="staff_instructions")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[decisions])

    class Meta:
        ordering = ["-is_active", "category", "title", "id"]
        indexes = [
            models.Index(fields=["person", "is_active"], name="instruction_person_active_idx")
        ]

    def __str__(self) -> str:
        return self.title
