"""Preparation (co-production sessions), decision capture (PRSB Shared Decision Making),
goals and outcomes (PRSB Personalised Care and Support Plan) and the contingency plan."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from coplan.accounts.models import Organisation
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord, TimeStampedModel
from coplan.people.models import CircleMember, CommunicationNeed, Person


class Domain(models.TextChoices):
    GOALS = "goals", "Goals and outcomes"
    SUPPORT = "support", "How support is delivered"
    RISK = "risk", "How risk is managed"
    REVIEW = "review", "How progress is reviewed"


class TakingPart(models.TextChoices):
    """How someone took part in a session or decision."""

    IN_PERSON = "in_person", "In person"
    ADVOCATE = "advocate", "Through an advocate"
    PICTURES = "pictures", "With pictures"
    OBJECTS = "objects", "With objects of reference"
    SIGNING = "signing", "Signing (BSL or Makaton)"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    WRITTEN = "written", "In writing"
    BEFOREHAND = "beforehand", "Views given beforehand"
    OTHER = "other", "Another way"


class ParticipantKind(models.TextChoices):
    PERSON = "person", "The person"
    CIRCLE = "circle", "Circle of support"
    STAFF = "staff", "Staff"
    PROFESSIONAL = "professional", "Other professional"


class AgendaPrompt(TimeStampedModel):
    """A provider's library of questions to ask in a session, per domain."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agenda_prompts"
    )
    domain = models.CharField(max_length=20, choices=Domain.choices)
    text = models.CharField(max_length=300)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["domain", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "domain", "text"], name="prompt_unique_text"
            )
        ]

    def __str__(self) -> str:
        return self.text


class CoproductionSession(CareRecord):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="sessions")
    purpose = models.CharField(max_length=300)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    is_risk_workshop = models.BooleanField(default=False)
    scheduled_for = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    prompts = models.JSONField(default=list, blank=True, help_text="Agenda prompts, in order.")
    information_prepared = models.TextField(
        "accessible information prepared",
        blank=True,
        help_text="What was prepared for the person, so they could take part.",
    )
    information_formats = models.JSONField(
        default=list, blank=True, help_text="Formats prepared (Accessible Information Standard)."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["person", "-scheduled_for"], name="session_person_idx")]

    def __str__(self) -> str:
        return self.purpose

    def format_labels(self) -> list[str]:
        labels = dict(CommunicationNeed.Format.choices)
        return [labels.get(f, f) for f in self.information_formats]


