import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import DevelopmentStage, ProcessLink, PublicationStatus, ResponsibleRole
from processes.tests.factories import ContentModuleFactory, PhaseFactory, ProcessDescriptionFactory, StepFactory
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def list_url(language="fi"):
    with override(language):
        return reverse("processes:process_list")


def detail_url(process, language="fi"):
    with override(language):
        return process.get_absolute_url()


@pytest.fixture
def county():
    return WellbeingCountyFactory(code="07", name_fi="Päijät-Hämeen hyvinvointialue", name_sv="", name_en="")


@pytest.fixture
def guide(county):
    process = ProcessDescriptionFactory(
        county=county,
        slug="omaolon-kayttoonotto",
        title="Omaolo-palvelun käyttöönoton prosessikuvaus",
        summary="Kuvataan ja dokumentoidaan käyttöönoton vaiheistettu prosessi.",
        author="Minna Tuuri",
        place_of_implementation="Päijät-Hämeen hyvinvointialue",
        funder="ministry",
        development_stage=DevelopmentStage.ESTABLISHED,
        created_at=datetime.datetime(2023, 5, 16, 9, 0, tzinfo=datetime.UTC),
        operating_environment="Alueen **demografinen** tilanne on haastava.",
        tips="Nimeä minitiimi ennen pilottia.",
    )
    planning = PhaseFactory(process=process, order=1, title="Suunnittelu", goal="Sovitaan *tavoitteet*.")
    pilot = PhaseFactory(process=process, order=2, title="Pilotointi", goal="")
    StepFactory(
        phase=planning,
        order=1,
        title="Nimeä vastuuhenkilöt",
        responsible_role=ResponsibleRole.MANAGER,
        estimated_days=3,
        output="Nimetty minitiimi",
        checklist="- Pääkäyttäjä\n- Esihenkilö",
    )
    StepFactory(phase=planning, order=2, title="Laadi viestintäsuunnitelma", estimated_days=1, checklist="")
    StepFactory(phase=pilot, order=1, title="Käynnistä pilotti", estimated_days=None, output="", checklist="")
    ProcessLink.objects.create(process=process, title="Prosessikaavio", url="https://example.fi/kaavio.pdf")
    return process


