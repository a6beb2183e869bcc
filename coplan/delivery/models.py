"""What happened on shift. Every record points at the person, at the plan version in force
when it was made, and says both when the thing happened (`occurred_at`) and when it was
written down (`created_at`), as PRSB Provenance asks."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coplan.accounts.models import ShiftBooking
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import Person
from coplan.support.models import InstructionVersion, RhythmEntry, RhythmVersion, RoutineVersion

LATE_AFTER = timedelta(hours=2)


class ShiftRecord(CareRecord):
    occurred_at = models.DateTimeField("when it happened", default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booking = models.ForeignKey(
        ShiftBooking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The shift booking it was made on, for agency staff.",
    )

    class Meta:
        abstract = True

    @property
    def is_late(self) -> bool:
        """Written down more than two hours after it happened: shown as a late entry."""
        made = self.created_at or timezone.now()
        return made - self.occurred_at > LATE_AFTER


class RoutineRun(ShiftRecord):
    class Outcome(models.TextChoices):
        COMPLETED = "completed", "Completed"
        PARTLY = "partly", "Partly completed"
        REFUSED = "refused", "Refused"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="routine_runs")
    routine_version = models.ForeignKey(
        RoutineVersion, on_delete=models.PROTECT, related_name="runs"
    )
    steps_used = models.JSONField(
        default=list, blank=True, help_text="Ids of the steps used, in the order used."
    )
    deviations = models.TextField("what was done differently, and why", blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    distress_noticed = models.BooleanField(default=False)
    distress_notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="routinerun_person_idx"),
            models.Index(fields=["recorded_by", "person", "-created_at"], name="routinerun_by_idx"),
            models.Index(fields=["routine_version", "occurred_at"], name="routinerun_version_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.routine_version} on {self.occurred_at:%d %b %Y}: {self.outcome}"


# A checklist left unfinished this long is not picked up again: the next tick starts anew.
CHECKLIST_OPEN_FOR = timedelta(hours=6)


class RoutineChecklist(ShiftRecord):
    """A routine being done now: the live checklist a worker ticks step by step on shift
    (`ticks`, in the order tapped, each with its time). It counts as nothing until it is
    finished: finishing makes the RoutineRun (`run`) through the same rules as the form,
    with the steps in the order ticked. So no refusal, completion or report ever reads an
    unfinished routine. `occurred_at` is when the first step was ticked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checklists")
    routine_version = models.ForeignKey(
        RoutineVersion, on_delete=models.PROTECT, related_name="checklists"
    )
    run = models.OneToOneField(
        RoutineRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checklist",
        help_text="The record made when the checklist was finished.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="checklist_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.routine_version} checklist, {self.occurred_at:%d %b %Y %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.run_id is not None


class RoutineStepTick(TimeStampedModel):
    """One step ticked on a live checklist, when it was done. Each step once per checklist;
    `position` keeps the order of use."""

    checklist = models.ForeignKey(RoutineChecklist, on_delete=models.CASCADE, related_name="ticks")
    step = models.ForeignKey("support.RoutineStep", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    ticked_at = models.DateTimeField(default=timezone.now)
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["checklist", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "step"], name="tick_step_once"),
            models.UniqueConstraint(fields=["checklist", "position"], name="tick_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.step} at {timezone.localtime(self.ticked_at):%H:%M}"


class ActivityRecord(ShiftRecord):
    class Outcome(models.TextChoices):
        TOOK_PART = "took_part", "Took part"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="activity_records")
    rhythm_version = models.ForeignKey(
        RhythmVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    entry = models.ForeignKey(
        RhythmEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        help_text="The planned activity, if it was one.",
    )
    offered = models.CharField("what was offered", max_length=300)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    chosen = models.CharField("what the person chose", max_length=300, blank=True)
    adjustments = models.TextField("adjustments made", blank=True)
    decline_reason = models.TextField("why they declined", blank=True)
    alternative_offered = models.CharField(max_length=300, blank=True)
    persons_words = models.TextField("what the person said, in their own words", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="activity_person_idx"),
            models.Index(fields=["recorded_by", "person", "-created_at"], name="activity_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="declined") | ~Q(decline_reason=""),
                name="activity_decline_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.offered}: {self.get_outcome_display().lower()}"

    @property
    def is_declined(self) -> bool:
        return self.outcome == self.Outcome.DECLINED


class DailyNote(ShiftRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="daily_notes")
    text = models.TextField("note")
    persons_words = models.TextField("what the person said, in their own words", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="dailynote_person_idx"),
            # When a worker last recorded for a person (the shift view's "changed since").
            models.Index(fields=["recorded_by", "person", "-created_at"], name="dailynote_by_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Incident(ShiftRecord):
    class Type(models.TextChoices):
        DISTRESS = "distress", "Distress"
        INJURY = "injury", "Injury or accident"
        SAFEGUARDING = "safeguarding", "Safeguarding concern"
        TRAVEL = "travel", "Travel or going missing"
        PROPERTY = "property", "Damage to property"
        HEALTH = "health", "Health"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="incidents")
    incident_type = models.CharField("type", max_length=20, choices=Type.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    what_happened = models.TextField()
    actions_taken = models.TextField()
    routine_version = models.ForeignKey(
        RoutineVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    rhythm_version = models.ForeignKey(
        RhythmVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    other_plan_element = models.CharField(
        max_length=200, blank=True, help_text="Another part of the plan involved, e.g. a risk plan."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="incident_person_idx"),
            # When a worker last recorded for a person (the shift view's "changed since").
            models.Index(fields=["recorded_by", "person", "-created_at"], name="incident_by_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_incident_type_display()} ({self.get_severity_display().lower()})"

    @property
    def plan_element(self) -> str:
        if self.routine_version_id:
            return str(self.routine_version)
        if self.rhythm_version_id:
            return str(self.rhythm_version)
        return self.other_plan_element


class HandoverNote(ShiftRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handover_notes")
    summary = models.TextField("how the shift went")
    watch_for = models.TextField("for the next shift", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="handover_person_idx"),
            # When a worker last recorded for a person (the shift view's "changed since").
            models.Index(fields=["recorded_by", "person", "-created_at"], name="handover_by_idx"),
        ]

    def __str__(self) -> str:
        return self.summary[:60]


class PracticalityFlag(ShiftRecord):
    """ "This plan isn't practical": kept for the next review of the plan element."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="practicality_flags")
    routine_version = models.ForeignKey(
        RoutineVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    rhythm_version = models.ForeignKey(
        RhythmVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="flags"
    )
    what_happened = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="flag_person_idx"),
            # When a worker last recorded for a person (the shift view's "changed since").
            models.Index(fields=["recorded_by", "person", "-created_at"], name="flag_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(routine_version__isnull=False, rhythm_version__isnull=True)
                | Q(routine_version__isnull=True, rhythm_version__isnull=False),
                name="flag_one_plan_element",
            )
        ]

    def __str__(self) -> str:
        return f"Not practical: {self.routine_version or self.rhythm_version}"


class BriefingAcknowledgement(TimeStampedModel):
    """An agency worker confirmed reading the briefing for their booked shift: the routine,
    rhythm and instruction versions it showed. A newer version of any of them makes the
    briefing due again; confirming it then is a new acknowledgement, and the earlier ones
    stay as the record of what was read when."""

    booking = models.ForeignKey(
        ShiftBooking, on_delete=models.CASCADE, related_name="briefing_acknowledgements"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    routine_versions = models.ManyToManyField(RoutineVersion, blank=True, related_name="+")
    rhythm_versions = models.ManyToManyField(RhythmVersion, blank=True, related_name="+")
    instruction_versions = models.ManyToManyField(InstructionVersion, blank=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        indexes = [
            models.Index(fields=["booking", "-acknowledged_at"], name="briefing_booking_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user} briefed for {self.booking}"

    @property
    def version_ids(self) -> set[tuple[str, int]]:
        """What it covered, as (kind, version id) pairs (versions prefetched)."""
        return {
            *(("routine", v.pk) for v in self.routine_versions.all()),
            *(("rhythm", v.pk) for v in self.rhythm_versions.all()),
            *(("instruction", v.pk) for v in self.instruction_versions.all()),
        }


class IdempotencyKey(models.Model):
    """One row per (user, key): the database refuses a second, so a form sent twice (or two
    requests racing) saves one record. The digest of the first body tells a true resend
    from a different request that reused the key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    scope = models.CharField(max_length=100, help_text="What was written, e.g. delivery.dailynote.")
    digest = models.CharField(max_length=64)
    result_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_one_per_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.scope})"


class DistressRecord(ShiftRecord):
    """An episode of distress, in positive behaviour support terms: what happened before
    (the setting and the trigger), what the person did, what helped afterwards, how long it
    lasted and how intense it was, and the part of the plan involved, if one was. Trended
    beside routine refusals, so a change of plan can be seen to help (or not)."""

    class Intensity(models.IntegerChoices):
        UNSETTLED = 1, "1: Unsettled"
        ANXIOUS = 2, "2: Anxious or upset"
        DISTRESSED = 3, "3: Distressed"
        VERY_DISTRESSED = 4, "4: Very distressed"
        SEVERE = 5, "5: Severe distress: at risk of harm"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="distress_records")
    intensity = models.PositiveSmallIntegerField(choices=Intensity.choices)
    before = models.TextField("what happened before (the setting, any trigger)")
    what_person_did = models.TextField("what the person did")
    what_helped = models.TextField("what helped afterwards")
    duration_minutes = models.PositiveIntegerField("how long it lasted (minutes)")
    routine_version = models.ForeignKey(
        RoutineVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routine_step = models.ForeignKey(
        "support.RoutineStep",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The step of the routine it happened at, if one.",
    )
    routine_run = models.ForeignKey(
        RoutineRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rhythm_version = models.ForeignKey(
        RhythmVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rhythm_entry = models.ForeignKey(
        RhythmEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity_record = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    incident = models.ForeignKey(
        Incident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="distress_records",
        help_text="The incident started from this record, if one was.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_at"], name="distress_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=1, intensity__lte=5), name="distress_intensity_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__lte=24 * 60), name="distress_duration_a_day"
            ),
            models.CheckConstraint(
                condition=Q(routine_version__isnull=True) | Q(rhythm_version__isnull=True),
                name="distress_one_plan_element",
            ),
        ]

    def __str__(self) -> str:
        return f"Distress ({self.get_intensity_display()})"

    @property
    def plan_element(self) -> str:
        if self.routine_version is not None:
            step = self.routine_step
            return f"{self.routine_version}{f', at “{step.title}”' if step else ''}"
        if self.rhythm_version is not None:
            entry = self.rhythm_entry
            return f"{self.rhythm_version}{f', at “{entry.activity}”' if entry else ''}"
        if self.activity_record is not None:
            return f"Activity: {self.activity_record.offered}"
        return ""


class HouseHandover(CareRecord):
    """The outgoing worker's note for the whole house (service) at the end of a shift: how it
    went, what is outstanding, and what the next shift should know. The next shift sees the
    latest first on the shift view."""

    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="house_handovers"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    booking = models.ForeignKey(
        ShiftBooking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shift_start = models.DateTimeField("shift started")
    shift_end = models.DateTimeField("shift ended")
    summary = models.TextField("how the shift went in the house")
    outstanding = models.TextField("still to do", blank=True)
    for_next_shift = models.TextField("for the next shift", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-shift_end", "-id"]
        indexes = [models.Index(fields=["service", "-shift_end"], name="househandover_service_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(shift_end__gt=F("shift_start")), name="househandover_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} handover, {self.shift_end:%d %b %H:%M}"
