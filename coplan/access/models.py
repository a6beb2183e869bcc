"""The access log: every read of a person's record, by whom and when."""

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from coplan.people.models import Person


class AccessLogManager(models.Manager["AccessLog"]):
    def write(self, rows: Iterable["AccessLog"]) -> list["AccessLog"]:
        """Save these reads in one statement. A page view is a read, and on PostgreSQL its
        log rows commit without waiting for the disk (synchronous_commit off for this
        transaction only): a crash of the database server can lose the last fraction of a
        second of "who looked", never a care record and never part of a row, and a worker's
        shift view does not wait on a flush for every page. Inside a transaction already
        (a write that also logs a read) the rows go with it, and its durability, as they are.
        """
        rows = list(rows)
        if not rows:
            return rows
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return self.bulk_create(rows)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return self.bulk_create(rows)


class AccessLog(models.Model):
    """Every read of a person's record: who, what, when (an AuditEvent in FHIR terms)."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        PRINT = "print", "Printed"
        EXPORT = "export", "Exported"
        API_READ = "api_read", "Read through the API"
        INVITED = "invited", "Invited to sign in"
        INVITE_SENT = "invite_sent", "Invitation sent"
        INVITE_USED = "invite_used", "Invitation used"
        TABLET_START = "tablet_start", "Shared tablet started"
        TABLET_END = "tablet_end", "Shared tablet ended"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_logs"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_logs")
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.VIEW)
    what = models.CharField(max_length=200, help_text="The part of the record that was read.")
    path = models.CharField(max_length=500, blank=True)

    objects = AccessLogManager()

    class Meta:
        db_table = "accounts_accesslog"  # kept when the model moved from accounts
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "-at"], name="accesslog_person_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.what} at {self.at:%c}"


class InspectorGrant(models.Model):
    """A named inspector's or commissioner's read access to the evidence of one service, or
    of one person (with their consent recorded), until a date. It ends by itself: the rules
    read `until` on every request. Only a two-step verified sign-in uses it."""

    class Kind(models.TextChoices):
        INSPECTOR = "inspector", "Inspector (CQC)"
        COMMISSIONER = "commissioner", "Commissioner"

    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspector_grants"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    grantee_organisation = models.CharField(
        "their organisation", max_length=150, help_text="E.g. CQC, Northby Council."
    )
    service = models.ForeignKey(
        "accounts.Service", on_delete=models.CASCADE, related_name="inspector_grants"
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="inspector_grants",
        help_text="Only this person's evidence (their consent is recorded); else the service's.",
    )
    consent = models.TextField(
        "the person's consent", blank=True, help_text="How and when the person agreed."
    )
    until = models.DateField("access until", help_text="Access ends at the end of this day.")
    reason = models.TextField("why they need access")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-until", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) | ~models.Q(consent=""),
                name="inspector_grant_person_consent",
            ),
        ]
        indexes = [models.Index(fields=["grantee", "until"], name="inspectorgrant_grantee_idx")]

    def __str__(self) -> str:
        scope = self.person or self.service
        return f"{self.grantee} ({self.get_kind_display()}): {scope} until {self.until:%d %b %Y}"

    def is_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and today <= self.until


class Invitation(models.Model):
    """A single-use, expiring link that lets the person, or someone in their circle, set
    their own login. Only a SHA-256 digest of the token is stored (as for API tokens): the
    link is shown once, to the manager who made it, or sent by email."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    # Empty for the person's own login; else the circle member being invited.
    circle_member = models.ForeignKey(
        "people.CircleMember",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    sent_to = models.EmailField("sent by email to", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "-created_at"], name="invitation_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(used_by__isnull=False),
                name="invitation_used_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.invitee_name}"

    @property
    def invitee_name(self) -> str:
        member = self.circle_member
        return member.name if member is not None else self.person.display_name

    @property
    def status(self) -> str:
        if self.used_at:
            return "used"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"
