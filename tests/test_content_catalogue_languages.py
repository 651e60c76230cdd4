"""The Omaolo contents read in Swedish and English where a public source gave the text."""

import csv

import pytest
from django.core.management import call_command
from django.utils.translation import override

from common.csv_rows import REFERENCE_DATA_DIR
from processes.models import ContentModule

pytestmark = pytest.mark.django_db

with open(REFERENCE_DATA_DIR / "omaolo_modules.csv", encoding="utf-8") as modules_file:
    ROWS = list(csv.DictReader(modules_file))


def test_the_file_has_a_swedish_name_and_descriptions_in_three_languages():
    assert list(ROWS[0]) == [
        "code",
        "kind",
        "name_fi",
        "name_sv",
        "name_en",
        "description_fi",
        "description_sv",
        "description_en",
        "description_source",
    ]


def test_every_content_has_its_names_and_a_description_unless_no_source_gave_one():
    without_swedish_name = sorted(row["code"] for row in ROWS if not row["name_sv"])
    without_description = sorted(row["code"] for row in ROWS if not row["description_fi"])

    assert all(row["name_fi"] and row["name_en"] for row in ROWS)
    # Listed in data/SOURCES.md: no public source found gives these.
    assert without_swedish_name == [
        "asiointiaiheet",
        "hampaiden-tai-suun-alueen-oire-tai-vamma",
        "miehen-virtsa-tai-sukuelinten-oire",
        "oma-suunnitelma",
        "punkin-purema",
    ]
    assert without_description == ["asiointiaiheet"]
    assert all(
        bool(row["description_sv"]) == bool(row["description_en"]) == bool(row["description_fi"]) for row in ROWS
    )


def test_the_loaded_catalogue_reads_in_swedish_and_english():
    call_command("load_reference_data", verbosity=0)
    uti = ContentModule.objects.get(code="virtsatietulehdus")

    with override("sv"):
        assert (uti.name, uti.description.split(":")[0]) == (
            "Urinvägsinfektion",
            "Symtombedömning vid symtom på urinvägsinfektion hos kvinnor",
        )
    with override("en"):
        assert (uti.name, uti.description.split(":")[0]) == (
            "Urinary tract infection",
            "Symptom assessment for symptoms of a urinary tract infection in women",
        )
    assert ContentModule.objects.get(code="painonhallintavalmennus").name_sv == "Coachning för viktkontroll"
