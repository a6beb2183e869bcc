"""How a step's agreed words read on the shift: quoted after "Say:", unless they carry
their own quotation marks (a BSL prompt), which are not quoted twice."""

from coplan.support.models import RoutineStep


def test_plain_words_are_quoted_after_say():
    assert RoutineStep(agreed_words="Morning, Dan").say_line == "Say: \u201cMorning, Dan\u201d"


def test_words_with_their_own_quotes_are_shown_as_they_are():
    bsl = "Sign: \u201cWhat do you want to cook tonight?\u201d"
    assert RoutineStep(agreed_words=bsl).say_line == f"Agreed words: {bsl}"
    assert RoutineStep(agreed_words='Ask "tea or coffee?"').say_line == (
        'Agreed words: Ask "tea or coffee?"'
    )
