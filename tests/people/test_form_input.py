"""Bad input on every people form: the page says what is wrong, nothing is stored, and
nothing the user typed reaches the page unescaped."""

import pytest
from django.urls import reverse

from coplan.people.models import (
    CircleMember,
    CommunicationChartEntry,
    CommunicationNeed,
    DecisionAgreementEntry,
    DecisionMakingProfile,
    Person,
)
from tests.people.conftest import valid_data

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
REQUIRED = "This field is required."
PLAIN_TEXT = "records are plain text and cannot hold HTML or script tags"
BAD_DATE = "Enter a valid date."
WHOLE_NUMBER = "Enter a whole number."


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


# form -> [(case, {field: bad value}, error shown)]
CASES = {
    "person": [
        ("empty first name", {"given_name": ""}, REQUIRED),
        ("empty last name", {"family_name": "  "}, REQUIRED),
        ("last name too long", {"family_name": "x" * 101}, too_long(100)),
        ("pronouns too long", {"pronouns": "x" * 41}, too_long(40)),
        ("impossible birth date", {"date_of_birth": "31/02/2024"}, BAD_DATE),
        ("About me date not a date", {"about_me_updated_on": "soon"}, BAD_DATE),
        ("script in About me", {"most_important": SCRIPT}, PLAIN_TEXT),
        ("markup in a name", {"given_name": "O'Brien & <b>"}, PLAIN_TEXT),
    ],
    "need": [
        ("empty need", {"need": ""}, REQUIRED),
        ("empty review date", {"review_on": ""}, REQUIRED),
        ("need too long", {"need": "x" * 301}, too_long(300)),
        ("impossible review date", {"review_on": "31/02/2024"}, BAD_DATE),
        ("unknown category", {"category": "telepathy"}, "Select a valid choice."),
        (
            "format category without a format",
            {"category": "information_format", "information_format": ""},
            "Choose the information format the person needs.",
        ),
        ("script in how to meet", {"how_to_meet": SCRIPT}, PLAIN_TEXT),
    ],
    "chart": [
        ("empty happening", {"happening": ""}, REQUIRED),
        ("meaning too long", {"we_think": "x" * 301}, too_long(300)),
        ("position not a number", {"position": "abc"}, WHOLE_NUMBER),
        ("negative position", {"position": "-1"}, "greater than or equal to 0"),
        ("script in what we should do", {"we_should": SCRIPT}, PLAIN_TEXT),
    ],
    "decision_profile": [
        ("empty choices at once", {"choices_at_once": ""}, REQUIRED),
        ("choices not a number", {"choices_at_once": "abc"}, WHOLE_NUMBER),
        ("too many choices", {"choices_at_once": "9"}, "less than or equal to 6"),
        ("best time too long", {"best_time": "x" * 201}, too_long(200)),
        ("script in ways to help", {"ways_to_help_understand": SCRIPT}, PLAIN_TEXT),
    ],
    "agreement": [
        ("empty kind of decision", {"decision_kind": ""}, REQUIRED),
        ("empty involvement", {"how_involved": ""}, REQUIRED),
        ("final say too long", {"final_say": "x" * 201}, too_long(200)),
        ("position not a number", {"position": "abc"}, WHOLE_NUMBER),
        ("script in involvement", {"how_involved": SCRIPT}, PLAIN_TEXT),
    ],
    "circle": [
        ("empty name", {"name": ""}, REQUIRED),
        ("relationship too long", {"relationship": "x" * 101}, too_long(100)),
        ("impossible consent date", {"consent_recorded_on": "31/02/2024"}, BAD_DATE),
        ("not an email", {"email": "not-an-email"}, "Enter a valid email address."),
        ("script in consent note", {"consent_note": SCRIPT}, PLAIN_TEXT),
    ],
}

MODELS = {
    "person": Person,
    "need": CommunicationNeed,
    "chart": CommunicationChartEntry,
    "decision_profile": DecisionMakingProfile,
    "agreement": DecisionAgreementEntry,
    "circle": CircleMember,
}


