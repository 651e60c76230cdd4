"""North Karelia's demo guide says what its seed (Innokylä, "Omaolo-palvelun kokonaisuus Pohjois-Karjalan
HVA:lla") says, in the portal's own words, and nothing the seed does not say."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import translation

from processes.models import ProcessDescription

pytestmark = pytest.mark.django_db

SLUG = "omaolo-pohjois-karjala"


@pytest.fixture
def guide(demo_data):
    return ProcessDescription.objects.get(slug=SLUG)


def test_the_target_group_is_nearly_all_residents_and_professionals(guide):
    assert guide.target_group.startswith(
        "Lähes kaikki Pohjois-Karjalan hyvinvointialueen asukkaat ja ammattilaiset, jotka pystyvät käyttämään Omaoloa."
    )
    assert "täysi-ikäi" not in guide.target_group  # not "adults": the seed says nearly all residents
    assert "Teams-kanavilla" in guide.target_group  # where customer insight was gathered


def test_contacts_go_straight_to_the_right_professional_through_many_channels(guide):
    assert "suoraan oikealle ammattilaiselle" in guide.needs_organisation
    assert "monet kanavat" in guide.needs_organisation
    assert "yhden kanavan" not in guide.needs_organisation


def test_the_evaluation_says_only_what_the_seed_says(guide):
    results = guide.evaluation_results

    assert "Käyttö kasvoi" not in results  # the seed measures no growth
    for fact in (
        "viikoittain ja kuukausittain",
        "ottivat yhteyttä palvelualueeseen, jos käyttö näytti hiipuvan",
        "ympäri vuorokauden",
        "kesäkuussa 2024",
    ):
        assert fact in results


def test_all_eight_tips_of_the_seed(guide):
    tips = [line.removeprefix("- ") for line in guide.tips.splitlines()]

    assert len(tips) == 8
    assert tips[0] == "Kerro palvelualueelle, että muutos voi kehittää ja sujuvoittaa työtä."
    assert tips[-1] == "Kokoa kokemukset prosessista talteen seuraavaa kertaa varten."


def test_all_seven_conditions_of_the_seed(guide):
    assert len(guide.conditions.splitlines()) == 7


def test_the_public_page_lists_the_eight_tips(client, guide):
    with translation.override("fi"):
        url = reverse("processes:process_detail", kwargs={"slug": SLUG})

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Lähes kaikki Pohjois-Karjalan hyvinvointialueen asukkaat ja ammattilaiset" in content
    tips = re.search(r"<ul>((?:(?!</ul>).)*Kerro palvelualueelle(?:(?!</ul>).)*)</ul>", content, re.S).group(1)
    assert tips.count("<li>") == 8
