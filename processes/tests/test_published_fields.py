"""The created date, the contents and the development stage are read from the published version everywhere public."""

import datetime
from http import HTTPStatus

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import DevelopmentStage, ProcessDescription, PublicationStatus
from processes.services import process_publish, process_revision_start, process_submit
from processes.tests.conftest import guide_with_phases
from processes.tests.factories import ContentModuleFactory, RolloutFactory, StepFactory

pytestmark = pytest.mark.django_db

CREATED = datetime.datetime(2025, 3, 4, 10, 0, tzinfo=datetime.UTC)
REVISED_CREATED = datetime.datetime(2020, 1, 2, 10, 0, tzinfo=datetime.UTC)


def publish(guide, people):
    process_submit(process=guide, user=people["editor"])
    process_publish(process=guide, user=people["publisher"])


@pytest.fixture
def contents(db):
    return {
        "published": ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu"),
        "revised": ContentModuleFactory(code="selkakipu", name_fi="Selkäkipu"),
    }


@pytest.fixture
def guide(own_county, people, contents):
    guide = guide_with_phases(
        own_county, status=PublicationStatus.DRAFT, published_at=None, slug="opas", title="Julkaistu opas"
    )
    guide.created_at = CREATED
    guide.development_stage = DevelopmentStage.IN_DEVELOPMENT
    guide.save()
    guide.modules.add(contents["published"])
    publish(guide, people)
    return guide


def revise(guide, people, contents):
    """The editor's unpublished revision: another content, another stage, another created date."""
    process_revision_start(process=guide, user=people["editor"])
    guide.refresh_from_db()
    guide.created_at = REVISED_CREATED
    guide.development_stage = DevelopmentStage.READY
    guide.save()
    guide.modules.set([contents["revised"]])


def listed(client, **query) -> bool:
    response = client.get("/en/processes/", query)
    assert response.status_code == HTTPStatus.OK
    return "Julkaistu opas" in response.content.decode()


def test_the_list_filters_read_the_published_contents_and_stage(client, guide, people, contents):
    revise(guide, people, contents)

    assert listed(client, module="kurkkukipu")
    assert not listed(client, module="selkakipu")
    assert listed(client, stage="in_development")
    assert not listed(client, stage="ready")

    publish(guide, people)

    assert not listed(client, module="kurkkukipu")
    assert listed(client, module="selkakipu")
    assert not listed(client, stage="in_development")
    assert listed(client, stage="ready")


def test_the_content_pages_list_the_guide_under_its_published_contents(client, guide, people, contents):
    revise(guide, people, contents)

    assertContains(client.get("/en/modules/kurkkukipu/"), "Julkaistu opas")
    assertNotContains(client.get("/en/modules/selkakipu/"), "Julkaistu opas")

    publish(guide, people)

    assertNotContains(client.get("/en/modules/kurkkukipu/"), "Julkaistu opas")
    assertContains(client.get("/en/modules/selkakipu/"), "Julkaistu opas")


def test_the_guide_shows_its_published_created_date_and_stage(client, guide, people, contents):
    revise(guide, people, contents)

    page = client.get("/en/processes/opas/")

    assertContains(page, '<time datetime="2025-03-04">4.3.2025</time>', html=True)
    assertNotContains(page, "2020-01-02")
    assertContains(page, "<dd>In development</dd>", html=True)

    publish(guide, people)

    assertContains(client.get("/en/processes/opas/"), '<time datetime="2020-01-02">2.1.2020</time>', html=True)


def test_a_revision_does_not_move_a_guide_up_the_latest_list(client, guide, own_county, people, contents):
    newer = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, title="Uudempi opas")
    publish(newer, people)
    revise(guide, people, contents)

    for path in ["/en/", "/en/processes/", f"/en/counties/{own_county.code}/"]:
        page = client.get(path).content.decode()
        assert page.index("Uudempi opas") < page.index("Julkaistu opas"), path


@pytest.mark.parametrize("count", [2, 20])
def test_the_filtered_list_query_count_does_not_grow_with_the_guides(
    client, own_county, people, contents, count, django_assert_num_queries
):
    for number in range(count):
        guide = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug=f"opas-{number}")
        guide.modules.add(contents["published"])
        publish(guide, people)
        if number % 2:
            revise(guide, people, contents)
    assert ProcessDescription.objects.published().covering(contents["published"]).count() == count

    # The chosen content, the count, the page, the county and content choices.
    with django_assert_num_queries(5):
        response = client.get("/en/processes/", {"module": "kurkkukipu", "stage": "in_development"})

    assert response.content.decode().count('<li class="card">') == min(count, 20)


@pytest.mark.parametrize("path", ["/en/counties/07/", "/en/modules/kurkkukipu/"])
def test_a_rollouts_step_count_is_the_published_versions(client, guide, people, contents, path):
    rollout = RolloutFactory(county=guide.county, module=contents["published"], process=guide)
    process_revision_start(process=guide, user=people["editor"])
    StepFactory(phase=guide.phases.get(order=1), order=2, title="Luonnoksen tehtävä")
    StepFactory(phase=guide.phases.get(order=2), order=2, title="Toinen luonnoksen tehtävä")

    assertContains(client.get(path), "<td>0 of 2</td>", html=True)

    publish(guide, people)

    assertContains(client.get(path), "<td>0 of 4</td>", html=True)
    assert rollout.completed_steps.count() == 0
