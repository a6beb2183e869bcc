import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coplan.lib.models import TimeStampedModel


class User(AbstractUser):
    """A login. Staff have memberships in services; a person supported or a member of
    their circle has a login linked from their Person or CircleMember record."""

    display_name = models.CharField(max_length=150, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def name(self) -> str:
        return str(self)


class Organisation(TimeStampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Require an authenticator app for managers, quality leads and admins.",
    )

    def __str__(self) -> str:
        return self.name


class Service(TimeStampedModel):
    """A supported-living scheme or house."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="service_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    class Role(models.TextChoices):
        SUPPORT_WORKER = "support_worker", "Support worker"
        AGENCY_WORKER = "agency_worker", "Agency worker"
        TEAM_LEADER = "team_leader", "Team leader"
        MANAGER = "manager", "Manager"
        QUALITY_LEAD = "quality_lead", "Quality lead"
        ADMIN = "admin", "Admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "service"], name="membership_one_per_service"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.service}"

    @property
    def is_support_worker(self) -> bool:
        return self.role == self.Role.SUPPORT_WORKER

    @property
    def is_agency_worker(self) -> bool:
        return self.role == self.Role.AGENCY_WORKER

    @property
    def is_team_leader(self) -> bool:
        return self.role == self.Role.TEAM_LEADER

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_quality_lead(self) -> bool:
        return self.role == self.Role.QUALITY_LEAD

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN


SENIOR_ROLES = {Membership.Role.MANAGER, Membership.Role.QUALITY_LEAD, Membership.Role.ADMIN}


class ShiftBooking(TimeStampedModel):
    """A shift a worker is booked on. Agency workers see records only inside one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_bookings"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="shift_bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["user", "starts_at"], name="shift_user_start_idx")]

    def __str__(self) -> str:
        return f"{self.user} at {self.service}, {self.starts_at:%d %b %H:%M}–{self.ends_at:%H:%M}"

    def covers(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.starts_at <= moment < self.ends_at


class ApiToken(TimeStampedModel):
    """A bearer token for the JSON API. Only a SHA-256 digest is stored; the token is shown
    once, when made."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) for {self.user}"

    @staticmethod
    def new_secret() -> str:
        return "cpl_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
