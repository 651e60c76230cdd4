"""Load the wellbeing services counties and the municipalities' official languages from the project's data files."""

from django.utils.text import slugify

from common.csv_rows import REFERENCE_DATA_DIR, read_rows, upsert_by_code
from regions.models import Municipality, MunicipalityLanguage, WellbeingCounty


def counties_load(*, path=REFERENCE_DATA_DIR / "counties.csv") -> tuple[int, int]:
    """Create or update the 21 counties and Helsinki; returns (created, updated)."""
    rows = [
        {
            "code": row["code"],
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
            "brand": row["brand"],
            "population": int(row["population"]) if row["population"] else None,
            "population_year": int(row["population_year"]) if row["population_year"] else None,
            "slug": slugify(row["name_fi"]),
        }
        for row in read_rows(path)
    ]
    return upsert_by_code(WellbeingCounty, rows)


def municipality_languages_load(*, path=REFERENCE_DATA_DIR / "municipality_languages.csv") -> tuple[int, int]:
    """Set the official languages of the stored municipalities; returns (0, updated).

    The file lists the bilingual municipalities of the decree for 2023–2032; every other
    mainland municipality is Finnish-speaking. Municipalities are not created here.
    """
    languages = {row["code"]: row["language"] for row in read_rows(path)}
    updated = 0
    for municipality in Municipality.objects.all():
        language = languages.get(municipality.code, MunicipalityLanguage.FINNISH)
        if municipality.language != language:
            municipality.language = language
            municipality.save(update_fields=["language"])
            updated += 1
    return 0, updated
