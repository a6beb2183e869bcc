"""The picture names typed before pictures were drawn in ("shower", "breakfast"), as
OpenMoji references ("openmoji:1F6BF"), in routine steps and session choices. A name with
no pictogram is left as it is (it still draws as a word in a box). The reverse puts back
each pictogram's first care word.

The words are frozen here as they were when this migration was written (catalogue.py may
grow)."""

from django.db import migrations

WORDS = {
    "alarm": "23F0",
    "wake up": "23F0",
    "shower": "1F6BF",
    "wash": "1F9FC",
    "soap": "1F9FC",
    "bath": "1F6C1",
    "toothbrush": "1FAA5",
    "teeth": "1FAA5",
    "toilet": "1F6BD",
    "hair": "1F487",
    "cream": "1F9F4",
    "clothes": "1F455",
    "get dressed": "1F455",
    "laundry": "1F9FA",
    "breakfast": "1F963",
    "lunch": "1F96A",
    "dinner": "1F37D",
    "meal": "1F37D",
    "drink": "1F964",
    "tea": "2615",
    "coffee": "2615",
    "cooking": "1F373",
    "cake": "1F382",
    "shopping": "1F6D2",
    "money": "1F4B7",
    "wallet": "1F45B",
    "bus": "1F68C",
    "train": "1F686",
    "taxi": "1F695",
    "car": "1F697",
    "bike": "1F6B2",
    "ticket": "1F3AB",
    "travel card": "1F3AB",
    "college": "1F3EB",
    "school": "1F3EB",
    "work": "1F4BC",
    "library": "1F4DA",
    "books": "1F4DA",
    "phone": "1F4F1",
    "computer": "1F4BB",
    "television": "1F4FA",
    "tv": "1F4FA",
    "games": "1F3AE",
    "medication": "1F48A",
    "medicine": "1F48A",
    "tablets": "1F48A",
    "doctor": "1F9D1-200D-2695-FE0F",
    "dentist": "1F9B7",
    "hospital": "1F3E5",
    "walk": "1F6B6",
    "park": "1F333",
    "garden": "1FAB4",
    "music": "1F3B5",
    "headphones": "1F3A7",
    "swimming": "1F3CA",
    "football": "26BD",
    "gym": "1F3CB",
    "paint": "1F3A8",
    "art": "1F3A8",
    "cinema": "1F3AC",
    "home": "1F3E0",
    "chair": "1FA91",
    "bed": "1F6CF",
    "sleep": "1F634",
    "calendar": "1F4C5",
    "friends": "1F46B",
    "family": "1F46A",
    "talk": "1F5E3",
    "quiet": "1F92B",
    "help": "1F198",
    "stop": "1F6D1",
    "happy": "1F600",
    "sad": "1F641",
    "ok": "1F44D",
    "yes": "1F44D",
    "good": "1F44D",
    "no": "1F44E",
    "not good": "1F44E",
    "pain": "1F915",
    "hurt": "1F915",
    "tired": "1F62B",
    "angry": "1F620",
    "worried": "1F61F",
    "scared": "1F628",
    "calm": "1F60C",
}
PREFIX = "openmoji:"
TABLES = [("support", "RoutineStep"), ("planning", "SessionChoice")]


def forwards(apps, schema_editor):
    for app, model in TABLES:
        Model = apps.get_model(app, model)
        for row in Model.objects.exclude(picture="").exclude(picture__startswith=PREFIX):
            code = WORDS.get(row.picture.strip().lower())
            if code:
                Model.objects.filter(pk=row.pk).update(picture=PREFIX + code)


def backwards(apps, schema_editor):
    names: dict[str, str] = {}
    for word, code in WORDS.items():
        names.setdefault(PREFIX + code, word)
    for app, model in TABLES:
        Model = apps.get_model(app, model)
        for row in Model.objects.filter(picture__startswith=PREFIX):
            if row.picture in names:
                Model.objects.filter(pk=row.pk).update(picture=names[row.picture])


class Migration(migrations.Migration):
    dependencies = [
        ("pictures", "0001_initial"),
        ("planning", "0002_option_carried_over_from"),
        ("support", "0005_instruction_text_in_versions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
