"""Load the usage metrics from the project's data file."""

from common.csv_rows import REFERENCE_DATA_DIR, read_rows, upsert_by_code
from metrics.models import Metric, MetricKind


def _scale(text: str) -> int | None:
    return int(text) if text else None


def metrics_load(*, path=REFERENCE_DATA_DIR / "metrics.csv") -> tuple[int, int]:
    """Create or update the metrics with their kind and (for scores) scale; returns (created, updated)."""
    rows = [
        {
            "code": row["code"],
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
            "description_en": row["description_en"],
            "kind": MetricKind(row.get("kind") or MetricKind.ADDITIVE),
            "scale_min": _scale(row.get("scale_min", "")),
            "scale_max": _scale(row.get("scale_max", "")),
        }
        for row in read_rows(path)
    ]
    return upsert_by_code(Metric, rows)
