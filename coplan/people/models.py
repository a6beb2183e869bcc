"""The person supported: About me (PRSB), one-page profile, important to / for, good day /
bad day, communication and information needs (Accessible Information Standard), the
communication chart, decision-making profile and agreement, and the circle of support."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord


class Person(CareRecord):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="people")
    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="What the person likes to be called."
    )
    pronouns = models.CharField(max_length=40, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_worker_for",
    )
    login = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person_record",
        help_text="The person's own login, if they have one.",
    )
    strengths = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    # About me (PRSB About Me standard headings)
    most_important = models.TextField("what is most important to me", blank=True)
    important_people = models.TextField("people who are important to me", blank=True)
    how_i_communicate = models.TextField(
        "how I communicate and how to communicate with me", blank=True
    )
    wellness = models.TextField("my wellness", blank=True)
    please_do = models.TextField("please do", blank=True)
    please_do_not = models.TextField("please do not", blank=True)
    how_and_when_to_support = models.TextField("how and when to support me", blank=True)
    also_worth_knowing = models.TextField("also worth knowing about me", blank=True)
    supported_to_write_by = models.CharField(
        "supported to write this by", max_length=200, blank=True
    )
    about_me_updated_on = models.DateField("About me last updated", null=True, blank=True)

    # One-page profile
    like_and_admire = models.TextField("what people like and admire about me", blank=True)
    how_best_to_support = models.TextField("how best to support me", blank=True)

    # Important to / important for
    important_to = models.TextField(
        "important to me",
        blank=True,
        help_text="People, routines, places, things to do, pace of life, control. One a line.",
    )
    important_for = models.TextField(
        "important for me",
        blank=True,
        help_text="Health, safety, being valued. One a line.",
    )
    balance = models.TextField(
        "the balance between them",
        blank=True,
        help_text="How we keep what is important to the person while keeping them well and safe.",
    )

    # Triggers, good day / bad day
    sensory_triggers = models.TextField(blank=True)
    distress_triggers = models.TextField(blank=True)
    good_day = models.TextField("a good day for me", blank=True)
    bad_day = models.TextField("a bad day for me", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["given_name", "family_name"]
        indexes = [models.Index(fields=["service", "is_active"], name="person_service_active_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def called(self) -> str:
        return self.preferred_name or self.given_name


class CommunicationNeed(CareRecord):
    """One need under the Accessible Information Standard (DAPB1605)."""

    class Category(models.TextChoices):
        COMMUNICATION_SUPPORT = "communication_support", "Communication support"
        PROFESSIONAL = "professional", "Requires a communication professional"
        CONTACT_METHOD = "contact_method", "Requires a specific contact method"
        INFORMATION_FORMAT = "information_format", "Requires a specific information format"
        ADDITIONAL = "additional", "Additional needs"

    class Format(models.TextChoices):
        EASY_READ = "easy_read", "Easy read"
        PICTURES = "pictures", "Pictures"
        LARGE_PRINT = "large_print", "Large print"
        AUDIO = "audio", "Audio"
        BSL = "bsl", "British Sign Language"
        MAKATON = "makaton", "Makaton"
        OBJECTS = "objects_of_reference", "Objects of reference"
        BRAILLE = "braille", "Braille"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="communication_needs")
    category = models.CharField(max_length=30, choices=Category.choices)
    information_format = models.CharField(
        max_length=30,
        choices=Format.choices,
        blank=True,
        help_text="For a specific information format: which one.",
    )
    need = models.CharField(max_length=300, help_text="The need, in a short line.")
    how_to_meet = models.TextField(
        "how to meet it", blank=True, help_text="What staff do to meet this need."
    )
    identified_on = models.DateField(default=timezone.localdate)
    share_with_partners = models.BooleanField(
        "may be shared with other services",
        default=True,
        help_text="Consent to share this need with other health and care services.",
    )
    review_on = models.DateField("review by")
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category="information_format") | ~Q(information_format=""),
                name="comm_need_format_named",
            )
        ]

    def __str__(self) -> str:
        return self.need

    def clean(self) -> None:
        super().clean()
        # The check constraint holds this too; this says it in words, on the field.
        if self.category == self.Category.INFORMATION_FORMAT and not self.information_format:
            raise ValidationError(
                {"information_format": "Choose the information format the person needs."}
            )

    @property
    def review_due(self) -> bool:
        return self.review_on <= timezone.localdate()


class CommunicationChartEntry(CareRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="communication_chart")
    happening = models.CharField("what is happening", max_length=300)
    person_does = models.CharField("what the person does", max_length=300)
    we_think = models.CharField("we think it means", max_length=300)
    we_should = models.CharField("what we should do", max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "communication chart entries"

    def __str__(self) -> str:
        return f"{self.happening}: {self.person_does}"


class DecisionMakingProfile(CareRecord):
    class Presentation(models.TextChoices):
        SPOKEN = "spoken", "Spoken"
        VISUAL = "visual", "Visual (pictures or photos)"
        WRITTEN = "written", "Written"
        OBJECTS = "objects", "Objects of reference"
        MIXED = "mixed", "Spoken with pictures"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="decision_profile")
    how_i_like_information = models.TextField("how I like to get information", blank=True)
    choices_at_once = models.PositiveSmallIntegerField(
        "how many choices at once",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    presentation = models.CharField(
        "how to present choices", max_length=20, choices=Presentation.choices, default="mixed"
    )
    ways_to_help_understand = models.TextField("ways to help me understand", blank=True)
    best_time = models.CharField("best time for me to decide", max_length=200, blank=True)
    bad_time = models.CharField("bad time for me to decide", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(choices_at_once__gte=1) & Q(choices_at_once__lte=6),
                name="dm_profile_choices_range",
            )
        ]

    def __str__(self) -> str:
        return f"Decision-making profile of {self.person}"


class DecisionAgreementEntry(CareRecord):
    """For one kind of decision in the person's life: how they are involved and who makes
    the final decision."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="decision_agreement")
    decision_kind = models.CharField("kind of decision", max_length=200)
    how_involved = models.TextField("how I must be involved")
    final_say = models.CharField("who makes the final decision", max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "decision-making agreement entries"

    def __str__(self) -> str:
        return self.decision_kind


class CircleMember(CareRecord):
    class Relationship(models.TextChoices):
        FAMILY = "family", "Family"
        FRIEND = "friend", "Friend"
        IMCA = "advocate_imca", "Advocate (IMCA)"
        IMHA = "advocate_imha", "Advocate (IMHA)"
        PAID_ADVOCATE = "advocate_paid", "Advocate (paid)"
        UNPAID_ADVOCATE = "advocate_unpaid", "Advocate (unpaid)"
        PROFESSIONAL = "professional", "Professional"
        OTHER = "other", "Other"

    class ConsentBasis(models.TextChoices):
        PERSON = "person", "The person agreed"
        BEST_INTERESTS = "best_interests", "Best-interests decision (Mental Capacity Act)"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circle")
    name = models.CharField(max_length=150)
    relationship_type = models.CharField(max_length=20, choices=Relationship.choices)
    relationship = models.CharField(
        max_length=100, blank=True, help_text="In the person's words, e.g. 'my sister'."
    )
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    login = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circle_memberships",
    )
    may_see_profile = models.BooleanField("may see About me and profile", default=True)
    may_see_plan = models.BooleanField("may see plan and decisions", default=False)
    may_see_records = models.BooleanField("may see daily records", default=False)
    may_see_reviews = models.BooleanField("may see reviews", default=False)
    consent_basis = models.CharField(
        "who agreed to this sharing", max_length=20, choices=ConsentBasis.choices, default="person"
    )
    consent_note = models.TextField(
        blank=True, help_text="How and when the person agreed, or the best-interests decision."
    )
    consent_recorded_on = models.DateField(default=timezone.localdate)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "login"],
                condition=Q(login__isnull=False),
                name="circle_one_login_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship or self.get_relationship_type_display()})"
