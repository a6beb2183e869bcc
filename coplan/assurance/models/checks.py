"""Alignment checks (does a staff member know and follow the co-produced plan?) and spot
checks (does a sample of records show choices and adjustments, not only attendance?), and
the follow-up actions either of them makes.

An alignment check is a care record about one person's plan, made in supervision (a manager
asks a staff member questions generated from the plan, and writes down each answer beside
the plan's agreed text) or in an observation (what was seen, step by step, against the
routine). A spot check belongs to a service: the quality lead draws a sample of its recent
records from a stored seed, so the same seed over the same records draws the same sample.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import Person
from coplan.support.models import Routine, RoutineVersion

__all__ = [
    "AlignmentCheck",
    "AlignmentItem",
    "FollowUp",
    "SpotCheck",
    "SpotCheckItem",
]


class AlignmentCheck(CareRecord):
    class Kind(models.TextChoices):
        SUPERVISION = "supervision", "Supervision questions"
        OBSERVATION = "observation", "Observation of practice"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="alignment_checks")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="alignment_checks",
        help_text="The staff member asked or observed.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    routine = models.ForeignKey(
        Routine, null=True, blank=True, on_delete=models.PROTECT, related_name="alignment_checks"
    )
    routine_version = models.ForeignKey(
        RoutineVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_at = models.DateTimeField("when", default=timezone.now)
    notes = models.TextField(blank=True)
    is_aligned = models.BooleanField(help_text="Every answer or step matched the plan.")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-held_at"], name="alignment_person_idx"),
            models.Index(fields=["staff", "-held_at"], name="alignment_staff_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.staff} about {self.person.called}"


class AlignmentItem(TimeStampedModel):
    """One question asked (with the plan's agreed text it is checked against), or one step
    observed."""

    class Result(models.TextChoices):
        MATCHES = "matches", "Matches the plan"
        DIFFERS = "differs", "Does not match the plan"
        NOT_SEEN = "not_seen", "Not seen"

    check_record = models.ForeignKey(AlignmentCheck, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField("question or step", max_length=300)
    plan_text = models.TextField("what the plan says", blank=True)
    source = models.CharField(
        max_length=60, blank=True, help_text="Where the question came from, e.g. step:12."
    )
    answer = models.TextField("what was said or seen", blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.prompt


class SpotCheck(TimeStampedModel):
    """A quality lead's sample of one service's records over a period: the seed, the period
    and the ids drawn are kept, so the draw can be repeated and shown to be the same."""

    class Status(models.TextChoices):
        DRAWN = "drawn", "Drawn, being checked"
        DONE = "done", "Checked"

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="spot_checks")
    seed = models.BigIntegerField()
    period_start = models.DateField("records from")
    period_end = models.DateField("records until")
    sample_size = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAWN)
    findings = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["service", "-drawn_at"], name="spotcheck_service_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="spotcheck_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"Spot check of {self.service} ({self.period_start} to {self.period_end})"


class SpotCheckItem(TimeStampedModel):
    """One sampled record and what the checklist found: `results` maps each check of the
    record's kind to "pass", "fail" or "na"."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    record_kind = models.CharField(max_length=20)
    record_id = models.BigIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    results = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["spot_check", "record_kind", "record_id"], name="spotcheck_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_kind} {self.record_id}"


class FollowUp(TimeStampedModel):
    """An action a check made: what, who owns it, by when; open until marked done."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="follow_ups")
    alignment_check = models.ForeignKey(
        AlignmentCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    spot_check = models.ForeignKey(
        SpotCheck, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    what = models.CharField("what needs doing", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assurance_follow_ups"
    )
    due_on = models.DateField("due by")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField("what was done", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        indexes = [models.Index(fields=["service", "done_at"], name="followup_service_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(alignment_check__isnull=False, spot_check__isnull=True)
                | Q(alignment_check__isnull=True, spot_check__isnull=False),
                name="followup_one_check",
            )
        ]

    def __str__(self) -> str:
        return self.what

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())
