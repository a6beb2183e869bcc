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
