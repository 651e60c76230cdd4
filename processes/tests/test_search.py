"""The process list's search finds what a guide holds, in any Finnish word form, on PostgreSQL and SQLite."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import ProcessDescription, ResponsibleRole
from processes.search import passage_from_texts, passage_html, search_words, stems_of_text, word_stem
from processes.tests.factories import ContentModuleFactory, PhaseFactory, ProcessDescriptionFactory, StepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot_guide():
    """A guide whose pilot and feedback live only in its phases and steps."""
    guide = ProcessDescriptionFactory(
        title="Omaolo-sisältöjen käyttöönotto",
        summary="Vaiheittainen malli.",
        goals="",
        author="Minna Tuuri",
    )
    phase = PhaseFactory(process=guide, title="Testaus ja pilotti", goal="Kokeillaan rajatusti.")
    StepFactory(
        phase=phase,
        title="Käynnistä kokeilu yhdessä toimipisteessä",
        responsible_role=ResponsibleRole.PROFESSIONAL,
        output="Pilotin käyttömäärät",
        checklist="Kerää asiakkailta palautetta\nSovi vastuuhenkilö",
        description="",
    )
    return guide


@pytest.fixture
def other_guide():
    return ProcessDescriptionFactory(title="Hammashoidon ajanvaraus", summary="Toinen aihe.", goals="", author="")


def titles(query) -> list[str]:
    # Role labels are matched in the reader's language; earlier requests may have left another active.
    with translation.override("fi"):
        return list(ProcessDescription.objects.published().search(query).values_list("title", flat=True))


class TestWhatTheSearchReaches:
    @pytest.mark.parametrize(
        "query",
        ["pilotti", "pilotin", "pilotissa", "Testaus", "rajatusti", "toimipisteessä", "käyttömäärät", "vastuuhenkilö"],
    )
    def test_phase_and_step_texts(self, pilot_guide, other_guide, query):
        assert titles(query) == [pilot_guide.title]

    @pytest.mark.parametrize("query", ["palaute", "palautteella", "palautteen"])
    def test_inflected_forms_of_a_checklist_word(self, pilot_guide, other_guide, query):
        assert titles(query) == [pilot_guide.title]

    def test_an_inflected_word_finds_its_base_form(self, other_guide):
        guide = ProcessDescriptionFactory(title="Käyttöönotto", summary="Kerätään palaute ammattilaisilta.", goals="")

        assert titles("palautteella") == [guide.title]

    def test_the_role_label_the_guide_shows(self, pilot_guide, other_guide):
        assert titles("ammattilainen") == [pilot_guide.title]

    def test_author_and_content_names(self, pilot_guide, other_guide):
        pilot_guide.modules.add(ContentModuleFactory(name_fi="Virtsatietulehdus", name_sv="Urinvägsinfektion"))

        assert titles("Tuuri") == [pilot_guide.title]
        assert titles("virtsatietulehdus") == [pilot_guide.title]
        assert titles("urinvägsinfektion") == [pilot_guide.title]

    def test_every_word_must_match_somewhere_in_the_guide(self, pilot_guide, other_guide):
        assert titles("pilotti palaute Tuuri") == [pilot_guide.title]
        assert titles("pilotti hammashoito") == []

    def test_a_search_of_punctuation_only_leaves_the_list_as_it_is(self, pilot_guide, other_guide):
        assert sorted(titles("!!! ---")) == sorted([pilot_guide.title, other_guide.title])

    def test_matches_are_listed_once(self, pilot_guide):
        StepFactory(phase=pilot_guide.phases.get(), title="Toinen pilotin askel", checklist="", output="")

        assert titles("pilotti") == [pilot_guide.title]

    def test_a_swedish_guide_is_searched_in_swedish(self, other_guide):
        guide = ProcessDescriptionFactory(
            title="Ibruktagning", summary="Vi samlar respons från kunderna.", goals="", language="sv"
        )

        assert titles("respons") == [guide.title]


class TestResultsPage:
    def test_the_matching_passage_is_shown_with_the_words_marked(self, client, pilot_guide, other_guide):
        response = client.get("/fi/processes/", {"q": "pilotin"})

        assertContains(response, pilot_guide.title)
        assertContains(response, '<p class="search-passage">')
        assertContains(response, "<mark>pilotti</mark>")
        assertNotContains(response, other_guide.title)

    def test_the_passage_shows_markup_as_text(self, client):
        ProcessDescriptionFactory(
            title="Vaarallinen", summary='Pilotti <script>alert("x")</script> <b>lihava</b>', goals=""
        )

        content = client.get("/fi/processes/", {"q": "pilotti"}).content.decode()

        assert "<mark>Pilotti</mark>" in content
        assert "<script>alert" not in content
        assert "<b>lihava" not in content

    def test_without_a_search_no_passage_is_shown(self, client, pilot_guide):
        assertNotContains(client.get("/fi/processes/"), "search-passage")

    def test_results_are_ranked_on_postgresql_and_newest_first_elsewhere(self, client):
        now = timezone.now()
        in_title = ProcessDescriptionFactory(
            title="Pilotti ensin", summary="Pilotin kuvaus.", goals="", modified_at=now - datetime.timedelta(days=9)
        )
        in_section = ProcessDescriptionFactory(title="Muu malli", summary="Muuta.", goals="Myöhemmin pilotti.")
        ProcessDescription.objects.filter(pk=in_title.pk).update(modified_at=now - datetime.timedelta(days=9))

        found = titles("pilotti")

        if connection.vendor == "postgresql":
            # The title weighs most: the older description with the word in its title comes first.
            assert found == [in_title.title, in_section.title]
        else:
            # The documented fallback keeps the list's order, the most recently modified first.
            assert found == [in_section.title, in_title.title]


class TestSnowballStems:
    @pytest.mark.parametrize(
        ("words", "stem"),
        [
            (["pilotti", "pilotin", "pilotissa", "pilotit"], "pilot"),
            (["palaute", "palautteella", "palautteen"], "palaut"),
            (["viestinnän", "viestintä"], "viestin"),
            (["seurannan", "seuranta"], "seuran"),
        ],
    )
    def test_inflected_forms_share_one_stem(self, words, stem):
        assert {word_stem(word) for word in words} == {stem}

    def test_a_swedish_word_is_cut_by_the_swedish_stemmer(self):
        assert word_stem("kunderna", "sv") == "kund"
        assert word_stem("kunderna") == "kunder"

    def test_a_text_becomes_its_stems_each_after_a_space(self):
        assert stems_of_text("Pilotin palaute, viestinnän!", "fi") == " pilot palaut viestin "
        assert stems_of_text("", "fi") == " "

    def test_search_words_drop_punctuation_and_case(self):
        assert search_words("Pilotti, (palaute)!") == ["pilotti", "palaute"]


class TestPassage:
    def test_markers_become_marks_and_everything_else_is_escaped(self):
        marked = "Ennen <b>\ue000pilotti\ue001</b> & jälkeen \ue000orpo"

        assert passage_html(marked) == "Ennen &lt;b&gt;<mark>pilotti</mark>&lt;/b&gt; &amp; jälkeen orpo"

    def test_markdown_is_shown_as_plain_text(self):
        assert passage_html("**Lue** [ohje](https://example.fi) \ue000nyt\ue001") == "Lue ohje <mark>nyt</mark>"

    def test_the_passage_is_cut_around_the_first_text_that_matches(self):
        long_text = "alku " * 30 + "Testaus ja pilotti" + " loppu" * 40

        passage = passage_from_texts(["Ei osumaa.", long_text], ["pilot"])

        assert passage.startswith("…")
        assert passage.endswith("…")
        assert "Testaus ja \ue000pilotti\ue001" in passage
        assert len(passage) < 220