class TestDetail:
    def test_reads_as_a_guide_from_metadata_to_links(self, client, guide):
        response = client.get(detail_url(guide))

        assert response.status_code == HTTPStatus.OK
        assertContains(response, '<h1 lang="fi">Omaolo-palvelun käyttöönoton prosessikuvaus</h1>', html=True)
        assertContains(response, "<dd>Minna Tuuri</dd>", html=True)
        assertContains(response, "<dd>Sosiaali- ja terveysministeriö</dd>", html=True)
        assertContains(response, '<time datetime="2023-05-16">16.5.2023</time>', html=True)
        assertContains(response, '<a href="#section-operating_environment">Toimintaympäristö</a>', html=True)
        assertContains(response, "Alueen <strong>demografinen</strong> tilanne on haastava.")
        assertContains(response, "<em>tavoitteet</em>")
        assertContains(response, '<a href="https://example.fi/kaavio.pdf">Prosessikaavio</a>', html=True)

    def test_phases_and_steps_come_in_order_with_role_duration_output_and_checklist(self, client, guide):
        content = client.get(detail_url(guide, "en")).content.decode()

        order = [content.index(text) for text in ("Phase 1:", "Nimeä vastuuhenkilöt", "Laadi viestintä", "Phase 2:")]
        assert order == sorted(order)
        assert "<dd>Manager</dd>" in content
        assert "<dd>3 working days</dd>" in content
        assert '<dd lang="fi">Nimetty minitiimi</dd>' in content
        assert '<ul class="checklist" lang="fi"><li>Pääkäyttäjä</li><li>Esihenkilö</li></ul>' in content

    def test_flow_diagram_is_hidden_from_screen_readers_and_the_list_says_the_same(self, client, guide):
        response = client.get(detail_url(guide, "en"))

        assertContains(response, '<svg class="flow-diagram" aria-hidden="true" focusable="false"')
        assertContains(response, "1. Suunnittelu</text>")
        assertContains(response, "2 steps · 4 working days</text>")
        assertContains(response, f'<a href="#phase-{guide.phases.get(order=1).pk}" lang="fi">Suunnittelu</a>:')
        assertContains(response, "about 4 working days")

    def test_a_finnish_description_says_so_in_the_other_languages(self, client, guide):
        assertContains(client.get(detail_url(guide, "sv")), "Den här beskrivningen finns bara på finska.")
        assertContains(client.get(detail_url(guide, "en")), "This description is available only in Finnish.")
        assertNotContains(client.get(detail_url(guide, "fi")), 'class="note"')

    def test_a_swedish_description_is_marked_swedish_and_noted_in_finnish(self, client, county):
        process = ProcessDescriptionFactory(county=county, language="sv", title="Införande av Omaolo")

        response = client.get(detail_url(process, "fi"))

        assertContains(response, '<h1 lang="sv">Införande av Omaolo</h1>', html=True)
        assertContains(response, '<p class="note">Tämä kuvaus on saatavilla vain ruotsiksi.</p>', html=True)

    def test_a_county_name_without_translation_is_marked_finnish(self, client, guide):
        response = client.get(detail_url(guide, "en"))

        assertContains(response, '<span lang="fi">Päijät-Hämeen hyvinvointialue</span>', html=True)

    @pytest.mark.parametrize(
        ("status", "published_at"),
        [
            (PublicationStatus.DRAFT, None),
            (PublicationStatus.ARCHIVED, None),
            (PublicationStatus.PUBLISHED, timezone.now() + datetime.timedelta(days=3)),
        ],
        ids=["draft", "archived", "scheduled"],
    )
    def test_an_unpublished_description_is_not_found_by_the_public(self, client, county, status, published_at):
        process = ProcessDescriptionFactory(county=county, status=status, published_at=published_at)

        assert client.get(detail_url(process)).status_code == HTTPStatus.NOT_FOUND

    def test_an_editor_of_the_county_previews_a_draft_with_a_banner(self, client, county, django_user_model):
        draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
        editor = django_user_model.objects.create_user("paakayttaja", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_processdescription"))
        county.editors.add(editor)
        client.force_login(editor)

        response = client.get(detail_url(draft, "en"))

        assert response.status_code == HTTPStatus.OK
        assertContains(response, "this process description is not public (draft). Only editors of the county see it.")

    def test_an_editor_of_another_county_gets_not_found(self, client, county, django_user_model):
        draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
        editor = django_user_model.objects.create_user("naapuri", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_processdescription"))
        WellbeingCountyFactory(code="08").editors.add(editor)
        client.force_login(editor)

        assert client.get(detail_url(draft)).status_code == HTTPStatus.NOT_FOUND

    def test_a_county_editor_without_the_change_permission_gets_not_found(self, client, county, django_user_model):
        draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
        viewer = django_user_model.objects.create_user("lukija", is_staff=True)
        county.editors.add(viewer)
        client.force_login(viewer)

        assert client.get(detail_url(draft)).status_code == HTTPStatus.NOT_FOUND

    def test_published_description_shows_no_preview_banner(self, client, guide):
        assertNotContains(client.get(detail_url(guide)), "preview-banner")


class TestList:
    def test_lists_only_published_descriptions(self, client, guide, county):
        ProcessDescriptionFactory(county=county, title="Luonnos", status=PublicationStatus.DRAFT, published_at=None)
        ProcessDescriptionFactory(
            county=county, title="Ajastettu", published_at=timezone.now() + datetime.timedelta(hours=1)
        )

        response = client.get(list_url("en"))

        assertContains(response, "1 process description found")
        assertContains(response, guide.title)
        assertNotContains(response, "Luonnos")
        assertNotContains(response, "Ajastettu")

    @pytest.mark.parametrize("query", ["prosessikuvaus", "VAIHEISTETTU", "demografinen haastava", "minitiimi"], ids=str)
    def test_search_finds_words_in_title_summary_and_sections(self, client, guide, county, query):
        ProcessDescriptionFactory(county=county, title="Toinen malli", summary="Ei osumaa.", goals="")

        response = client.get(list_url("en"), {"q": query})

        assertContains(response, "1 process description found")
        assertContains(response, guide.title)
        assertNotContains(response, "Toinen malli")

    def test_search_without_matches_says_so(self, client, guide):
        response = client.get(list_url("en"), {"q": "hammaslääkäri"})

        assertContains(response, "0 process descriptions found")
        assertContains(response, "No published process description matches the search.")

    def test_search_does_not_reveal_drafts(self, client, county):
        ProcessDescriptionFactory(
            county=county, title="Salainen luonnos", status=PublicationStatus.DRAFT, published_at=None
        )

        assertNotContains(client.get(list_url(), {"q": "salainen"}), "Salainen luonnos")

    def test_filters_by_county_content_and_stage(self, client, guide, county):
        module = ContentModuleFactory(code="virtsatietulehdus", name_fi="Virtsatietulehdus")
        guide.modules.add(module)
        other_county = WellbeingCountyFactory(code="12")
        ProcessDescriptionFactory(county=other_county, title="Siun soten malli")
        ProcessDescriptionFactory(county=county, title="Kehitteillä oleva", development_stage=DevelopmentStage.READY)

        by_county = client.get(list_url(), {"county": "12"})
        by_module = client.get(list_url(), {"module": "virtsatietulehdus"})
        by_stage = client.get(list_url(), {"stage": "established"})

        assertContains(by_county, "Siun soten malli")
        assertNotContains(by_county, guide.title)
        for response in (by_module, by_stage):
            assertContains(response, guide.title)
            assertNotContains(response, "Siun soten malli")
            assertNotContains(response, "Kehitteillä oleva")

    def test_filter_form_fields_have_labels(self, client, guide):
        response = client.get(list_url("en"))

        for field_id, label in [
            ("id_q", "Search words"),
            ("id_county", "County"),
            ("id_module", "Content"),
            ("id_stage", "Development stage"),
        ]:
            assertContains(response, f'<label for="{field_id}">{label}</label>', html=True)

    def test_long_result_lists_are_paged_keeping_the_search(self, client, county):
        ProcessDescriptionFactory.create_batch(21, county=county, summary="Sivutettava malli.")

        first = client.get(list_url("en"), {"q": "sivutettava"})
        second = client.get(list_url("en"), {"q": "sivutettava", "page": 2})

        assertContains(first, "Page 1 of 2")
        assertContains(first, 'href="?q=sivutettava&amp;page=2"')
        assertContains(second, "Page 2 of 2")
