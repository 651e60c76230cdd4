import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import ContentKind, PublicationStatus, RolloutStatus
from processes.tests.factories import (
    ContentModuleFactory,
    PhaseFactory,
    ProcessDescriptionFactory,
    RolloutFactory,
    StepFactory,
)
from regions.tests.factories import ServiceAreaFactory, WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def url(name, language="en", **kwargs):
    with override(language):
        return reverse(f"processes:{name}", kwargs=kwargs)


@pytest.fixture
def uti():
    return ContentModuleFactory(
        code="virtsatietulehdus",
        kind=ContentKind.SYMPTOM_ASSESSMENT,
        name_fi="Virtsatietulehdus",
        name_sv="",
        name_en="Urinary tract infection",
        description_fi="Oirearvio virtsatieinfektion oireisiin.",
    )


def test_catalogue_groups_contents_by_kind_and_counts_counties(client, uti):
    ContentModuleFactory(code="terveystarkastus", kind=ContentKind.HEALTH_CHECK, name_en="Health check")
    RolloutFactory(county=WellbeingCountyFactory(code="12"), module=uti, status=RolloutStatus.IN_USE)
    RolloutFactory(county=WellbeingCountyFactory(code="07"), module=uti, status=RolloutStatus.PILOTING)
    RolloutFactory(
        county=WellbeingCountyFactory(code="08"),
        module=uti,
        status=RolloutStatus.ENDED,
        ended_on=datetime.date(2024, 6, 30),
    )

    response = client.get(url("module_list"))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, '<h2 id="kind-symptom_assessment">Symptom assessment</h2>', html=True)
    assertContains(response, '<h2 id="kind-health_check">Health check</h2>', html=True)
    assertContains(response, '<span class="module-usage">in 2 counties</span>', html=True)
    assertContains(response, '<span class="module-usage">not in use in any county</span>', html=True)


def test_content_page_shows_which_counties_use_it_since_when_and_in_which_phase(client, uti):
    county = WellbeingCountyFactory(code="12", name_en="North Karelia wellbeing services county")
    area = ServiceAreaFactory(county=county, name_en="Reception services")
    guide = ProcessDescriptionFactory(county=county, title="Siun soten käyttöönottomalli")
    guide.modules.add(uti)
    phase = PhaseFactory(process=guide, title="Pilotointi")
    steps = StepFactory.create_batch(4, phase=phase)
    rollout = RolloutFactory(
        county=county,
        module=uti,
        service_area=area,
        process=guide,
        status=RolloutStatus.PILOTING,
        pilot_start=datetime.date(2024, 1, 8),
        go_live=None,
        current_phase=phase,
    )
    rollout.completed_steps.set(steps[:3])

    response = client.get(url("module_detail", code="virtsatietulehdus"))

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "<h1>Urinary tract infection</h1>", html=True)
    assertContains(response, "North Karelia wellbeing services county</a>")
    assertContains(response, "<td>Reception services</td>", html=True)
    assertContains(
        response,
        '<span class="status status-piloting"><span class="status-shape" aria-hidden="true"></span>Piloting</span>',
    )
    assertContains(response, '<time datetime="2024-01-08">8.1.2024</time>', html=True)
    assertContains(
        response,
        f'<td><a href="/en/processes/{guide.slug}/#phase-{phase.pk}" lang="fi">Pilotointi</a></td>',
        html=True,
    )
    assertContains(response, "<td>3 of 4</td>", html=True)
    assertContains(response, "Siun soten käyttöönottomalli")


def test_content_without_swedish_name_shows_the_finnish_one_marked_as_finnish(client, uti):
    response = client.get(url("module_detail", "sv", code="virtsatietulehdus"))

    assertContains(response, '<h1><span lang="fi">Virtsatietulehdus</span></h1>', html=True)
    assertContains(response, '<p class="note">')


def test_content_page_leaves_out_unpublished_descriptions(client, uti):
    draft = ProcessDescriptionFactory(title="Keskeneräinen malli", status=PublicationStatus.DRAFT, published_at=None)
    draft.modules.add(uti)

    response = client.get(url("module_detail", code="virtsatietulehdus"))

    assertNotContains(response, "Keskeneräinen malli")
    assertContains(response, "No published process description covers this content yet.")


def test_unknown_content_is_not_found(client):
    assert client.get(url("module_detail", code="ei-ole")).status_code == HTTPStatus.NOT_FOUND


def test_a_description_only_in_finnish_is_marked_and_noted(client, uti):
    response = client.get(url("module_detail", "en", code="virtsatietulehdus"))

    assertContains(
        response, '<div class="lead" lang="fi"><p>Oirearvio virtsatieinfektion oireisiin.</p></div>', html=True
    )
    assertContains(response, '<p class="note">This text is available only in Finnish.</p>', html=True)
