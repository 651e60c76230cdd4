""" "Use this model": a county copies another county's published description as its own draft."""

import threading
from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from processes.models import DevelopmentStage, Funder, Phase, ProcessDescription, ProcessLink, PublicationStatus, Step
from processes.services import (
    COPY_NOT_ALLOWED,
    COPY_SOURCE_NOT_PUBLISHED,
    process_copy,
    process_publish,
    process_revision_start,
    process_submit,
)
from processes.tests.conftest import guide_with_phases
from processes.tests.factories import ContentModuleFactory
from processes.views import COPY_FORBIDDEN_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def model_guide(other_county, people):
    """North Karelia's published guide, with a content and a link: the model Päijät-Häme copies."""
    guide = guide_with_phases(
        other_county,
        status=PublicationStatus.DRAFT,
        published_at=None,
        slug="siun-soten-malli",
        title="Siun soten käyttöönottomalli",
    )
    guide.modules.add(ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu"))
    ProcessLink.objects.create(process=guide, title="Tarkistuslista", url="https://example.fi/lista.pdf")
    process_submit(process=guide, user=people["other_publisher"])
    process_publish(process=guide, user=people["other_publisher"])
    guide.refresh_from_db()
    return guide


def test_the_copy_is_a_draft_of_the_county_with_phases_steps_links_and_its_origin(model_guide, own_county, people):
    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])

    assert copy.county == own_county
    assert copy.status == PublicationStatus.DRAFT
    assert copy.published_at is None
    assert copy.based_on == model_guide
    assert copy.created_by == people["editor"]
    assert copy.title == model_guide.title
    assert copy.slug == "siun-soten-malli-paijat-hame"
    assert [module.code for module in copy.modules.all()] == ["kurkkukipu"]
    assert [(link.title, link.url) for link in copy.links.all()] == [("Tarkistuslista", "https://example.fi/lista.pdf")]
    phases = list(copy.phases.order_by("order"))
    assert [(phase.title, phase.goal) for phase in phases] == [("Vaihe 1", "Tavoite 1"), ("Vaihe 2", "Tavoite 2")]
    assert [step.title for step in Step.objects.filter(phase__process=copy).order_by("phase__order")] == [
        "Askel 1.1",
        "Askel 2.1",
    ]
    assert not ProcessDescription.objects.published().filter(pk=copy.pk).exists()


def test_nothing_is_shared_with_the_source(model_guide, own_county, people):
    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])
    step = Step.objects.filter(phase__process=copy).first()

    step.title = "Päijät-Hämeen oma askel"
    step.save()
    copy.phases.order_by("order").first().delete()
    copy.links.all().delete()

    assert Step.objects.filter(phase__process=model_guide).values_list("title", flat=True).count() == 2
    assert not Step.objects.filter(phase__process=model_guide, title="Päijät-Hämeen oma askel").exists()
    assert Phase.objects.filter(process=model_guide).count() == 2
    assert ProcessLink.objects.filter(process=model_guide).count() == 1


def test_a_revised_source_is_copied_in_its_published_form(model_guide, own_county, people):
    process_revision_start(process=model_guide, user=people["other_publisher"])
    model_guide.title = "Keskeneräinen uusi versio"
    model_guide.save()
    model_guide.phases.all().delete()

    copy = process_copy(source=model_guide, county=own_county, user=people["publisher"])

    assert copy.title == "Siun soten käyttöönottomalli"
    assert copy.phases.count() == 2


def test_copying_twice_gives_each_copy_its_own_address(model_guide, own_county, people):
    first = process_copy(source=model_guide, county=own_county, user=people["editor"])
    second = process_copy(source=model_guide, county=own_county, user=people["editor"])

    assert (first.slug, second.slug) == ("siun-soten-malli-paijat-hame", "siun-soten-malli-paijat-hame-2")


@pytest.mark.parametrize("role", ["anonymous", "other_publisher"])
def test_copying_into_a_county_the_user_does_not_edit_is_refused(model_guide, own_county, people, role):
    user = AnonymousUser() if role == "anonymous" else people[role]

    with pytest.raises(PermissionDenied, match=str(COPY_NOT_ALLOWED)):
        process_copy(source=model_guide, county=own_county, user=user)

    assert not ProcessDescription.objects.filter(county=own_county).exists()


