"""The access log: every read of a person's record, by whom and when."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from coplan.people.models import Person


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

    class Meta:
        db_table = "accounts_accesslog"  # kept when the model moved from accounts
        ordering = ["-at"]
        indexes = [models.Index(fields=["person", "-at"], name="accesslog_person_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display().lower()} {self.what} at {self.at:%c}"


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