class SessionChoice(TimeStampedModel):
    """A choice to present, in plain words, with an optional pictogram."""

    session = models.ForeignKey(
        CoproductionSession, on_delete=models.CASCADE, related_name="choices"
    )
    label = models.CharField("plain-words label", max_length=80)
    detail = models.CharField(max_length=300, blank=True)
    picture = models.CharField(
        max_length=40, blank=True, help_text="A pictogram name from the picture library."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class SessionInvitee(TimeStampedModel):
    """Who is invited to a session and, once held, whether and how they took part."""

    session = models.ForeignKey(
        CoproductionSession, on_delete=models.CASCADE, related_name="invitees"
    )
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    name = models.CharField(max_length=150)
    circle_member = models.ForeignKey(
        CircleMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    took_part = models.BooleanField(null=True, blank=True)
    how = models.CharField(max_length=20, choices=TakingPart.choices, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class SessionView(CareRecord):
    """A view given before a session, by the person or a circle member: from their own
    login, or written down by staff on their behalf (and saying so)."""

    session = models.ForeignKey(CoproductionSession, on_delete=models.CASCADE, related_name="views")
    author_kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    author_name = models.CharField(max_length=150)
    circle_member = models.ForeignKey(
        CircleMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField("their view")
    how_given = models.CharField(max_length=20, choices=TakingPart.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(
        default=False, help_text="Recorded by staff on the author's behalf."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:60]}"


class Decision(CareRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        SUPERSEDED = "superseded", "Superseded"

    class PersonAgrees(models.TextChoices):
        AGREES = "agrees", "Agrees"
        PARTLY = "partly", "Partly agrees"
        DISAGREES = "disagrees", "Disagrees"
        COULD_NOT_SAY = "could_not_say", "Could not say"

    class Capacity(models.TextChoices):
        ASSUMED = "assumed", "Capacity assumed"
        ASSESSED_HAS = "assessed_has", "Assessed for this decision: has capacity"
        BEST_INTERESTS = "best_interests", "Assessed: lacks capacity – best-interests decision"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="decisions")
    session = models.ForeignKey(
        CoproductionSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    domain = models.CharField(max_length=20, choices=Domain.choices)
    question = models.CharField("the question", max_length=300)
    what_matters = models.TextField("what matters to the person", blank=True)
    goal_kept = models.CharField(
        "the person's goal, kept whatever is decided",
        max_length=300,
        blank=True,
        help_text="For risk decisions: the goal stays on record.",
    )
    agreed = models.TextField("what was agreed", blank=True)
    reason = models.TextField("why", blank=True)
    persons_words = models.TextField("what the person said, in their own words", blank=True)
    person_agrees = models.CharField(
        "does the person agree", max_length=20, choices=PersonAgrees.choices, blank=True
    )
    why_person_not_involved = models.TextField("why the person could not take part", blank=True)
    information_withheld = models.TextField("information withheld or delayed, and why", blank=True)
    more_restrictive_reason = models.TextField(
        "why a more restrictive option was chosen than one marked workable", blank=True
    )
    final_say = models.CharField(
        "who makes the final decision",
        max_length=200,
        blank=True,
        help_text="From the person's decision-making agreement.",
    )
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.ASSUMED)
    capacity_notes = models.TextField("capacity assessment notes", blank=True)
    # Mental Capacity Act 2005 section 4 checklist, for a best-interests decision.
    bi_practicable_steps = models.TextField(
        "all practicable steps taken to help the person decide", blank=True
    )
    bi_encouraged = models.TextField("how the person was encouraged to take part", blank=True)
    bi_wishes = models.TextField(
        "the person's past and present wishes, feelings, beliefs and values", blank=True
    )
    bi_others_views = models.TextField(
        "views of people named by the person, carers, any attorney or deputy", blank=True
    )
    bi_least_restrictive = models.TextField("why this is the least restrictive option", blank=True)
    review_by = models.DateField("review by", null=True, blank=True)
    review_triggers = models.TextField(
        "what would make us review it sooner", blank=True, help_text="One a line."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The agreed decision this one replaces. One successor only.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["person", "status", "domain"], name="decision_person_status_idx"),
            models.Index(fields=["review_by"], name="decision_review_by_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(agreed_by__isnull=False) & Q(agreed_at__isnull=False)),
                name="decision_agreed_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.question

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED


class DecisionOption(TimeStampedModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    benefits = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    safeguards = models.TextField(blank=True)
    proposed_by = models.CharField(max_length=150, blank=True)
    restrictiveness = models.PositiveSmallIntegerField(
        "restrictiveness rank",
        null=True,
        blank=True,
        help_text="For risk decisions: 1 is the most restrictive.",
        validators=[MinValueValidator(1)],
    )
    is_workable = models.BooleanField(default=True)
    is_chosen = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    carried_over_from = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The decision this option was carried over from, when that one was superseded.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["restrictiveness", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"], condition=Q(is_chosen=True), name="decision_one_chosen_option"
            )
        ]

    def __str__(self) -> str:
        return self.label


class DecisionParticipant(TimeStampedModel):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=20, choices=ParticipantKind.choices)
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=100, blank=True, help_text="E.g. sister, key worker, IMCA.")
    how = models.CharField(max_length=20, choices=TakingPart.choices)
    circle_member = models.ForeignKey(
        CircleMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_how_display().lower()})"


class Goal(CareRecord):
    class Importance(models.IntegerChoices):
        A_LITTLE = 1, "A little important to me"
        QUITE = 2, "Quite important to me"
        VERY = 3, "Very important to me"

    class Measure(models.TextChoices):
        COUNT = "count", "A count"
        RATING = "rating", "A rating on a scale"
        CHECKLIST = "checklist", "A checklist"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ACHIEVED = "achieved", "Achieved"
        PAUSED = "paused", "Paused"
        DROPPED = "dropped", "Dropped"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="goals")
    in_own_words = models.CharField("the goal, in the person's words", max_length=300)
    picture = models.CharField(
        max_length=60, blank=True, help_text="A picture for the easy read and the check-in."
    )
    importance = models.PositiveSmallIntegerField(
        choices=Importance.choices, default=Importance.VERY
    )
    success_looks_like = models.TextField("what success looks like")
    measure = models.CharField("how it is measured", max_length=20, choices=Measure.choices)
    measure_unit = models.CharField(
        max_length=100, blank=True, help_text="For a count: what is counted, e.g. 'trips a week'."
    )
    target_value = models.PositiveIntegerField(null=True, blank=True)
    scale_max = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    checklist = models.JSONField(default=list, blank=True, help_text="Checklist items, in order.")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(blank=True)
    decisions = models.ManyToManyField(Decision, blank=True, related_name="goals")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[decisions])

    class Meta:
        ordering = ["status", "-importance", "id"]

    def __str__(self) -> str:
        return self.in_own_words


class GoalAction(TimeStampedModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(max_length=300)
    who = models.CharField(max_length=150)
    when = models.CharField(max_length=150, help_text="E.g. 'every Tuesday' or a date.")
    review_on = models.DateField(null=True, blank=True)
    is_done = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["is_done", "id"]

    def __str__(self) -> str:
        return self.what


class GoalProgress(TimeStampedModel):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    recorded_on = models.DateField()
    value = models.IntegerField(null=True, blank=True, help_text="The count or rating.")
    checklist_done = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    persons_words = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_on", "id"]
        indexes = [models.Index(fields=["goal", "recorded_on"], name="goalprogress_goal_idx")]

    def __str__(self) -> str:
        return f"{self.goal} on {self.recorded_on}"


class ContingencyPlan(CareRecord):
    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="contingency_plan")
    triggers = models.TextField("what might go wrong (triggers)", blank=True)
    what_should_happen = models.TextField(blank=True)
    who_to_contact = models.TextField(blank=True)
    coping_strategies = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Contingency plan for {self.person}"
