"""Demo pictures, made through the pictures services: two of Riverside's own images for the
picture library (Elm House's front door, the minibus), and Daniel's own photo of his shower,
which he asked to see instead of the shower pictogram on his morning checklist. The images
are drawn with Pillow here (no files to ship). Idempotent: an image already in the library,
or a person with photos, is left alone. All fictional."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from coplan.accounts.models import Organisation, User
from coplan.people.models import Person
from coplan.pictures import services
from coplan.pictures.models import LibraryImage

SHOWER = "openmoji:1F6BF"
MUSIC = "openmoji:1F3B5"


def _png(name: str, draw: Callable[[ImageDraw.ImageDraw], None]) -> SimpleUploadedFile:
    img = Image.new("RGB", (480, 480), "#f4efe6")
    draw(ImageDraw.Draw(img))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _front_door(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((40, 60, 440, 460), fill="#b5562f")  # brick
    for y in range(80, 460, 40):
        d.line((40, y, 440, y), fill="#8e3f20", width=3)
    d.rectangle((160, 160, 320, 460), fill="#1d4f91", outline="#0d2547", width=6)  # door
    d.ellipse((285, 300, 305, 320), fill="#e8c547")
    d.rectangle((190, 190, 290, 260), fill="#cfe3f5", outline="#0d2547", width=4)
    d.text((205, 215), "ELM 12", fill="#0d2547")


def _minibus(d: ImageDraw.ImageDraw) -> None:
    d.rectangle((0, 330, 480, 480), fill="#9aa3ab")  # road
    d.rounded_rectangle((40, 150, 440, 350), radius=40, fill="#f2f2f2", outline="#333333", width=6)
    d.rectangle((40, 250, 440, 280), fill="#2f7d4b")  # Riverside green stripe
    for x in (80, 170, 260):
        d.rectangle((x, 180, x + 70, 240), fill="#bcd9ef", outline="#333333", width=3)
    d.rectangle((350, 180, 420, 250), fill="#bcd9ef", outline="#333333", width=3)
    for cx in (120, 360):
        d.ellipse((cx - 40, 310, cx + 40, 390), fill="#222222")
        d.ellipse((cx - 15, 335, cx + 15, 365), fill="#cccccc")


def _dans_shower(d: ImageDraw.ImageDraw) -> None:
    for x in range(0, 480, 60):  # his green tiles
        for y in range(0, 480, 60):
            d.rectangle((x, y, x + 58, y + 58), fill="#7fb8a4")
    d.line((330, 40, 330, 120), fill="#c0c0c0", width=12)
    d.line((330, 40, 240, 40), fill="#c0c0c0", width=12)
    d.ellipse((190, 20, 270, 70), fill="#d8d8d8", outline="#888888", width=4)
    for i in range(9):
        d.line((200 + i * 8, 75, 180 + i * 12, 300), fill="#e6f4ff", width=3)
    d.rectangle((40, 380, 160, 470), fill="#f5d033", outline="#8a7412", width=4)  # his towel


def _dans_headphones(d: ImageDraw.ImageDraw) -> None:
    d.arc((110, 90, 370, 350), start=180, end=360, fill="#c62828", width=28)
    d.rounded_rectangle((90, 210, 170, 340), radius=24, fill="#c62828")
    d.rounded_rectangle((310, 210, 390, 340), radius=24, fill="#c62828")


LIBRARY = [
    ("Elm House front door", "home, door, house, elm house", "elm-house-door.png", _front_door),
    ("Our minibus", "bus, minibus, transport, trip", "minibus.png", _minibus),
]


def seed(*, org: Organisation, people: dict[str, Person], staff: dict[str, User]) -> None:
    leader = staff.get("manager_elm") or staff.get("team_leader_elm")
    if leader is None:
        return
    for label, words, filename, draw in LIBRARY:
        if not LibraryImage.objects.filter(organisation=org, label=label).exists():
            services.library_image_add(
                organisation_id=org.pk,
                label=label,
                words=words,
                image=_png(filename, draw),
                by=leader,
            )
    daniel = people.get("daniel")
    if daniel is not None and not daniel.photos.exists():
        services.person_photo_add(
            person=daniel,
            label="Dan's own shower, with his yellow towel",
            image=_png("dan-shower.png", _dans_shower),
            stands_for=SHOWER,
            by=leader,
        )
        services.person_photo_add(
            person=daniel,
            label="Dan's red headphones",
            image=_png("dan-headphones.png", _dans_headphones),
            stands_for=MUSIC,
            by=leader,
        )
