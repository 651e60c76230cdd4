"""The search reads only what a publisher published: a revision is neither found nor quoted until it is published."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import PublicationStatus
from processes.services import process_publish, process_revision_start, process_submit
from processes.tests.conftest import guide_with_phases
from processes.tests.factories import ContentModuleFactory, PhaseFactory, ProcessDescriptionFactory

pytestmark = pytest.mark.django_db

NO_MATCH = "No published process description matches the search."


def published_guide(county, people, first_phase="Vaihe 1", **fields):
    """A guide written as a draft, sent to review and published by the county's publisher."""
    guide = guide_with_phases(county, status=PublicationStatus.DRAFT, published_at=None, **fields)
    guide.phases.filter(order=1).update(title=first_phase)
    process_submit(process=guide, user=people["editor"])
    process_publish(process=guide, user=people["publisher"])
    return guide


@pytest.fixture
def guide(own_county, people):
    return published_guide(
        own_county,
        people,
        first_phase="Aloituspalaveri",
        slug="opas",
        title="Oirearvion käyttöönotto",
        summary="Julkaistu tiivistelmä.",
    )


def revise(guide, people):
    """The editor starts a revision: a new phase, a rewritten summary, a removed phase, another content."""
    process_revision_start(process=guide, user=people["editor"])
    guide.refresh_from_db()
    guide.summary = "Tiivistelmässä SALAINEN-LUONNOS-teksti."
    guide.save()
    PhaseFactory(process=guide, order=3, title="SALAINEN-LUONNOS-vaihe", goal="Luonnoksen tavoite.")
    guide.phases.get(order=1).delete()
    guide.modules.add(ContentModuleFactory(name_fi="Virtsatietulehdus", name_sv="Urinvägsinfektion"))


def search(client, query):
    return client.get("/en/processes/", {"q": query})


class TestARevisionIsNotSearched:
    @pytest.mark.parametrize("query", ["SALAINEN", "luonnoksen", "virtsatietulehdus"])
    def test_its_new_texts_find_nothing(self, client, guide, people, query):
        revise(guide, people)

        response = search(client, query)

        assertContains(response, NO_MATCH)
        assertNotContains(response, "Oirearvion käyttöönotto")
        assertNotContains(response, "LUONNOS-")

    def test_its_published_texts_are_still_found_and_quoted(self, client, guide, people):
        revise(guide, people)

        response = search(client, "tiivistelmä")

        assertContains(response, "Oirearvion käyttöönotto")
        assertContains(response, "Julkaistu <mark>tiivistelmä</mark>.")
        assertNotContains(response, "SALAINEN")

    def test_a_phase_the_revision_removed_is_still_found(self, client, guide, people):
        revise(guide, people)

        response = search(client, "aloituspalaverissa")

        assertContains(response, "Oirearvion käyttöönotto")

    def test_after_publishing_the_revision_is_found_and_quoted(self, client, guide, people):
        revise(guide, people)
        process_submit(process=guide, user=people["editor"])
        process_publish(process=guide, user=people["publisher"])

        phase = search(client, "SALAINEN vaihe")
        content = search(client, "urinvägsinfektion")
        removed = search(client, "aloituspalaverissa")

        assertContains(phase, "Oirearvion käyttöönotto")
        assertContains(phase, "<mark>SALAINEN</mark>")
        assertContains(content, "Oirearvion käyttöönotto")
        assertContains(removed, NO_MATCH)

    def test_a_revision_in_review_is_not_searched_either(self, client, guide, people):
        revise(guide, people)
        process_submit(process=guide, user=people["editor"])

        assertContains(search(client, "SALAINEN"), NO_MATCH)

    def test_a_revised_language_does_not_change_how_the_guide_is_searched(self, client, guide, people):
        process_revision_start(process=guide, user=people["editor"])
        guide.refresh_from_db()
        guide.language = "sv"
        guide.save()

        # "tiivistelmässä" stems to "tiivistelm" only with the Finnish stemmer of the published version.
        assertContains(search(client, "tiivistelmässä"), "Oirearvion käyttöönotto")


@pytest.mark.parametrize("count", [2, 20])
def test_the_search_query_count_does_not_grow_with_the_guides(
    client, own_county, people, count, django_assert_num_queries
):
    for number in range(count):
        guide = published_guide(own_county, people, slug=f"opas-{number}", summary="Pilotin tiivistelmä.")
        if number % 2:
            process_revision_start(process=guide, user=people["editor"])
    # Published last, so that it is on the first page however many guides there are.
    ProcessDescriptionFactory(county=own_county, summary="Pilotti ilman versiota.", published_at=timezone.now())

    # The count, the page, the county and content choices; on SQLite also the phases and the steps of the
    # guide without a version, whose passage is cut in Python (PostgreSQL writes it in the page's query).
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 6):
        response = search(client, "pilotti")

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('<p class="search-passage">') == min(count + 1, 20)
