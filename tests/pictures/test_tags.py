import pytest
from django.template import Context, Template
from django.test import RequestFactory

from coplan.pictures import catalogue, services
from tests.pictures.conftest import png


def draw(source: str, **context) -> str:
    return Template("{% load pictures %}" + source).render(Context(context))


def test_openmoji_reference_draws_an_img_with_the_label_as_alt():
    html = draw("{% picture 'openmoji:1F6BF' 'Shower, later' 56 %}")
    assert (
        '<img class="picture picture-openmoji" src="/pictograms/openmoji/17.0.0/1F6BF.svg" '
        'alt="Shower, later" width="56" height="56"'
    ) in html


def test_care_word_typed_before_pictures_draws_its_pictogram():
    assert 'src="/pictograms/openmoji/17.0.0/1F963.svg" alt="Breakfast first"' in draw(
        "{% picture 'breakfast' 'Breakfast first' %}"
    )


def test_unknown_words_draw_the_word_box_wrapped_never_cut():
    html = draw("{% picture 'Grandad Len zither' 'Play' %}")
    assert "<img" not in html
    assert 'aria-label="Picture: Grandad Len zither"' in html
    # Two lines of the box, each whole words: not "Grandad Len z" cut at 14 letters.
    assert ">Grandad Len<" in html and ">zither<" in html


def test_a_phrase_with_a_care_word_draws_its_pictogram():
    # A phrase like this was a box cut at 14 letters ("Then: choose c").
    html = draw("{% picture 'Then: choose clothes' 'Clothes' %}")
    clothes = catalogue.for_word("clothes")
    assert f"/{clothes.code}.svg" in html and "<svg" not in html


def test_no_picture_draws_the_dashed_box():
    assert 'aria-label="Space for a picture of Tea"' in draw("{% picture '' 'Tea' %}")


def test_label_is_escaped():
    html = draw("{% picture 'openmoji:1F6BF' label %}", label='<b>"x"</b>')
    assert 'alt="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in html


@pytest.mark.django_db
def test_photo_reference_draws_the_access_checked_photo_address(world):
    photo = services.person_photo_add(
        person=world.person, label="Sam's mug", image=png(), by=world.manager
    )
    html = draw("{% picture ref 'My mug' %}", ref=photo.ref)
    assert f'src="/pictures/photos/{photo.pk}/file/" alt="My mug"' in html


@pytest.mark.django_db
def test_drawn_for_the_person_their_own_photo_replaces_the_pictogram(world):
    photo = services.person_photo_add(
        person=world.person,
        label="Sam's shower",
        image=png(),
        stands_for="shower",
        by=world.manager,
    )
    assert photo.stands_for == "openmoji:1F6BF"
    source = (
        "{% picture 'openmoji:1F6BF' 'Shower' person=p %}{% picture 'shower' 'Again' person=p %}"
    )
    html = draw(source, p=world.person)
    assert html.count(f'src="/pictures/photos/{photo.pk}/file/"') == 2
    # Not for anyone else, and not without the person.
    assert "1F6BF.svg" in draw(source, p=world.person_b)
    assert "1F6BF.svg" in draw("{% picture 'openmoji:1F6BF' 'Shower' %}")


@pytest.mark.django_db
def test_preferences_are_read_once_per_person(world, django_assert_num_queries):
    source = "{% for s in steps %}{% picture s 'x' person=p %}{% endfor %}"
    with django_assert_num_queries(1):
        draw(source, p=world.person, steps=["shower", "bus", "openmoji:1F3B5", "tea", "x"])


def test_attribution_only_where_a_pictogram_was_drawn():
    request = RequestFactory().get("/")
    source = "{% picture ref 'x' %}|{% picture_attribution %}"
    assert draw(source, ref="nothing here", request=request).endswith("|")
    assert "Pictures: OpenMoji, CC BY-SA 4.0" in draw(source, ref="bus", request=request)
    assert "Pictures: OpenMoji, CC BY-SA 4.0" in draw("{% picture_attribution always=True %}")


def test_planning_picture_box_delegates_to_the_picture_tag():
    html = Template("{% load planning_tags %}{% picture_box 'openmoji:1F68C' 'Bus' 56 %}").render(
        Context({})
    )
    assert 'src="/pictograms/openmoji/17.0.0/1F68C.svg" alt="Bus"' in html