def test_copying_a_draft_is_refused(draft, other_county, people):
    with pytest.raises(ValidationError) as refusal:
        process_copy(source=draft, county=other_county, user=people["other_publisher"])

    assert refusal.value.messages == [str(COPY_SOURCE_NOT_PUBLISHED)]
    assert not ProcessDescription.objects.filter(county=other_county).exists()


# --- the public page: the button, "Based on", how many counties adopted it -------------------------------


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def copy_url(process, language="fi"):
    return f"/{language}/processes/{process.slug}/copy/"


def test_the_public_button_makes_a_draft_copy_and_opens_it_in_the_admin(model_guide, own_county, people):
    editor = client_of(people["editor"])

    page = editor.get(model_guide.get_absolute_url()).content.decode()
    response = editor.post(copy_url(model_guide), {"county": own_county.pk})

    assert 'action="/fi/processes/siun-soten-malli/copy/"' in page
    copy = ProcessDescription.objects.get(county=own_county)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:processes_processdescription_change", args=[copy.pk])
    assert copy.based_on == model_guide


def test_an_editor_of_several_counties_chooses_the_county(model_guide, own_county, people):
    page = client_of(people["national_admin"]).get(model_guide.get_absolute_url()).content.decode()

    assert '<select id="copy-county" name="county">' in page
    assert page.count("<option ") == 2


def test_anonymous_readers_see_no_button_and_cannot_copy(client, model_guide, own_county):
    page = client.get(model_guide.get_absolute_url()).content.decode()
    opened = client.get(copy_url(model_guide))
    posted = client.post(copy_url(model_guide), {"county": own_county.pk})

    assert "copy-form" not in page
    assert opened.status_code == posted.status_code == HTTPStatus.FOUND
    assert opened["Location"].startswith("/admin/login/?next=")
    assert not ProcessDescription.objects.filter(county=own_county).exists()


def test_a_county_the_user_does_not_edit_is_refused_on_the_public_page(model_guide, own_county, people):
    response = client_of(people["other_publisher"]).post(copy_url(model_guide, "en"), {"county": own_county.pk})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert str(COPY_FORBIDDEN_TEXT) in response.content.decode()
    assert not ProcessDescription.objects.filter(county=own_county).exists()


def test_a_draft_has_no_copy_page(draft, other_county, people):
    response = client_of(people["other_publisher"]).post(copy_url(draft), {"county": other_county.pk})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not ProcessDescription.objects.filter(county=other_county).exists()


def _publish_copy(copy, people):
    process_submit(process=copy, user=people["editor"])
    process_publish(process=copy, user=people["publisher"])


def test_the_copys_guide_says_what_it_is_based_on(client, model_guide, own_county, people):
    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])
    _publish_copy(copy, people)

    page = client.get(f"/en/processes/{copy.slug}/").content.decode()

    assert "Based on" in page
    assert '<a href="/en/processes/siun-soten-malli/" lang="fi">Siun soten käyttöönottomalli</a>' in page


def test_no_based_on_link_to_a_source_that_is_no_longer_public(client, model_guide, own_county, people):
    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])
    _publish_copy(copy, people)
    ProcessDescription.objects.filter(pk=model_guide.pk).update(status=PublicationStatus.ARCHIVED)

    page = client.get(copy.get_absolute_url()).content.decode()

    assert model_guide.get_absolute_url() not in page


def test_the_source_tells_how_many_other_counties_adopted_it(client, model_guide, own_county, people):
    process_copy(source=model_guide, county=own_county, user=people["editor"])
    process_copy(source=model_guide, county=own_county, user=people["editor"])
    process_copy(source=model_guide, county=model_guide.county, user=people["other_publisher"])

    page = client.get(f"/en/processes/{model_guide.slug}/").content.decode()

    assert "Used as a model" in page
    assert "by 1 other county" in page


# --- a copy is the copier's: whose model, where, funded by whom, how far -----------------------------


def test_the_copy_starts_as_the_copiers_own_model_in_development(model_guide, own_county, people):
    ProcessDescription.objects.filter(pk=model_guide.pk).update(
        author="Siun soten kehittäjätiimi",
        funder=Funder.MINISTRY,
        place_of_implementation="Joensuu",
        development_stage=DevelopmentStage.READY,
    )
    process_revision_start(process=model_guide, user=people["other_publisher"])
    process_submit(process=model_guide, user=people["other_publisher"])
    process_publish(process=model_guide, user=people["other_publisher"])

    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])

    copy.refresh_from_db()
    assert (copy.author, copy.funder, copy.place_of_implementation, copy.development_stage) == (
        "",
        "",
        "Päijät-Hämeen hyvinvointialue",
        DevelopmentStage.IN_DEVELOPMENT,
    )
    assert copy.based_on == model_guide
    assert copy.summary == model_guide.summary
    model_guide.refresh_from_db()
    assert (model_guide.author, model_guide.development_stage) == ("Siun soten kehittäjätiimi", DevelopmentStage.READY)


