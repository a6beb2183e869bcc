"""Upload forms. The file is checked by the service (services.image_file), so the web form
and any other caller refuse the same file with the same words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from coplan.pictures import services
from coplan.pictures.widgets import PictureField

ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


class _UploadForm(forms.Form):
    label = forms.CharField(max_length=80, help_text="In plain words: what the picture shows.")
    image = forms.FileField(
        label="Picture file",
        help_text="A JPEG, PNG, GIF or WebP, up to 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_image(self) -> Any:
        upload = self.cleaned_data["image"]
        try:
            services.image_file(upload)
        except ValidationError as e:
            raise ValidationError(e.message_dict["image"]) from None
        upload.seek(0)
        return upload


class LibraryImageForm(_UploadForm):
    words = forms.CharField(
        max_length=200, required=False, help_text="Other words to find it by, with commas."
    )


class PersonPhotoForm(_UploadForm):
    stands_for = PictureField(
        label="Use this photo instead of",
        help_text="Optional: the picture this photo replaces for this person, e.g. shower.",
    )
