"""Evidence packs: one person's or a whole service's evidence over a period, kept as made
(its HTML and PDF) with a SHA-256 checksum of its content that the verification page checks.
(Named inspector access is `coplan.access.models.InspectorGrant`: the access rules read it.)"""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from coplan.accounts.models import Service
from coplan.people.models import Person

__all__ = ["EvidencePack"]


class EvidencePack(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be made"

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="evidence_packs")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_packs",
        help_text="The person it is about; empty for a whole service.",
    )
    start = models.DateField("from")
    end = models.DateField("to")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    step = models.CharField(max_length=200, blank=True, help_text="What it is doing now.")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_by_name = models.CharField(max_length=150)
    client_key = models.UUIDField(
        null=True, blank=True, help_text="The caller's key: asking again returns this pack."
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    html = models.TextField("content", blank=True)
    checksum = models.CharField(max_length=64, blank=True, db_index=True)
    pdf = models.BinaryField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["made_by", "client_key"],
                condition=Q(client_key__isnull=False),
                name="evidencepack_one_per_client_key",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="evidencepack_period"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="evidencepack_progress_percent"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "-created_at"], name="evidencepack_service_idx"),
            models.Index(fields=["person", "-created_at"], name="evidencepack_person_idx"),
        ]

    def __str__(self) -> str:
        about = self.person or self.service
        return f"Evidence pack {self.pk}: {about}, {self.start:%d %b %Y} to {self.end:%d %b %Y}"

    @property
    def subject(self) -> str:
        return self.person.display_name if self.person is not None else self.service.name

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.FAILED)

    @property
    def content_intact(self) -> bool:
        """The stored content still has the checksum it was made with."""
        return bool(self.checksum) and digest(self.html) == self.checksum


def digest(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()