# --- four copies of one model into one county at once: each its own address, none answers 500 ---------

COPIES = 4
EXPECTED_SLUGS = [
    "siun-soten-malli-paijat-hame",
    "siun-soten-malli-paijat-hame-2",
    "siun-soten-malli-paijat-hame-3",
    "siun-soten-malli-paijat-hame-4",
]

# Outside the test's transaction, so that the copies really race for the first free address.
# SQLite lets one writer in at a time: there is no race to test there.
outside_the_tests_transaction = pytest.mark.django_db(transaction=True)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers: copies cannot race"
)


def _all_at_once(work) -> list:
    """Run `work(index)` in COPIES threads released together; what each returned or raised."""
    start = threading.Barrier(COPIES)
    outcomes = [None] * COPIES

    def run(index):
        try:
            start.wait()
            outcomes[index] = work(index)
        except Exception as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@outside_the_tests_transaction
@on_postgresql
def test_concurrent_copies_through_the_service_get_distinct_addresses(model_guide, own_county, people):
    outcomes = _all_at_once(lambda _index: process_copy(source=model_guide, county=own_county, user=people["editor"]))

    assert [type(outcome) for outcome in outcomes] == [ProcessDescription] * COPIES
    assert sorted(ProcessDescription.objects.filter(county=own_county).values_list("slug", flat=True)) == EXPECTED_SLUGS
    # Each copy was recorded once, and then its contents: a lost race leaves no history row behind.
    assert {copy.history.count() for copy in ProcessDescription.objects.filter(county=own_county)} == {2}


@outside_the_tests_transaction
@on_postgresql
def test_concurrent_copies_through_the_copy_button_all_open_their_draft(model_guide, own_county, people):
    clients = []
    for _index in range(COPIES):
        client = Client()
        client.force_login(people["editor"])
        clients.append(client)

    outcomes = _all_at_once(lambda index: clients[index].post(copy_url(model_guide), {"county": own_county.pk}))

    assert [getattr(outcome, "status_code", outcome) for outcome in outcomes] == [HTTPStatus.FOUND] * COPIES
    assert sorted(ProcessDescription.objects.filter(county=own_county).values_list("slug", flat=True)) == EXPECTED_SLUGS


def test_the_copys_phases_and_steps_remember_the_ones_they_were_copied_from(model_guide, own_county, people):
    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])

    assert [(phase.title, phase.copied_from) for phase in copy.phases.order_by("order")] == [
        (phase.title, phase) for phase in model_guide.phases.order_by("order")
    ]
    assert [(step.title, step.copied_from) for step in Step.objects.filter(phase__process=copy).order_by("title")] == [
        (step.title, step) for step in Step.objects.filter(phase__process=model_guide).order_by("title")
    ]


def test_a_phase_deleted_from_the_source_since_it_was_published_is_copied_unlinked(model_guide, own_county, people):
    process_revision_start(process=model_guide, user=people["other_publisher"])
    model_guide.phases.order_by("order").first().delete()

    copy = process_copy(source=model_guide, county=own_county, user=people["publisher"])

    first, second = copy.phases.order_by("order")
    assert (first.title, first.copied_from, second.copied_from.title) == ("Vaihe 1", None, "Vaihe 2")
    assert [step.copied_from_id is None for step in Step.objects.filter(phase__process=copy).order_by("title")] == [
        True,
        False,
    ]


def test_a_guide_with_its_copies_takes_copies_of_copies_too_and_nothing_else(model_guide, own_county, people):
    from processes.tests.factories import ProcessDescriptionFactory

    copy = process_copy(source=model_guide, county=own_county, user=people["editor"])
    copy_of_copy = ProcessDescriptionFactory(county=own_county, based_on=copy)
    ProcessDescriptionFactory(county=own_county)  # unrelated

    family = ProcessDescription.objects.with_copies_of(model_guide)

    assert set(family) == {model_guide, copy, copy_of_copy}
    assert set(ProcessDescription.objects.with_copies_of(copy)) == {copy, copy_of_copy}
