"""The easy read as PDF, for the demo plans of Daniel, Priya and Marcus: every line is in
it, the attribution too, and no sentence is over 15 words."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from coplan.accounts.models import User
from coplan.easyread import selectors
from coplan.easyread.checker import MAX_WORDS, words
from coplan.easyread.pictures import ATTRIBUTION
from coplan.people.models import Person
from coplan.planning.models import Decision
from tests.easyread.test_plan import assert_every_line_has_a_picture

pytestmark = pytest.mark.django_db

PAGE = re.compile(r"^Page \d+ of \d+$")


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_sentences(text: str, easy: selectors.EasyRead) -> list[str]:
    """The PDF's running text as sentences: page numbers, headings, times and the pictures'
    names (the placeholder boxes print their name) are not sentences, and a sentence the
    page wrapped over two lines is joined again."""
    not_sentences = {easy.title} | {s.title for s in easy.sections}
    not_sentences |= {line.when for line in easy.lines} | {line.picture for line in easy.lines}
    kept = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and line.strip() not in not_sentences and not PAGE.match(line.strip())
    ]
    return [s.strip() for s in re.split(r"(?<=[.!?:])\s+", " ".join(kept)) if s.strip()]


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="tom"))
    return client


def test_the_demo_plans_in_pdf_and_html_are_easy_read(demo):
    """One seeding of the demo (it is slow) for the three plans and a decision."""
    for given_name in ("Daniel", "Priya", "Marcus"):
        person = Person.objects.get(given_name=given_name)
        response = demo.get(reverse("easyread:plan_pdf", args=[person.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert ATTRIBUTION in text
        easy = selectors.plan_easy_read(person)
        flat = " ".join(text.split())
        for line in easy.lines:
            assert line.text in flat, (given_name, line.text)
        sentences = pdf_sentences(text, easy)
        assert len(sentences) >= 8, (given_name, sentences)
        long = [s for s in sentences if len(words(s)) > MAX_WORDS]
        assert long == [], (given_name, long)
        # Nothing in the staff words the person should never read.
        for staff_word in ("competenc", "gestural", "prompt"):
            assert staff_word not in flat.lower(), (given_name, staff_word)

        # The page: a picture beside every line, the attribution, nothing for staff to fix.
        html = demo.get(reverse("easyread:plan", args=[person.pk])).content.decode()
        assert assert_every_line_has_a_picture(html) >= 8
        easy = selectors.plan_easy_read(person)
        checks = selectors.checked(easy)
        assert checks == [], (given_name, [(c.line, c.flags) for c in checks])

    decision = Decision.objects.filter(person__given_name="Daniel").order_by("pk").first()
    response = demo.get(reverse("easyread:decision_pdf", args=[decision.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert ATTRIBUTION in text
    assert "What we agreed" in text


def test_the_sentence_check_on_a_pdf_finds_a_long_sentence(world, sam_plan):
    """Guards the check above: a line over 15 words, wrapped over two lines in the PDF, is
    found as one sentence."""
    from coplan.easyread import services
    from coplan.easyread.pdf import render_pdf

    services.easy_words_set(
        person=world.person,
        source="Breakfast first",
        words="I have my breakfast first in the kitchen with my music on and the big light off.",
        by=world.team_leader,
    )
    easy = selectors.plan_easy_read(world.person)
    text = pdf_text(render_pdf("easyread/print.html", {"easy": easy}))
    long = [s for s in pdf_sentences(text, easy) if len(words(s)) > MAX_WORDS]
    assert long == [
        "I have my breakfast first in the kitchen with my music on and the big light off."
    ]
