"""The provider's own image library and each person's own photos. Both files live under
MEDIA_ROOT and are served only through views that check who is asking (never as public
media)."""

from django.conf import settings
from django.db import models

from coplan.accounts.models import Organisation
from coplan.lib.models import TimeStampedModel
from coplan.people.models import Person


def _library_path(instance: "LibraryImage", filename: str) -> str:
    return f"pictures/library/{instance.organisation_id}/{filename}"


def _photo_path(instance: "PersonPhoto", filename: str) -> str:
    return f"pictures/people/{instance.person_id}/{filename}"


class LibraryImage(TimeStampedModel):
    """A picture the provider made for everyone it supports (its own front door, the
    minibus, the day centre), found in the picker by its label and words."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="library_images"
    )
    label = models.CharField(max_length=80)
    words = models.CharField(
        max_length=200, blank=True, help_text="Other words to find it by, separated by commas."
    )
    image = models.ImageField(upload_to=_library_path)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["label", "id"]
        indexes = [models.Index(fields=["organisation", "label"], name="library_org_label")]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"library:{self.pk}"


class PersonPhoto(TimeStampedModel):
    """A photo of the person's own things (their bathroom, their bus stop, their mug). With
    `stands_for` set, it is shown instead of that picture wherever a page draws it for
    them: "use my photo for this"."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="photos")
    label = models.CharField(max_length=80)
    image = models.ImageField(upload_to=_photo_path)
    stands_for = models.CharField(
        max_length=60,
        blank=True,
        help_text="The picture this photo replaces for this person, e.g. openmoji:1F6BF.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["label", "id"]
        indexes = [models.Index(fields=["person", "stands_for"], name="photo_person_stands_for")]

    def __str__(self) -> str:
        return self.label

    @property
    def ref(self) -> str:
        return f"photo:{self.pk}"
