"""Each Omaolo content says what it is for, with the public sources the text is written from."""

import csv
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from common.csv_rows import REFERENCE_DATA_DIR
from processes.models import ContentKind, ContentModule

pytestmark = pytest.mark.django_db

with open(REFERENCE_DATA_DIR / "omaolo_modules.csv", encoding="utf-8") as modules_file:
    ROWS = list(csv.DictReader(modules_file))
MEN = "miehen-virtsa-tai-sukuelinten-oire"


@pytest.fixture
def catalogue():
    call_command("load_reference_data", verbosity=0)


def test_every_symptom_assessment_has_a_description_of_its_own(catalogue):
    assessments = ContentModule.objects.filter(kind=ContentKind.SYMPTOM_ASSESSMENT)

    for language in ("fi", "sv", "en"):
        with translation.override(language):
            descriptions = [module.description for module in assessments]
        assert len(set(descriptions)) == len(descriptions) == 19, language  # 17, the general one and the men's


def test_every_description_names_its_sources():
    assert [row["code"] for row in ROWS if row["description_fi"] and not row["description_source"]] == []
    assert [row["code"] for row in ROWS if row["description_source"] and not row["description_fi"]] == []


def test_the_mens_urinary_or_genital_symptom_is_in_the_catalogue_with_its_source(catalogue):
    men = ContentModule.objects.get(code=MEN)

    assert (men.name_fi, men.name_en, men.kind) == (
        "Miehen virtsa- tai sukuelinten oire",
        "Urinary or genital symptom in men",
        ContentKind.SYMPTOM_ASSESSMENT,
    )
    assert men.description_fi.startswith("Oirearvio miehen virtsaamis- tai sukuelinoireisiin: ")
    assert men.description_source.startswith("MTV Uutiset 23.1.2026")
    assert men.name_sv == ""  # no public source gives a Swedish name


@pytest.mark.parametrize(
    ("code", "facts"),
    [
        ("virtsatietulehdus", ["naisen virtsatietulehduksen oireisiin"]),
        ("punkin-purema", ["uuteen ihottumaan", "Julkaistu tammikuussa 2025."]),
        ("seksitautiepaily", ["onko syytä mennä testeihin"]),
        ("yleinen-oirekysely", ["17 oirearvion rinnalla"]),
    ],
)
def test_the_facts_of_a_content_of_its_own(code, facts):
    row = next(row for row in ROWS if row["code"] == code)

    assert all(fact in row["description_fi"] for fact in facts)


def test_the_content_page_shows_the_description_and_its_source(client, catalogue):
    with translation.override("fi"):
        url = reverse("processes:module_detail", kwargs={"code": MEN})

    response = client.get(url)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Oirearvio miehen virtsaamis- tai sukuelinoireisiin" in content
    assert '<span class="source-label">Lähde:</span> <span lang="fi">MTV Uutiset 23.1.2026' in content
