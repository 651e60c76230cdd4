"""A guide being revised stays public in its published form on every public page, within the pinned query bounds."""

import copy
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model

from processes.services import process_archive, process_revision_start
from regions.permissions import editor_group_ensure
from tests.conftest import rolled_back_after_module
from tests.data import build_portal

pytestmark = pytest.mark.django_db

SIZES = [5, 50]
DRAFT_TITLE = "Luonnosotsikko, jota ei vielä julkaista"
DRAFT_PHASE = "Luonnoksen uusi vaihe"


@pytest.fixture(scope="module", params=SIZES, ids=lambda size: f"{size}-of-each")
def built(request, django_db_setup, django_db_blocker):
    """The portal of `size`, built once per size for the module (tests/conftest.py `rolled_back_after_module`)."""
    with rolled_back_after_module(django_db_blocker):
        yield build_portal(request.param)


@pytest.fixture
def portal(built, db):
    """The module's portal, in the test's own copy: what a test changes on it is gone with its savepoint."""
    return copy.deepcopy(built)


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user("editori", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    return user


def revise(portal, editor):
    """The guide's editor starts a revision and rewrites the title, a phase and a step, unpublished."""
    portal.county.editors.add(editor)
    guide = portal.guide
    process_revision_start(process=guide, user=editor)
    guide.refresh_from_db()
    guide.title = DRAFT_TITLE
    guide.summary = "Luonnoksen tiivistelmä"
    guide.save()
    phase = guide.phases.order_by("order").first()
    phase.title = DRAFT_PHASE
    phase.save()
    guide.phases.order_by("order").last().delete()
    return guide


@pytest.fixture
def revised(portal, editor):
    revise(portal, editor)
    return portal


PUBLIC_PAGES = {
    "home": "/fi/",
    "list": "/fi/processes/",
    "detail": "/fi/processes/kayttoonotto/",
    "county": "/fi/counties/12/",
}


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_a_revision_is_not_shown_anywhere_public(client, revised, path):
    page = client.get(path).content.decode()

    assert DRAFT_TITLE not in page
    assert "Luonnoksen tiivistelmä" not in page
    assert DRAFT_PHASE not in page
    assert "Omaolon käyttöönoton prosessikuvaus" in page


def test_the_content_page_lists_the_published_form(client, revised):
    page = client.get(f"/fi/modules/{revised.module.code}/").content.decode()

    assert DRAFT_TITLE not in page
    assert "Omaolon käyttöönoton prosessikuvaus" in page


def test_the_guide_shows_every_published_phase_while_the_revision_removed_one(client, revised):
    page = client.get("/fi/processes/kayttoonotto/").content.decode()

    assert page.count('<section class="phase"') == len(revised.guide.published_version.snapshot["phases"])
    assert page.count('<section class="phase"') == revised.guide.phases.count() + 1


def test_an_archived_revision_is_gone_from_the_public(client, revised, editor):
    publisher = get_user_model().objects.create_superuser("julkaisija", password="x")
    process_archive(process=revised.guide, user=publisher)

    assert client.get("/fi/processes/kayttoonotto/").status_code == HTTPStatus.NOT_FOUND
    assert "Omaolon käyttöönoton prosessikuvaus" not in client.get("/fi/").content.decode()


@pytest.mark.parametrize(
    ("path", "max_queries"),
    [
        # The same bounds as tests/test_query_counts.py: the published form costs no extra query.
        ("/fi/", 2),
        ("/fi/processes/", 4),
        ("/fi/processes/kayttoonotto/", 7),
        ("/fi/counties/12/", 10),
    ],
)
def test_pages_of_a_revised_guide_keep_their_query_bounds(
    client, revised, django_assert_max_num_queries, path, max_queries
):
    with django_assert_max_num_queries(max_queries):
        response = client.get(path)

    assert response.status_code == HTTPStatus.OK


def test_the_copy_page_query_count_does_not_grow_with_data(client, portal, editor, django_assert_max_num_queries):
    portal.county.editors.add(editor)
    client.force_login(editor)

    # The guide; the session and the user; the user's permissions (two) and counties (a group check, the
    # counties, their names); the session saved again (SESSION_SAVE_EVERY_REQUEST: an update in a savepoint).
    with django_assert_max_num_queries(11):
        response = client.get("/fi/processes/kayttoonotto/copy/")

    assert response.status_code == HTTPStatus.OK


def test_the_guide_for_a_logged_in_editor_stays_bounded(client, portal, editor, django_assert_max_num_queries):
    portal.county.editors.add(editor)
    client.force_login(editor)

    # The anonymous page's 5, then as on the copy page: session, user, permissions, counties, session saved.
    # One more than before attachments: the guide lists its files.
    with django_assert_max_num_queries(17):
        response = client.get("/fi/processes/kayttoonotto/")

    assert response.status_code == HTTPStatus.OK
    assert 'class="copy-form"' in response.content.decode()


def test_a_copys_guide_and_its_source_keep_the_guides_query_bound(client, portal, django_assert_max_num_queries):
    from processes.services import process_copy, process_publish, process_submit
    from regions.tests.factories import WellbeingCountyFactory

    superuser = get_user_model().objects.create_superuser("paakayttaja", password="x")
    copy = process_copy(source=portal.guide, county=WellbeingCountyFactory(code="07"), user=superuser)
    process_submit(process=copy, user=superuser)
    process_publish(process=copy, user=superuser)

    for path in (f"/fi/processes/{copy.slug}/", "/fi/processes/kayttoonotto/"):
        # The guide's bound (tests/test_query_counts.py), its attached files included.
        with django_assert_max_num_queries(7):
            response = client.get(path)
        assert response.status_code == HTTPStatus.OK
    assert "Omaolon käyttöönoton prosessikuvaus" in client.get(f"/fi/processes/{copy.slug}/").content.decode()
