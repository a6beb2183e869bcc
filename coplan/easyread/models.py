"""The easy-read words for a line of the person's plan, written by staff with the person.

The plan's own wording is for staff ("Clothes he chose last night"); the person reads their
version ("I wear the clothes I picked."). Words are kept against the staff wording they
replace, for that person, so they carry over to each new version of a routine while its
step says the same, and stop being used the moment the step's meaning is changed."""

from django.db import models

from coplan.lib.history import HistoricalRecords
from coplan.lib.models import CareRecord
from coplan.people.models import Person


class EasyWords(CareRecord):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="easy_words")
    source = models.CharField(
        "the plan's wording", max_length=300, help_text="The staff wording these words replace."
    )
    words = models.CharField(
        "the easy-read words",
        max_length=200,
        help_text="Short sentences, 15 words or fewer each, as the person would say it.",
    )
    picture = models.CharField(max_length=60, blank=True, help_text="A picture name.")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "easy-read words"
        verbose_name_plural = "easy-read words"
        ordering = ["person", "source"]
        constraints = [
            models.UniqueConstraint(fields=["person", "source"], name="easywords_person_source")
        ]

    def __str__(self) -> str:
        return self.words
