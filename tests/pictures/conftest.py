"""Pictures fixtures: uploads go to a folder of the test's own; small real and fake image
files."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(name: str = "door.png", size: tuple[int, int] = (64, 64), colour: str = "#1d4f91"):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def not_an_image(name: str = "notes.png"):
    return SimpleUploadedFile(name, b"%PDF-1.4 this is not a picture", content_type="image/png")


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