def _target(world, records, form: str, mode: str):
    """(url, data, the record being edited or None)."""
    person = world.person
    if form == "person":
        data = valid_data("edit", person)
        if mode == "add":
            return reverse("people:add"), {**data, "given_name": "Nia"}, None
        return reverse("people:edit", args=[person.pk]), data, person
    if form == "decision_profile":
        return (
            reverse("people:decision_profile", args=[person.pk]),
            valid_data(form, person),
            person.decision_profile,
        )
    # The child forms' url names start with the form's name: need_add, chart_edit...
    if mode == "add":
        return reverse(f"people:{form}_add", args=[person.pk]), valid_data(form, person), None
    child = getattr(records["person"], form)
    url = reverse(f"people:{form}_edit", args=[person.pk, child.pk])
    return url, valid_data(form, person), child


PARAMS = [
    pytest.param(form, mode, bad, message, id=f"{form}-{mode}-{case}")
    for form, cases in CASES.items()
    for mode in (["edit"] if form == "decision_profile" else ["add", "edit"])
    for case, bad, message in cases
]


@pytest.mark.parametrize(("form", "mode", "bad", "message"), PARAMS)
def test_bad_input_is_shown_on_the_form_and_nothing_is_stored(
    world, records, form, mode, bad, message
):
    url, data, instance = _target(world, records, form, mode)
    model = MODELS[form]
    count_before = model.objects.count()
    version_before = instance.version if instance else None

    response = world.client_for(world.manager).post(url, {**data, **bad})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message.replace("'", "&#x27;") in html
    assert model.objects.count() == count_before
    if instance is not None:
        instance.refresh_from_db()
        assert instance.version == version_before
    assert SCRIPT not in html


@pytest.mark.parametrize("form", list(CASES))
def test_the_valid_data_used_above_is_accepted(world, records, form):
    """Guards the cases above: each fails only because of its one bad value."""
    url, data, _ = _target(world, records, form, "add" if form != "decision_profile" else "edit")
    response = world.client_for(world.manager).post(url, data)
    assert response.status_code == 302


def test_script_typed_into_a_form_is_shown_back_escaped(world):
    data = {**valid_data("edit", world.person), "strengths": SCRIPT}
    response = world.client_for(world.manager).post(
        reverse("people:edit", args=[world.person.pk]), data
    )
    html = response.content.decode()
    assert ESCAPED_SCRIPT in html
    assert SCRIPT not in html


def test_name_with_markup_cannot_be_stored(world):
    client = world.client_for(world.manager)
    data = {**valid_data("edit", world.person), "given_name": "O'Brien & <b>"}
    response = client.post(reverse("people:add"), data)
    assert response.status_code == 200
    assert not Person.objects.filter(given_name__contains="O'Brien").exists()
    assert "O&#x27;Brien &amp; &lt;b&gt;" in response.content.decode()


def test_plain_text_with_symbols_is_stored_and_shown_escaped(world):
    client = world.client_for(world.manager)
    data = {
        **valid_data("edit", world.person),
        "preferred_name": "Sam & Co",
        "strengths": "Tea & toast, 2 < 3, \"quiet\" and 'calm'",
        "good_day": "Fish & chips\nA walk > a bus",
    }
    assert client.post(reverse("people:edit", args=[world.person.pk]), data).status_code == 302
    world.person.refresh_from_db()
    assert world.person.strengths == "Tea & toast, 2 < 3, \"quiet\" and 'calm'"

    html = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert "Tea &amp; toast, 2 &lt; 3, &quot;quiet&quot; and &#x27;calm&#x27;" in html
    assert "<li>Fish &amp; chips</li><li>A walk &gt; a bus</li>" in html
    assert "Sam &amp; Co Taylor" in html
    assert "Tea & toast" not in html


def test_chart_text_with_symbols_is_shown_escaped_in_the_table(world):
    client = world.client_for(world.manager)
    data = {**valid_data("chart", world.person), "we_should": "Offer tea & wait (< 5 min)"}
    assert client.post(reverse("people:chart_add", args=[world.person.pk]), data).status_code == 302
    html = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert ">Offer tea &amp; wait (&lt; 5 min)</td>" in html


def test_failed_edit_keeps_the_saved_name_in_the_page_header(world):
    data = {**valid_data("edit", world.person), "given_name": "", "preferred_name": ""}
    response = world.client_for(world.manager).post(
        reverse("people:edit", args=[world.person.pk]), data
    )
    assert response.status_code == 200
    assert response.context["person"].display_name == "Sam Taylor"
    world.person.refresh_from_db()
    assert (world.person.given_name, world.person.preferred_name) == ("Samuel", "Sam")
