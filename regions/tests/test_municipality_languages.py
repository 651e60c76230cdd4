"""Municipalities' official languages from data/municipality_languages.csv (the decree for 2023–2032)."""

import pytest

from common.csv_rows import REFERENCE_DATA_DIR, read_rows
from regions.models import MunicipalityLanguage
from regions.reference_data import municipality_languages_load
from regions.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_the_file_lists_the_decrees_33_bilingual_municipalities():
    rows = read_rows(REFERENCE_DATA_DIR / "municipality_languages.csv")

    by_language = {
        language: [row["name_fi"] for row in rows if row["language"] == language] for language in ("fi_sv", "sv_fi")
    }
    assert (len(by_language["fi_sv"]), len(by_language["sv_fi"])) == (18, 15)
    assert len({row["code"] for row in rows}) == 33
    assert "Helsinki" in by_language["fi_sv"] and "Närpiö" in by_language["sv_fi"]


def test_loading_marks_the_bilingual_and_leaves_the_others_finnish():
    loviisa = MunicipalityFactory(code="434", name_fi="Loviisa")
    raasepori = MunicipalityFactory(code="710", name_fi="Raasepori")
    askola = MunicipalityFactory(code="018", name_fi="Askola", language=MunicipalityLanguage.SWEDISH)

    assert municipality_languages_load() == (0, 3)
    assert municipality_languages_load() == (0, 0)

    for municipality in (loviisa, raasepori, askola):
        municipality.refresh_from_db()
    assert (loviisa.language, raasepori.language, askola.language) == ("fi_sv", "sv_fi", "fi")
    assert (loviisa.is_bilingual, raasepori.is_bilingual, askola.is_bilingual) == (True, True, False)
