"""Routes as CSV or XLSX files: the export, and the all-or-nothing import with errors by line and column.

Main users keep their routes in Excel. The file is read with the statistics import's helpers
(`metrics.importing.parsing`, `metrics.importing.workbooks`: encodings, delimiters, workbook checks, limits, the
`ImportIssue` line-and-column contract); every row is checked before anything is written.
A row with an `id` updates that route; a row without one updates the route with the same
county, content, outcome, time window, unit and start date, or creates one. An exported file
imported again changes nothing.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.spreadsheet import spreadsheet_safe
from metrics.importing.contract import quoted
from metrics.importing.importer import binary_stream, import_limits
from metrics.importing.parsing import ImportIssue, UnreadableFile, column_letter, csv_records, inspect_file
from metrics.importing.workbooks import xlsx_check, xlsx_records
from processes.models import ContentModule
from regions.models import Municipality, ServiceArea, WellbeingCounty
from regions.scoping import can_edit_county
from routing.choices import Channel, ProfessionalRole, ServiceLanguage, TargetKind, WindowKind
from routing.models import Outcome, ReceivingUnit, Route

COLUMNS = (
    "id",
    "county",
    "content",
    "outcome",
    "window",
    "weekdays",
    "from",
    "until",
    "window_unit",
    "channel",
    "unit",
    "roles",
    "handled_in_unit_hours",
    "target",
    "target_value",
    "sent_by",
    "languages",
    "age_from",
    "age_below",
    "strong_identification",
    "valid_from",
    "valid_to",
    "verified_on",
    "municipalities",
    "service_area",
    "foreign_unit_reason",
    "source",
)
REQUIRED = ("county", "content", "outcome", "window", "channel", "unit", "valid_from")
# The file's column → the route's field, where they differ only in name.
FIELD_OF_COLUMN = {
    "window": "window_kind",
    "from": "starts_at",
    "until": "ends_at",
    "target": "target_kind",
    "sent_by": "target_cutoff",
}
TRUE_WORDS, FALSE_WORDS = {"yes", "true", "1", "kyllä", "ja"}, {"no", "false", "0", "ei", "nej", ""}

NO_ROWS = _("The file has a header but no routes.")
MISSING_COLUMNS = _("The header lacks the required columns: {columns}.")
UNKNOWN_COLUMN = _("Unknown column “{column}”.")
EMPTY_CELL = _("The required cell “{column}” is empty.")
UNKNOWN_COUNTY = _("No county has the code “{value}”.")
FOREIGN_COUNTY = _("You can only import routes of your own county.")
UNKNOWN_CONTENT = _("No content has the code “{value}”.")
UNKNOWN_OUTCOME = _("No outcome has the code “{value}”.")
UNKNOWN_UNIT = _("No receiving unit of the county or national service has the code “{value}”.")
UNKNOWN_CHOICE = _("“{value}” is not one of: {choices}.")
BAD_WEEKDAYS = _("“{value}” is not a list of weekdays such as 1-5 or 6,7.")
BAD_TIME = _("“{value}” is not a time such as 8:00 or 7.45.")
BAD_DATE = _("“{value}” is not a date such as 2025-01-31 or 31.1.2025.")
BAD_NUMBER = _("“{value}” is not a whole number of zero or more.")
BAD_BOOLEAN = _("“{value}” is not yes or no.")
UNKNOWN_MUNICIPALITY = _("No municipality has the code “{value}”.")
UNKNOWN_SERVICE_AREA = _("The county has no service area with the code “{value}”.")
UNKNOWN_ROUTE = _("The county has no route with the id “{value}”.")
DUPLICATE_ROUTE = _("This route is also on line {other}.")

_WEEKDAY_PART = re.compile(r"^([1-7])(?:-([1-7]))?$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass
class RouteImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --- export --------------------------------------------------------------------------------------


def _time_text(value):
    return "" if value is None else f"{value:%H:%M}"


def _date_text(value):
    return "" if value is None else value.isoformat()


def _unit_text(unit, county_id):
    if unit is None:
        return ""
    if unit.county_id is None or unit.county_id == county_id:
        return unit.code
    return f"{unit.county.code}/{unit.code}"


def _weekdays_text(days) -> str:
    return ",".join(str(day) for day in sorted(days))


def route_rows(routes) -> list[list[str]]:
    """The header and one row per route, as the import reads them."""
    routes = routes.select_related(
        "county", "module", "outcome", "receiving_unit__county", "window_unit__county", "service_area"
    ).prefetch_related("municipalities")
    rows = [list(COLUMNS)]
    for route in routes.order_by("county__code", "module__code", "outcome__order", "valid_from", "pk"):
        rows.append(
            [
                str(route.pk),
                route.county.code,
                route.module.code,
                route.outcome.code,
                route.window_kind,
                _weekdays_text(route.weekdays),
                _time_text(route.starts_at),
                _time_text(route.ends_at),
                _unit_text(route.window_unit, route.county_id),
                route.channel,
                _unit_text(route.receiving_unit, route.county_id),
                ",".join(route.roles),
                "yes" if route.handled_in_unit_hours else "no",
                route.target_kind,
                "" if route.target_value is None else str(route.target_value),
                _time_text(route.target_cutoff),
                ",".join(route.languages),
                "" if route.age_from is None else str(route.age_from),
                "" if route.age_below is None else str(route.age_below),
                "yes" if route.strong_identification else "no",
                _date_text(route.valid_from),
                _date_text(route.valid_to),
                _date_text(route.verified_on),
                ",".join(sorted(municipality.code for municipality in route.municipalities.all())),
                route.service_area.code if route.service_area_id else "",
                route.foreign_unit_reason,
                route.source,
            ]
        )
    return rows


def routes_export_csv(routes) -> bytes:
    """The routes as a UTF-8 CSV file with a byte order mark (Excel opens it as UTF-8)."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    for row in route_rows(routes):
        writer.writerow(spreadsheet_safe(cell) for cell in row)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def routes_export_xlsx(routes) -> bytes:
    """The routes as an Excel workbook of one sheet, every cell text."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("routes")
    for row in route_rows(routes):
        sheet.append([spreadsheet_safe(cell) for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- import --------------------------------------------------------------------------------------


class _RowError(Exception):
    def __init__(self, column, message):
        super().__init__(message)
        self.column = column
        self.message = message


def routes_import(*, file, user, dry_run: bool = False) -> RouteImportResult:
    """Check a CSV or XLSX file of routes and, if every row is valid and not `dry_run`, write all of it."""
    result = RouteImportResult()
    limits = import_limits()
    with binary_stream(file) as (stream, _name):
        try:
            info = inspect_file(stream, limits)
            if info.kind == "xlsx":
                xlsx_check(stream, limits)
                stream.seek(0)
                records = list(xlsx_records(stream, limits))
            else:
                records = list(csv_records(stream, info.encoding, limits))
        except UnreadableFile as unreadable:
            result.errors.append(unreadable.issue)
            return result
    _Importer(user=user, result=result).run(records, dry_run=dry_run)
    return result


class _Importer:
    def __init__(self, *, user, result):
        self.user = user
        self.result = result
        self.counties = {county.code: county for county in WellbeingCounty.objects.all()}
        self.modules = {module.code: module for module in ContentModule.objects.all()}
        self.outcomes = {outcome.code: outcome for outcome in Outcome.objects.all()}
        self.units = {
            (unit.county.code if unit.county_id else None, unit.code): unit
            for unit in ReceivingUnit.objects.select_related("county")
        }
        self.municipalities = {municipality.code: municipality for municipality in Municipality.objects.all()}
        self.service_areas = {(area.county_id, area.code): area for area in ServiceArea.objects.all()}

    def issue(self, line, column_index, message):
        column = None if column_index is None else column_letter(column_index)
        self.result.errors.append(ImportIssue(line, column, str(message)))

    def run(self, records, *, dry_run):
        if not records:
            self.issue(None, None, NO_ROWS)
            return
        header = [cell.strip().casefold() for cell in records[0]]
        indexes = {}
        for index, name in enumerate(header):
            if not name:
                continue
            if name not in COLUMNS:
                self.issue(1, index, UNKNOWN_COLUMN.format(column=quoted(records[0][index])))
            indexes.setdefault(name, index)
        missing = [name for name in REQUIRED if name not in indexes]
        if missing:
            self.issue(1, None, MISSING_COLUMNS.format(columns=", ".join(missing)))
        rows = [(line, cells) for line, cells in enumerate(records[1:], start=2) if any(cell.strip() for cell in cells)]
        if not rows and not self.result.errors:
            self.issue(None, None, NO_ROWS)
        if self.result.errors:
            return
        planned, seen = [], {}
        for line, cells in rows:
            values = {name: (cells[index].strip() if index < len(cells) else "") for name, index in indexes.items()}
            try:
                route, municipalities = self.route_of(values, indexes)
            except _RowError as error:
                self.issue(line, error.column, error.message)
                continue
            key = route.pk or _natural_key(route)
            if key in seen:
                self.issue(line, None, DUPLICATE_ROUTE.format(other=seen[key]))
                continue
            seen[key] = line
            try:
                route.full_clean(validate_unique=False)
            except ValidationError as invalid:
                for name, messages in invalid.message_dict.items():
                    column = _column_of_field(name)
                    for message in messages:
                        self.issue(line, indexes.get(column), message)
                continue
            planned.append((route, municipalities))
        if self.result.errors:
            return
        with transaction.atomic():
            for route, municipalities in planned:
                self.write(route, municipalities)
            if dry_run:
                transaction.set_rollback(True)

    def write(self, route, municipalities):
        stored = Route.objects.filter(pk=route.pk).first() if route.pk else None
        if stored is not None:
            names = [field.attname for field in Route._meta.concrete_fields if field.name not in ("id", "updated_at")]
            stored_municipalities = set(stored.municipalities.values_list("pk", flat=True))
            same = all(getattr(stored, name) == getattr(route, name) for name in names)
            if same and stored_municipalities == {municipality.pk for municipality in municipalities}:
                self.result.unchanged += 1
                return
            self.result.updated += 1
        else:
            self.result.created += 1
        route._history_user = self.user
        route.save()
        route.municipalities.set(municipalities)

    def cell_error(self, indexes, column, message, **params):
        raise _RowError(indexes.get(column), str(message).format(**params))

    def route_of(self, values, indexes):
        def need(column):
            value = values.get(column, "")
            if not value:
                self.cell_error(indexes, column, EMPTY_CELL, column=column)
            return value

        county = self.counties.get(need("county"))
        if county is None:
            self.cell_error(indexes, "county", UNKNOWN_COUNTY, value=quoted(values["county"]))
        if not can_edit_county(self.user, county.pk):
            self.cell_error(indexes, "county", FOREIGN_COUNTY)
        module = self.modules.get(need("content"))
        if module is None:
            self.cell_error(indexes, "content", UNKNOWN_CONTENT, value=quoted(values["content"]))
        outcome = self.outcomes.get(need("outcome"))
        if outcome is None:
            self.cell_error(indexes, "outcome", UNKNOWN_OUTCOME, value=quoted(values["outcome"]))
        route = Route(county=county, module=module, outcome=outcome)
        if values.get("id"):
            route.pk = self.number(values, indexes, "id")
            stored = Route.objects.filter(pk=route.pk, county=county).values_list("pk", flat=True).first()
            if stored is None:
                self.cell_error(indexes, "id", UNKNOWN_ROUTE, value=quoted(values["id"]))
        route.window_kind = self.choice(values, indexes, "window", WindowKind, required=True)
        route.weekdays = self.weekdays(values, indexes)
        route.starts_at = self.time(values, indexes, "from")
        route.ends_at = self.time(values, indexes, "until")
        route.window_unit = self.unit(values, indexes, "window_unit", county) if values.get("window_unit") else None
        route.channel = self.choice(values, indexes, "channel", Channel, required=True)
        route.receiving_unit = self.unit(values, indexes, "unit", county)
        route.roles = self.choice_list(values, indexes, "roles", ProfessionalRole)
        route.handled_in_unit_hours = self.boolean(values, indexes, "handled_in_unit_hours", default=False)
        route.target_kind = self.choice(values, indexes, "target", TargetKind) or TargetKind.NONE
        route.target_value = self.number(values, indexes, "target_value")
        route.target_cutoff = self.time(values, indexes, "sent_by")
        route.languages = self.choice_list(values, indexes, "languages", ServiceLanguage)
        route.age_from = self.number(values, indexes, "age_from")
        route.age_below = self.number(values, indexes, "age_below")
        route.strong_identification = self.boolean(values, indexes, "strong_identification", default=True)
        route.valid_from = self.date(values, indexes, "valid_from")
        route.valid_to = self.date(values, indexes, "valid_to")
        route.verified_on = self.date(values, indexes, "verified_on")
        route.foreign_unit_reason = values.get("foreign_unit_reason", "")
        route.source = values.get("source", "")
        area_code = values.get("service_area", "")
        route.service_area = None
        if area_code:
            route.service_area = self.service_areas.get((county.pk, area_code))
            if route.service_area is None:
                self.cell_error(indexes, "service_area", UNKNOWN_SERVICE_AREA, value=quoted(area_code))
        municipalities = []
        for code in _items(values.get("municipalities", "")):
            if code not in self.municipalities:
                self.cell_error(indexes, "municipalities", UNKNOWN_MUNICIPALITY, value=quoted(code))
            municipalities.append(self.municipalities[code])
        if route.pk is None:
            route.pk = self.natural_match(route)
        return route, municipalities

    def natural_match(self, route):
        matches = list(
            Route.objects.filter(
                county=route.county,
                module=route.module,
                outcome=route.outcome,
                window_kind=route.window_kind,
                starts_at=route.starts_at,
                ends_at=route.ends_at,
                receiving_unit=route.receiving_unit,
                channel=route.channel,
                valid_from=route.valid_from,
            ).values_list("pk", "weekdays")
        )
        same = [pk for pk, weekdays in matches if sorted(weekdays) == sorted(route.weekdays)]
        return same[0] if len(same) == 1 else None

    def choice(self, values, indexes, column, choices, *, required=False):
        value = values.get(column, "")
        if not value and not required:
            return ""
        if value not in choices.values:
            self.cell_error(indexes, column, UNKNOWN_CHOICE, value=quoted(value), choices=", ".join(choices.values))
        return value

    def choice_list(self, values, indexes, column, choices):
        items = _items(values.get(column, ""))
        for item in items:
            if item not in choices.values:
                self.cell_error(indexes, column, UNKNOWN_CHOICE, value=quoted(item), choices=", ".join(choices.values))
        return items

    def weekdays(self, values, indexes):
        days = set()
        for part in _items(values.get("weekdays", "")):
            match = _WEEKDAY_PART.match(part)
            if match is None or (match[2] and int(match[2]) < int(match[1])):
                self.cell_error(indexes, "weekdays", BAD_WEEKDAYS, value=quoted(values["weekdays"]))
            days.update(range(int(match[1]), int(match[2] or match[1]) + 1))
        return sorted(days)

    def time(self, values, indexes, column):
        value = values.get(column, "")
        if not value:
            return None
        match = _TIME.match(value)
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.cell_error(indexes, column, BAD_TIME, value=quoted(value))
        return datetime.time(int(match[1]), int(match[2]))

    def date(self, values, indexes, column):
        value = values.get(column, "")
        if not value:
            return None
        try:
            if match := _FINNISH_DATE.match(value):
                return datetime.date(int(match[3]), int(match[2]), int(match[1]))
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            self.cell_error(indexes, column, BAD_DATE, value=quoted(value))

    def number(self, values, indexes, column):
        value = values.get(column, "")
        if not value:
            return None
        if not value.isdigit() or len(value) > 5:
            self.cell_error(indexes, column, BAD_NUMBER, value=quoted(value))
        return int(value)

    def boolean(self, values, indexes, column, *, default):
        if column not in values:
            return default
        value = values[column].casefold()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.cell_error(indexes, column, BAD_BOOLEAN, value=quoted(values[column]))

    def unit(self, values, indexes, column, county):
        value = values.get(column, "")
        if not value:
            self.cell_error(indexes, column, EMPTY_CELL, column=column)
        county_code, _slash, code = value.rpartition("/")
        unit = self.units.get((county_code or county.code, code)) or (
            None if county_code else self.units.get((None, code))
        )
        if unit is None:
            self.cell_error(indexes, column, UNKNOWN_UNIT, value=quoted(value))
        return unit


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _natural_key(route):
    return (
        route.county_id,
        route.module_id,
        route.outcome_id,
        route.window_kind,
        tuple(route.weekdays),
        route.starts_at,
        route.ends_at,
        route.receiving_unit_id,
        route.channel,
        route.valid_from,
    )


def _column_of_field(name: str) -> str:
    reverse = {field_name: column for column, field_name in FIELD_OF_COLUMN.items()}
    aliases = {"module": "content", "receiving_unit": "unit"}
    return reverse.get(name) or aliases.get(name) or name
