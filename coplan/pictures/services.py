"""Every write of the pictures app: adding and removing library images and person photos.
An upload is checked to be a real image no larger than MAX_BYTES, then re-saved by Pillow
(turned upright, at most MAX_SIDE pixels, without its metadata: a phone photo carries the
place it was taken)."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from coplan.accounts.models import User
from coplan.people.models import Person
from coplan.pictures import refs
from coplan.pictures.models import LibraryImage, PersonPhoto

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 1200
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "png", "WEBP": "png"}
TOO_LARGE = "This file is larger than 2 MB. Please choose a smaller picture."
NOT_IMAGE = "This file is not a picture Coplan can use. Please choose a JPEG, PNG, GIF or WebP."


def image_file(upload: UploadedFile) -> ContentFile:
    """The upload as a clean image file, or a ValidationError saying why not."""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError({"image": TOO_LARGE})
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as opened:
            kind = opened.format or ""
            if kind not in FORMATS:
                raise ValidationError({"image": NOT_IMAGE})
            ext = FORMATS[kind]
            upright: Image.Image = ImageOps.exif_transpose(opened)
            upright.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = upright.convert("RGB" if ext == "jpg" else "RGBA")
            out = io.BytesIO()
            clean.save(out, format="JPEG" if ext == "jpg" else "PNG", optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError({"image": NOT_IMAGE}) from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ext}")


@transaction.atomic
def library_image_add(
    *, organisation_id: int, label: str, words: str = "", image: UploadedFile, by: User
) -> LibraryImage:
    item = LibraryImage(organisation_id=organisation_id, label=label.strip(), words=words.strip())
    item.uploaded_by = by
    item.image = image_file(image)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def library_image_remove(*, item: LibraryImage) -> None:
    item.image.delete(save=False)
    item.delete()


@transaction.atomic
def person_photo_add(
    *, person: Person, label: str, image: UploadedFile, stands_for: str = "", by: User
) -> PersonPhoto:
    photo = PersonPhoto(person=person, label=label.strip(), stands_for=refs.canonical(stands_for))
    photo.uploaded_by = by
    photo.image = image_file(image)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def person_photo_remove(*, photo: PersonPhoto) -> None:
    photo.image.delete(save=False)
    photo.delete()
