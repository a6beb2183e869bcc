"""Notifications: one row per recipient for an event a role is told of, with a link to the
record and the time it was read (DESIGN.md, "Notification"). The notification carries its
own words and link, so this app knows nothing of the stages that raise them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from coplan.accounts.models import Membership
from coplan.lib.models import TimeStampedModel

Role = Membership.Role


class Kind(models.TextChoices):
    INCIDENT = "incident", "An incident was recorded"
    SERIOUS_INCIDENT = "serious_incident", "A serious incident was recorded"
    MISSED_CHECK_IN = "missed_check_in", "A travel check-in was missed"
    NEW_TRIGGER = "new_trigger", "A new reason to review"
    NOT_PRACTICAL = "not_practical", "Staff say a plan isn't practical"
    BRIEFING_DUE = "briefing_due", "A shift briefing is due"
    DECISION_SUPERSEDED = "decision_superseded", "A decision you took part in was replaced"


# Urgent kinds also go by email (in the background, never holding up the request).
URGENT = frozenset({Kind.SERIOUS_INCIDENT, Kind.MISSED_CHECK_IN})

# What each role is told of unless they change it (in-app); urgent kinds also by email.
DEFAULTS: dict[str, frozenset[str]] = {
    # A support worker is told only of the people they are key worker for (see callers).
    Role.SUPPORT_WORKER: frozenset(
        {
            Kind.INCIDENT,
            Kind.SERIOUS_INCIDENT,
            Kind.MISSED_CHECK_IN,
            Kind.NEW_TRIGGER,
            Kind.NOT_PRACTICAL,
        }
    ),
    Role.AGENCY_WORKER: frozenset({Kind.BRIEFING_DUE, Kind.MISSED_CHECK_IN}),
    Role.TEAM_LEADER: frozenset(set(Kind) - {Kind.BRIEFING_DUE, Kind.DECISION_SUPERSEDED}),
    Role.MANAGER: frozenset(set(Kind) - {Kind.BRIEFING_DUE, Kind.DECISION_SUPERSEDED}),
    Role.QUALITY_LEAD: frozenset({Kind.SERIOUS_INCIDENT}),
    Role.ADMIN: frozenset(),
}


# What a login with no staff role (the person, someone in their circle) is told of.
WITHOUT_ROLE: frozenset[str] = frozenset({Kind.DECISION_SUPERSEDED})


class Notification(TimeStampedModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField("link to the record", max_length=500)
    # Names the event, so a resend or a second scan tells each recipient once.
    event_key = models.CharField(max_length=200)
    is_urgent = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.recipient}"


class Preference(TimeStampedModel):
    """A user's choice for one kind; without a row, their roles' defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    in_app = models.BooleanField(default=True)
    by_email = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]
