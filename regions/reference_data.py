"""Load the wellbeing services counties from the project's data file."""

from django.utils.text import slugify

from common.csv_rows import REFERENCE_DATA_DIR, read_rows, upsert_by_code
from regions.models import WellbeingCounty


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
