"""Load the Omaolo content catalogue from the project's data file."""

from common.csv_rows import REFERENCE_DATA_DIR, read_rows, upsert_by_code
from processes.models import ContentKind, ContentModule

# Columns of data/omaolo_modules.csv; an empty cell means no public source gave that text.
MODULE_FIELDS = (
    "code",
    "kind",
    "name_fi",
    "name_sv",
    "name_en",
    "description_fi",
    "description_sv",
    "description_en",
    "description_source",
)


def content_modules_load(*, path=REFERENCE_DATA_DIR / "omaolo_modules.csv") -> tuple[int, int]:
    """Create or update the contents named in public sources; returns (created, updated)."""
    rows = []
    for row in read_rows(path):
        if row["kind"] not in ContentKind.values:
            raise ValueError(f"{path.name}: unknown kind {row['kind']!r} for {row['code']}")
        rows.append({field: row.get(field, "") for field in MODULE_FIELDS})
    return upsert_by_code(ContentModule, rows)
