"""Reviewing and learning: the weekly check-in in the person's own voice, working / not
working from each perspective, review triggers (made by the trigger engine or by people)
and reviews structured as the 4 plus 1 questions."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coplan.accounts.models import Service
from coplan.lib.dates import day_label
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import CircleMember, Person
from coplan.planning.models import Decision


class ItemKind(models.TextChoices):
    """What a check-in answer, or a trigger, is about."""

    ROUTINE = "routine", "Routine"
    ACTIVITY = "activity", "Activity"
    GOAL = "goal", "Goal"
    DECISION = "decision", "Decision"
    REVIEW = "review", "Review"
    OTHER = "other", "Something else"


class Perspective(models.TextChoices):
    PERSON = "person", "The person"
    FAMILY = "family", "Family and friends"
    STAFF = "staff", "Staff"


class CheckIn(CareRecord):
    """One week's "what worked, what didn't", from one answerer: the person from their own
    login, or a named staff member recording on their behalf (the person's answers given
    with them, a family member's told to them, or their own view as staff). Each answerer's
    check-in is its own record, so one never overwrites another."""

    class AnsweredBy(models.TextChoices):
        PERSON = "person", "The person, from their own login"
        STAFF_WITH_PERSON = "staff_with_person", "The person, with staff"
        FAMILY = "family", "Family"
        STAFF = "staff", "Staff"

    class How(models.TextChoices):
        PICTURES = "pictures", "Tapped pictures"
        SPOKEN = "spoken", "Spoken"
        SIGNED = "signed", "Signed"
        OTHER = "other", "Another way"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkins")
    week_start = models.DateField(help_text="The Monday of the week.")
    answered_by = models.CharField(max_length=20, choices=AnsweredBy.choices)
    circle_member = models.ForeignKey(
        CircleMember,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="For family answers: whose they are.",
    )
    how = models.CharField(max_length=20, choices=How.choices, default=How.PICTURES)
    on_behalf = models.BooleanField(
        default=False, help_text="Recorded by staff on behalf of the person or family."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    words = models.TextField("anything else, in their own words", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-week_start", "answered_by", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "week_start"],
                condition=Q(answered_by="person"),
                name="checkin_person_once_a_week",
            ),
            models.UniqueConstraint(
                fields=["person", "week_start", "answered_by", "recorded_by"],
                condition=Q(answered_by__in=["staff_with_person", "staff"]),
                name="checkin_once_a_week_per_recorder",
            ),
            models.UniqueConstraint(
                fields=["person", "week_start", "circle_member", "recorded_by"],
                condition=Q(answered_by="family"),
                name="checkin_family_once_a_week_per_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in for {self.person} week of {day_label(self.week_start)}"

    @property
    def is_own(self) -> bool:
        return self.answered_by == self.AnsweredBy.PERSON

    @property
    def whose(self) -> str:
        """Whose answers these are, and who wrote them down, in a line."""
        how = self.get_how_display().lower()
        called = self.person.called
        if self.answered_by == self.AnsweredBy.PERSON:
            return f"{called}, from their own login"
        if self.answered_by == self.AnsweredBy.STAFF_WITH_PERSON:
            return f"{called}, with {self.recorded_by.name} ({how})"
        if self.answered_by == self.AnsweredBy.FAMILY:
            member = str(self.circle_member) if self.circle_member_id else "Family"
            return f"{member}, told to {self.recorded_by.name} ({how})"
        return f"{self.recorded_by.name}'s own view, as staff"


class CheckInAnswer(CareRecord):
    class Answer(models.TextChoices):
        WORKED = "worked", "Worked"
        NOT_SURE = "not_sure", "Not sure"
        DIDNT_WORK = "didnt_work", "Didn't work"

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="answers")
    item_kind = models.CharField(max_length=20, choices=ItemKind.choices)
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    item_label = models.CharField(max_length=300)
    answer = models.CharField(max_length=20, choices=Answer.choices)
    words = models.TextField("in their own words", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["item_kind", "item_label", "id"]
        indexes = [
            models.Index(fields=["item_kind", "item_id", "answer"], name="checkin_answer_item_idx")
        ]

    def __str__(self) -> str:
        return f"{self.item_label}: {self.get_answer_display()}"


class WorkingNotWorking(CareRecord):
    """The person-centred thinking tool, with each perspective kept apart and marked."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="working_notes")
    perspective = models.CharField(max_length=20, choices=Perspective.choices)
    author = models.CharField("whose view", max_length=150)
    working = models.TextField("what is working", blank=True)
    not_working = models.TextField("what is not working", blank=True)
    on = models.DateField("date")
    on_behalf = models.BooleanField(default=False, help_text="Written down by staff for them.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = "working / not working entry"
        verbose_name_plural = "working / not working entries"
        indexes = [models.Index(fields=["person", "-on"], name="working_person_on_idx")]

    def __str__(self) -> str:
        return f"{self.author} ({self.get_perspective_display()}), {day_label(self.on)}"


class ReviewTrigger(CareRecord):
    """A reason to revisit a decision. Each ends in a review or a recorded reason to wait."""

    class Kind(models.TextChoices):
        REVIEW_DATE = "review_date", "Review date is close"
        INCIDENT = "incident", "An incident (mini-review)"
        REFUSALS = "refusals", "Refusals over the threshold"
        DECLINES = "declines", "Declines over the threshold"
        CHECKIN_DIDNT_WORK = "checkin_didnt_work", "Check-in: didn't work two weeks running"
        NOT_PRACTICAL = "not_practical", "Staff say the plan isn't practical"
        PERSON_ASKED = "person_asked", "The person asked for a review"
        CIRCLE_ASKED = "circle_asked", "Someone in the circle asked for a review"
        PROGRESSION = "progression", "Progression criteria met"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REVIEWED = "reviewed", "Reviewed"
        WAITING = "waiting", "Closed with a reason to wait"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="review_triggers")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    reason = models.TextField()
    evidence = models.JSONField(default=dict, blank=True)
    evidence_until = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of evidence this trigger counted; later runs count from after it.",
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="triggers"
    )
    subject_kind = models.CharField(max_length=20, choices=ItemKind.choices, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject_label = models.CharField(max_length=300, blank=True)
    due_on = models.DateField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who raised it by hand; empty when the trigger engine found it.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The engine names each trigger it makes; the unique key means two scans running at
    # once cannot both create it.
    dedupe_key = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="trigger_unique_dedupe_key",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="trigger_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "status", "due_on"], name="trigger_person_status_idx"),
            models.Index(fields=["status", "due_on"], name="trigger_status_due_idx"),
            models.Index(fields=["kind", "subject_kind", "subject_id"], name="trigger_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label or self.reason[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReviewThreshold(TimeStampedModel):
    """A service's or a person's own threshold for a run of refusals or declines. Without
    one, the engine's defaults apply (5 refusals in 7 days, 4 declines in 14 days)."""

    class Kind(models.TextChoices):
        REFUSALS = "refusals", "Routine refusals"
        DECLINES = "declines", "Activity declines"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    window_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(90)]
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(service__isnull=True) & Q(person__isnull=False))
                | (Q(service__isnull=False) & Q(person__isnull=True)),
                name="threshold_service_or_person",
            ),
            models.UniqueConstraint(fields=["kind", "service"], name="threshold_one_per_service"),
            models.UniqueConstraint(fields=["kind", "person"], name="threshold_one_per_person"),
            models.CheckConstraint(
                condition=Q(count__gte=1) & Q(window_days__gte=1), name="threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.count} in {self.window_days} days"


class Review(CareRecord):
    """A review, structured as the 4 plus 1 questions."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONCLUDED = "concluded", "Concluded"

    class Outcome(models.TextChoices):
        NEW_DECISIONS = "new_decisions", "New decisions made"
        KEEP_AS_IS = "keep_as_is", "Keep the plan as it is"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reviews")
    triggers = models.ManyToManyField(ReviewTrigger, blank=True, related_name="reviews")
    tried = models.TextField("what have we tried", blank=True)
    learned = models.TextField("what have we learned", blank=True)
    pleased = models.TextField("what are we pleased about", blank=True)
    concerned = models.TextField("what are we concerned about", blank=True)
    next = models.TextField("what next", blank=True)
    evidence_since = models.DateField(
        null=True, blank=True, help_text="Evidence is counted from this day (the decision)."
    )
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    new_decisions = models.ManyToManyField(Decision, blank=True, related_name="from_reviews")
    keep_reason = models.TextField("why we keep it as it is", blank=True)
    next_review_on = models.DateField("next review by", null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[triggers, new_decisions])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (~Q(outcome="") & Q(concluded_at__isnull=False)),
                name="review_concluded_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="keep_as_is")
                | (~Q(keep_reason="") & Q(next_review_on__isnull=False)),
                name="review_keep_has_reason_and_date",
            ),
        ]
        indexes = [models.Index(fields=["person", "status"], name="review_person_status_idx")]

    def __str__(self) -> str:
        return f"Review for {self.person}, opened {day_label(self.created_at)}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


QUESTIONS = [
    ("tried", "What have we tried?"),
    ("learned", "What have we learned?"),
    ("pleased", "What are we pleased about?"),
    ("concerned", "What are we concerned about?"),
    ("next", "What next?"),
]


class ReviewContribution(CareRecord):
    """One contributor's answers to the 4 plus 1 questions, marked as theirs."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="contributions")
    contributor_kind = models.CharField(max_length=20, choices=Perspective.choices)
    name = models.CharField("whose answers", max_length=150)
    tried = models.TextField("what have we tried", blank=True)
    learned = models.TextField("what have we learned", blank=True)
    pleased = models.TextField("what are we pleased about", blank=True)
    concerned = models.TextField("what are we concerned about", blank=True)
    next = models.TextField("what next", blank=True)
    on_behalf = models.BooleanField(default=False, help_text="Written down by staff for them.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["contributor_kind", "created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_contributor_kind_display()})"
