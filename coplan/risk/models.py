"""Risk plans: positive risk-taking made into practice (DESIGN.md, "Risk plan").

A risk plan is built from an agreed risk decision. It keeps the person's goal, sets out the
chosen graded stages (each with its competencies and the criteria to move on) and the
safeguards, and records which stage is current. The stage only ever changes through a
recorded, agreed decision (a StageChange points at it): an incident leads to a mini-review,
never to an automatic step back.

On shift, the risk plan is practised: practice sessions (what the person showed, the
prompts given), travel logs for independent trips with their check-ins, and incidents that
happened under the plan. They are shift records, made under delivery's booking, briefing
and idempotency rules, which is why risk sits above delivery in the layers.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coplan.delivery.models import Incident, ShiftRecord
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import Person
from coplan.planning.models import Decision

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
        "risk.RiskStage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(table_name="support_historicalriskplan")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "support_riskplan"
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

    history = HistoricalRecords(table_name="support_historicalriskstage")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "support_riskstage"
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

    history = HistoricalRecords(table_name="support_historicalcompetency")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "support_competency"
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
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "support_stagechange"
        ordering = ["plan", "-changed_at", "-id"]
        indexes = [models.Index(fields=["plan", "-changed_at"], name="stagechange_plan_idx")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.to_stage}"


class PracticeSession(ShiftRecord):
    class Feeling(models.TextChoices):
        CONFIDENT = "confident", "Confident"
        OK = "ok", "OK"
        UNSURE = "unsure", "Unsure"
        WORRIED = "worried", "Worried"
        UPSET = "upset", "Upset"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="practice_sessions")
    plan = models.ForeignKey(RiskPlan, on_delete=models.PROTECT, related_name="practice_sessions")
    stage = models.ForeignKey(RiskStage, on_delete=models.PROTECT, related_name="practice_sessions")
    route = models.CharField("route or context", max_length=200)
    prompts_verbal = models.PositiveSmallIntegerField("verbal prompts", default=0)
    prompts_gestural = models.PositiveSmallIntegerField("gestural prompts", default=0)
    prompts_physical = models.PositiveSmallIntegerField("physical prompts", default=0)
    how_felt = models.CharField(
        "how the person felt", max_length=20, choices=Feeling.choices, blank=True
    )
    persons_words = models.TextField("what the person said, in their own words", blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords(table_name="delivery_historicalpracticesession")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "delivery_practicesession"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "stage", "-occurred_at"], name="practice_plan_stage_idx"),
            models.Index(fields=["person", "-occurred_at"], name="practice_person_idx"),
        ]

    def __str__(self) -> str:
        return f"Practice at {self.stage} on {self.occurred_at:%d %b %Y}"

    @property
    def prompts_total(self) -> int:
        return self.prompts_verbal + self.prompts_gestural + self.prompts_physical


class CompetencyResult(TimeStampedModel):
    """One competency in one session: shown or not, and whether it needed a prompt. Only
    'shown without a prompt' counts towards moving on."""

    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="results")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="results")
    shown = models.BooleanField(default=False)
    prompted = models.BooleanField(default=False)

    history = HistoricalRecords(table_name="delivery_historicalcompetencyresult")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "delivery_competencyresult"
        ordering = ["session", "competency__position", "competency_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "competency"], name="competencyresult_one_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {'shown' if self.shown else 'not shown'}"

    @property
    def independent(self) -> bool:
        return self.shown and not self.prompted


class TravelLog(ShiftRecord):
    """An independent trip: the planned route, when the person set off (occurred_at), when
    they were back, and anything that happened."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="travel_logs")
    plan = models.ForeignKey(RiskPlan, on_delete=models.PROTECT, related_name="travel_logs")
    stage = models.ForeignKey(RiskStage, on_delete=models.PROTECT, related_name="travel_logs")
    planned_route = models.CharField(max_length=300)
    returned_at = models.DateTimeField("back at", null=True, blank=True)
    what_happened = models.TextField("anything that happened", blank=True)

    history = HistoricalRecords(table_name="delivery_historicaltravellog")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "delivery_travellog"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "-occurred_at"], name="travellog_plan_idx"),
            models.Index(fields=["returned_at"], name="travellog_out_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.planned_route} on {self.occurred_at:%d %b %Y}"

    @property
    def is_out(self) -> bool:
        return self.returned_at is None


class TravelCheckIn(TimeStampedModel):
    """An agreed check-in on a trip: due at a time, then made (on time or late), or missed
    and followed up with the agreed safeguard action."""

    log = models.ForeignKey(TravelLog, on_delete=models.CASCADE, related_name="check_ins")
    point = models.CharField(max_length=150)
    due_at = models.DateTimeField()
    missed_after = models.DateTimeField(help_text="Due time plus the agreed grace.")
    made_at = models.DateTimeField(null=True, blank=True)
    made_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up = models.TextField("what was done about the missed check-in", blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(table_name="delivery_historicaltravelcheckin")

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "delivery_travelcheckin"
        ordering = ["log", "due_at", "id"]
        indexes = [
            models.Index(fields=["made_at", "missed_after"], name="travelcheckin_missed_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(made_at__isnull=True) | Q(made_recorded_by__isnull=False),
                name="travelcheckin_made_has_recorder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} at {timezone.localtime(self.due_at):%H:%M}"

    @property
    def status(self) -> str:
        if self.made_at is not None:
            return "late" if self.made_at > self.missed_after else "on_time"
        if timezone.now() > self.missed_after:
            return "missed"
        return "due"


class IncidentLink(TimeStampedModel):
    """An incident that happened while following a risk plan, at the stage then in force.
    The reviews stage opens a mini-review for it; the plan's stage is left as it was, since
    only a new decision changes it."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="risk_link")
    plan = models.ForeignKey(RiskPlan, on_delete=models.PROTECT, related_name="incident_links")
    stage = models.ForeignKey(RiskStage, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        # The tables kept their names when risk became its own app (migration 0001).
        db_table = "delivery_incidentlink"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident} on {self.plan}"
