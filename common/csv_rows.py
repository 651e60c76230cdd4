"""Read the project's reference-data CSV files."""

import csv
from pathlib import Path

from django.conf import settings

REFERENCE_DATA_DIR = settings.BASE_DIR / "data"


def read_rows(path: Path) -> list[dict[str, str]]:
    """Every row of a UTF-8 CSV file as a dict of stripped strings."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def upsert_by_code(model, rows: list[dict], *, key: str = "code") -> tuple[int, int]:
    """Create or update one instance a row, matched on `key`; returns (created, updated).

    Rows equal to what is stored are left alone, so a second load changes nothing.
    """
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    created = updated = 0
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            model.objects.create(**row)
            created += 1
        elif any(getattr(obj, field) != value for field, value in row.items()):
            for field, value in row.items():
                setattr(obj, field, value)
            obj.save()
            updated += 1
    return created, updated
