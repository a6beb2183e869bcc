from coplan.pictures import catalogue, refs


def test_search_finds_shower_first():
    found = catalogue.search("shower")
    assert found[0].code == "1F6BF"
    assert found[0].ref == "openmoji:1F6BF"
    assert found[0].label == "shower"


def test_search_finds_bus_first_then_other_buses():
    found = catalogue.search("bus")
    assert found[0].code == "1F68C"
    assert {"1F68F", "1F68D"} <= {p.code for p in found}  # bus stop, oncoming bus


def test_search_by_a_care_word_that_is_not_in_the_unicode_name():
    assert catalogue.search("medication")[0].code == "1F48A"  # PILL
    assert catalogue.search("college")[0].code == "1F3EB"  # SCHOOL


def test_search_by_two_words_needs_both():
    assert [p.code for p in catalogue.search("man cooking")][:1] == ["1F468-200D-1F373"]
    assert catalogue.search("zzqx") == []
    assert catalogue.search("  ") == []


def test_every_care_word_has_a_pictogram_whose_reference_fits_the_shortest_column():
    for word, code in catalogue.CARE_WORDS.items():
        assert code in catalogue.codes(), word
        assert len(refs.openmoji(code)) <= 40, word


def test_skin_tone_variants_are_left_out_of_search():
    assert all("1F3FB" not in p.code for p in catalogue.index().values())


def test_svg_path_only_for_codes_the_package_holds():
    assert catalogue.svg_path("1f6bf").name == "1F6BF.svg"
    assert catalogue.svg_path("../../etc/passwd") is None
    assert catalogue.svg_path("FFFFF") is None


def test_references_parse_and_care_words_become_canonical():
    assert refs.parse("openmoji:1f6bf") == refs.Ref("openmoji", "1F6BF")
    assert refs.parse("photo:7").id == 7
    assert refs.parse("library:x") == refs.Ref("word", "library:x")
    assert refs.parse("") is None
    assert refs.canonical("Shower") == "openmoji:1F6BF"
    assert refs.canonical("my nan's") == "my nan's"
