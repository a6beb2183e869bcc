"""Records made on shift for a risk plan: practice sessions (what the person showed, the
prompts given), travel logs for independent trips with their check-ins, and incidents linked
to a risk plan. Imported at the end of delivery/models.py so Django finds them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from coplan.delivery.models import Incident, ShiftRecord
from coplan.lib.models import TimeStampedModel
from coplan.people.models import Person
from coplan.support.risk_models import Competency, RiskPlan, RiskStage

__all__ = [
    "CompetencyResult",
    "IncidentLink",
    "PracticeSession",
    "TravelCheckIn",
    "TravelLog",
]


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

    history = HistoricalRecords()

    class Meta:
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

    history = HistoricalRecords()

    class Meta:
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

    history = HistoricalRecords()

    class Meta:
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

    history = HistoricalRecords()

    class Meta:
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
    """An incident that happened while following a risk plan, and the mini-review it
    started. The plan's stage is left as it was: only a new decision changes it."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="risk_link")
    plan = models.ForeignKey(RiskPlan, on_delete=models.PROTECT, related_name="incident_links")
    stage = models.ForeignKey(RiskStage, on_delete=models.PROTECT, related_name="+")
    trigger = models.ForeignKey(
        "reviews.ReviewTrigger", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.incident} on {self.plan}"
