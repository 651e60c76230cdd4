"""Load the routing reference data from data/: outcomes, care-guarantee rules and national services.

Each file's columns and sources are in data/SOURCES.md. `care_rule_rows()` reads the rules
without the database, so the pure rule lookup is tested on the very rules the project ships.
"""

import datetime
from dataclasses import fields

from common.csv_rows import REFERENCE_DATA_DIR, read_rows, upsert_by_code
from processes.models import ContentKind
from routing.choices import CareMeasure, LimitUnit, UnitType, Urgency
from routing.facts import CareRule
from routing.models import CareGuaranteeRule, Outcome, ReceivingUnit

OUTCOMES_FILE = REFERENCE_DATA_DIR / "routing_outcomes.csv"
CARE_RULES_FILE = REFERENCE_DATA_DIR / "care_guarantee_rules.csv"
NATIONAL_SERVICES_FILE = REFERENCE_DATA_DIR / "national_services.csv"


def _boolean(text: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(f"expected true or false, got {text!r}")
    return text == "true"


def _optional_int(text: str) -> int | None:
    return int(text) if text else None


def _optional_date(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _choice(text: str, choices, path, code) -> str:
    if text not in choices.values:
        raise ValueError(f"{path.name}: unknown value {text!r} for {code}")
    return text


def outcome_rows(path=OUTCOMES_FILE) -> list[dict]:
    """The outcome vocabulary per content kind, typed as the model stores it."""
    return [
        {
            "code": row["code"],
            "content_kind": _choice(row["content_kind"], ContentKind, path, row["code"]),
            "order": int(row["order"]),
            "urgency": _choice(row["urgency"], Urgency, path, row["code"]),
            "needs_route": _boolean(row["needs_route"]),
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
            "source": row["source"],
        }
        for row in read_rows(path)
    ]


def care_rule_rows(path=CARE_RULES_FILE) -> list[dict]:
    """The dated care-guarantee rules, typed as the model stores them."""
    return [
        {
            "code": row["code"],
            "measure": _choice(row["measure"], CareMeasure, path, row["code"]),
            "law": row["law"],
            "section": row["section"],
            "age_from": _optional_int(row["age_from"]),
            "age_below": _optional_int(row["age_below"]),
            "limit_value": _optional_int(row["limit_value"]),
            "limit_unit": _choice(row["limit_unit"], LimitUnit, path, row["code"]),
            "valid_from": datetime.date.fromisoformat(row["valid_from"]),
            "valid_to": _optional_date(row["valid_to"]),
            "in_force": _boolean(row["in_force"]),
            "note": row["note"],
            "source": row["source"],
        }
        for row in read_rows(path)
    ]


def care_rules_shipped(path=CARE_RULES_FILE) -> list[CareRule]:
    """The shipped rules as the values `routing.rules` works on, read without the database."""
    names = {field.name for field in fields(CareRule)}
    return [CareRule(**{key: value for key, value in row.items() if key in names}) for row in care_rule_rows(path)]


def outcomes_load(*, path=OUTCOMES_FILE) -> tuple[int, int]:
    """Create or update the outcomes; returns (created, updated)."""
    return upsert_by_code(Outcome, outcome_rows(path))


def care_rules_load(*, path=CARE_RULES_FILE) -> tuple[int, int]:
    """Create or update the care-guarantee rules; returns (created, updated)."""
    return upsert_by_code(CareGuaranteeRule, care_rule_rows(path))


def national_services_load(*, path=NATIONAL_SERVICES_FILE) -> tuple[int, int]:
    """Create or update the national services (112, 116117) as receiving units of no county."""
    existing = {unit.code: unit for unit in ReceivingUnit.objects.national()}
    created = updated = 0
    for row in read_rows(path):
        values = {
            "unit_type": _choice(row["unit_type"], UnitType, path, row["code"]),
            "name_fi": row["name_fi"],
            "name_sv": row["name_sv"],
            "name_en": row["name_en"],
            "phone": row["phone"],
            "web_address": row["web_address"],
            "operator": row["operator"],
            "open_around_the_clock": _boolean(row["open_around_the_clock"]),
        }
        unit = existing.get(row["code"])
        if unit is None:
            ReceivingUnit.objects.create(county=None, code=row["code"], **values)
            created += 1
        elif any(getattr(unit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(unit, name, value)
            unit.save()
            updated += 1
    return created, updated
