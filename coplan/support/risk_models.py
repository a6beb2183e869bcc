"""Risk plans: positive risk-taking made into practice (DESIGN.md, "Risk plan").

A risk plan is built from an agreed risk decision. It keeps the person's goal, sets out the
chosen graded stages (each with its competencies and the criteria to move on) and the
safeguards, and records which stage is current. The stage only ever changes through a
recorded, agreed decision (a StageChange points at it): an incident leads to a mini-review,
never to an automatic step back. Imported at the end of support/models.py so Django finds it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import Person
from coplan.planning.models import Decision

__all__ = ["Competency", "RiskPlan", "RiskStage", "StageChange"]

DEFAULT_SHOWN_IN = 3
DEFAULT_OF_LAST = 4


class RiskPlan(CareRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="risk_plans")
    decision = models.OneToOneField(
        Decision,
        on_delete=models.PROTECT,
        related_name="risk_plan",
        help_text="The agreed risk decision the plan puts into practice.",
    )
    title = models.CharField(max_length=150, help_text="E.g. 'Travelling to college'.")
    goal_kept = models.CharField("the person's goal, kept", max_length=300)
    safeguards = models.TextField(
        "safeguards", blank=True, help_text="What keeps the person safe at every stage."
    )
    current_stage = models.ForeignKey(
        "support.RiskStage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_active", "-created_at", "id"]
        indexes = [models.Index(fields=["person", "is_active"], name="riskplan_person_active_idx")]

    def __str__(self) -> str:
        return self.title


class RiskStage(TimeStampedModel):
    """One graded stage, e.g. 'Accompanied travel with active teaching'."""

    plan = models.ForeignKey(RiskPlan, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    description = models.TextField("what happens at this stage", blank=True)
    is_independent = models.BooleanField(
        default=False,
        help_text="The person goes out on their own: trips are logged with check-ins.",
    )
    shown_in = models.PositiveSmallIntegerField(
        "sessions needed",
        default=DEFAULT_SHOWN_IN,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Each competency shown with no prompts in this many sessions…",
    )
    of_last = models.PositiveSmallIntegerField(
        "of the last",
        default=DEFAULT_OF_LAST,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="…out of the last this many practice sessions at this stage.",
    )
    safeguards = models.TextField(blank=True)
    check_in_points = models.JSONField(
        default=list,
        blank=True,
        help_text='Agreed check-ins: [{"point": "At the bus stop", "minutes": 10}, ...], '
        "minutes after setting off.",
    )
    check_in_grace_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(120)]
    )
    missed_check_in_action = models.TextField(
        "if a check-in is missed", blank=True, help_text="The agreed action, step by step."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="riskstage_plan_number"),
            models.CheckConstraint(
                condition=Q(shown_in__lte=F("of_last")), name="riskstage_shown_in_le_of_last"
            ),
        ]

    def __str__(self) -> str:
        return f"Stage {self.number}: {self.title}"

    @property
    def criteria_text(self) -> str:
        return (
            f"Each competency shown with no prompts in {self.shown_in} of the last "
            f"{self.of_last} practice sessions at this stage."
        )


class Competency(TimeStampedModel):
    stage = models.ForeignKey(RiskStage, on_delete=models.CASCADE, related_name="competencies")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["stage", "position", "id"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.text


class StageChange(TimeStampedModel):
    """The plan's stage history. Every change cites the agreed decision that made it."""

    class Direction(models.TextChoices):
        START = "start", "Started"
        FORWARD = "forward", "Moved on"
        BACK = "back", "Stepped back"

    plan = models.ForeignKey(RiskPlan, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        RiskStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(RiskStage, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="stage_changes")
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-changed_at", "-id"]
        indexes = [models.Index(fields=["plan", "-changed_at"], name="stagechange_plan_idx")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.to_stage}"
