"""Checking the rows of a usage statistics file, and collecting every problem as an `ImportIssue`.

`RowValidator.valid_rows` is the import's hot loop: it resolves each cell through the
per-column caches of `metrics.importing.references.References`, counts the rows, finds
keys repeated inside the file and yields the staging tuples of valid rows for as long
as the file has no error. Problems are collected, never raised: the first
`MAX_REPORTED_ERRORS` in full, the rest counted.
"""

from collections.abc import Callable, Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from metrics.importing.contract import (
    COUNT_WITH_DECIMALS,
    MAX_RESPONSES,
    MAX_VALUE_DIGITS,
    RESPONSES_COLUMN,
    RESPONSES_TOO_LARGE,
    SCORE_OUT_OF_SCALE,
    normalise,
    quoted,
    score_in_scale,
    score_parse,
    value_parse,
)
from metrics.importing.parsing import (
    CELL_WITHOUT_HEADER,
    MISSING_CELL,
    Header,
    ImportIssue,
    ImportLimits,
    UnreadableFile,
    closest,
    column_letter,
    too_wide,
)
from metrics.importing.references import remember
from metrics.periods import UNKNOWN_PERIOD_TYPE, period_parse, period_type_parse
from regions.scoping import editable_county_ids

UNKNOWN_COUNTY = _("Unknown county “{value}”.")
UNKNOWN_SERVICE_AREA = _("Unknown service area “{value}” in county {county}.")
UNKNOWN_MODULE = _("Unknown content “{value}”.")
UNKNOWN_METRIC = _("Unknown metric “{value}”.")
CLOSEST_CODE_HINT = _("The closest known code is “{code}”.")
FOREIGN_COUNTY = _("You may import statistics only of your own county, not of county {county}.")
DUPLICATE_ROW = _("This row repeats the county, service area, content, metric and period of line {line}.")

# Errors kept in full (the rest are only counted), so a hopeless file cannot fill memory.
MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 50_000
# A value of fewer digits is at most MAX_VALUE and read on the fast path.
FAST_PATH_DIGITS = MAX_VALUE_DIGITS + 1


class RowValidator:
    """The rows of one file: resolved against the references, checked, and their problems collected."""

    def __init__(self, *, user, progress: Callable[[int], None] | None, limits: ImportLimits):
        self.user = user
        self.progress = progress
        self.limits = limits
        self.allowed_county_ids = None if user is None or user.is_superuser else editable_county_ids(user)
        self.references = None
        self.header = None
        self.errors: list[ImportIssue] = []
        self.error_count = 0
        self.rejected_rows = 0
        self.rows_read = 0

    def issue(self, issue: ImportIssue):
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)

    def error(self, line, index, message):
        self.issue(ImportIssue(line, None if index is None else column_letter(index), str(message)))

    def valid_rows(self, header: Header, records: Iterator[list[str]]) -> Iterator[tuple]:
        """Check every record; yield staging tuples while the file has no error so far.

        The hot loop: each cell is looked up in its column's cache of texts already
        resolved; only a text seen for the first time takes the slow path (`_resolve_…`),
        and so does a score's value, which has decimals and a scale to check.
        """
        self.header, refs = header, self.references
        county_at, area_at, module_at, metric_at, type_at, period_at, value_at, responses_at = _column_indexes(header)
        county_of, module_of, metric_of, period_type_of, area_of, period_of = refs.lookups()
        scored, key_pack, first_line_of_key = refs.score_scales, refs.row_keys.pack, {}.setdefault
        responses, rows_read = None, 0
        try:
            for line, cells in enumerate(records, start=2):
                if len(cells) != header.width or header.ignored:
                    cells = self._fit(line, cells, header.width, header.ignored)
                    if cells is None:
                        continue
                errors_before = self.error_count
                county = county_of(cells[county_at])
                if county is None:
                    if not "".join(cells).strip():
                        continue
                    county = self._resolve_county(line, cells)
                module = module_of(cells[module_at]) or self._resolve(line, cells, "module")
                metric = metric_of(cells[metric_at]) or self._resolve(line, cells, "metric")
                period_type = period_type_of(cells[type_at]) or self._resolve_period_type(line, cells)
                area = 0
                if area_at is not None and cells[area_at] and county is not None:
                    area = area_of((county, cells[area_at])) or self._resolve_area(line, cells, county)
                period = None
                if period_type is not None:
                    period = period_of[period_type](cells[period_at]) or self._resolve_period(line, cells, period_type)
                value_text = cells[value_at]
                if value_text.isdigit() and value_text.isascii() and len(value_text) < FAST_PATH_DIGITS:
                    value = int(value_text) if metric not in scored else self._resolve_value(line, cells, metric)
                else:
                    value = self._resolve_value(line, cells, metric)
                if responses_at is not None:
                    responses = self._responses(line, cells[responses_at], responses_at)
                rows_read += 1
                if self.progress is not None and not rows_read % PROGRESS_EVERY:
                    self.progress(rows_read)
                if self.error_count != errors_before:
                    self.rejected_rows += 1
                    continue
                ordinal, period_start = period
                first_line = first_line_of_key(key_pack(county, area, module, metric, period_type, ordinal), line)
                if first_line != line:
                    self._duplicate(line, first_line)
                elif not self.error_count:
                    yield (line, county, area or None, module, metric, period_type, period_start, value, responses)
        finally:
            # Also when the file is refused half-way: the batch tells how far it was read.
            self.rows_read = rows_read
        if self.progress is not None:
            self.progress(rows_read)

    def _duplicate(self, line, first_line):
        self.rejected_rows += 1
        self.error(line, None, DUPLICATE_ROW.format(line=first_line))

    def _fit(self, line, cells, width, ignored):
        """The record cut or padded to the header's width; None for an empty record.

        Refuses the file at a record with text beyond the last column an import accepts.
        """
        if len(cells) > self.limits.max_columns and (issue := too_wide(line, cells, self.limits.max_columns)):
            raise UnreadableFile(issue)
        if not any(cell.strip() for cell in cells):
            return None
        for index in [*ignored, *range(width, len(cells))]:
            if index < len(cells) and cells[index].strip():
                self.error(line, index, CELL_WITHOUT_HEADER)
        if len(cells) < width:
            return cells + [""] * (width - len(cells))
        return cells[:width]

    # --- validation: the slow paths, taken once per distinct cell text --------------------

    def _missing(self, line, name):
        self.error(line, self.header.indexes[name], MISSING_CELL.format(column=self.header.labels[name]))

    def _resolve_county(self, line, cells):
        refs, index = self.references, self.header.indexes["county"]
        raw = cells[index]
        if self._failed_before(line, index, "county", raw):
            return None
        text = normalise(raw)
        if not text:
            self._missing(line, "county")
            return None
        county = refs.counties.get(text)
        if county is None:
            self._fail(line, index, "county", raw, _unknown(UNKNOWN_COUNTY, raw, refs.county_hints, text))
            return None
        if self.allowed_county_ids is not None and county not in self.allowed_county_ids:
            self._fail(line, index, "county", raw, FOREIGN_COUNTY.format(county=refs.county_codes[county]))
            return None
        remember(refs.county_cache, raw, county)
        return county

    def _resolve(self, line, cells, name):
        """A content ("module") or metric cell."""
        refs, index = self.references, self.header.indexes[name]
        raw = cells[index]
        if self._failed_before(line, index, name, raw):
            return None
        text = normalise(raw)
        if not text:
            self._missing(line, name)
            return None
        lookup, hints, cache, message = {
            "module": (refs.modules, refs.module_hints, refs.module_cache, UNKNOWN_MODULE),
            "metric": (refs.metrics, refs.metric_hints, refs.metric_cache, UNKNOWN_METRIC),
        }[name]
        pk = lookup.get(text)
        if pk is None:
            self._fail(line, index, name, raw, _unknown(message, raw, hints, text))
            return None
        remember(cache, raw, pk)
        return pk

    def _resolve_period_type(self, line, cells):
        index = self.header.indexes["period_type"]
        raw = cells[index]
        text = normalise(raw)
        if not text:
            self._missing(line, "period_type")
            return None
        period_type = period_type_parse(text)
        if period_type is None:
            self.error(line, index, UNKNOWN_PERIOD_TYPE.format(value=quoted(raw.strip())))
            return None
        remember(self.references.period_type_cache, raw, period_type)
        return period_type

    def _resolve_area(self, line, cells, county):
        refs, index = self.references, self.header.indexes["service_area"]
        raw = cells[index]
        if self._failed_before(line, index, "service_area", (county, raw)):
            return 0
        text = normalise(raw)
        if not text:
            return 0
        area = refs.areas.get((county, text))
        if area is None:
            hints = {code: code for (county_id, code) in refs.areas if county_id == county}
            message = UNKNOWN_SERVICE_AREA.format(value=quoted(raw.strip()), county=refs.county_codes[county])
            self._fail(line, index, "service_area", (county, raw), _with_hint(message, hints, text))
            return 0
        remember(refs.area_cache, (county, raw), area)
        return area

    def _resolve_period(self, line, cells, period_type):
        index = self.header.indexes["period"]
        raw = cells[index]
        if not raw.strip():
            self._missing(line, "period")
            return None
        if self._failed_before(line, index, ("period", period_type), raw):
            return None
        day = period_parse(raw, period_type)
        if isinstance(day, str):
            self._fail(line, index, ("period", period_type), raw, day)
            return None
        period = (day.toordinal(), day.isoformat() if self.references.date_as_text else day)
        remember(self.references.period_caches[period_type], raw, period)
        return period

    def _resolve_value(self, line, cells, metric):
        """A value off the fast path: a count with separated thousands, any score, or None after an error."""
        index = self.header.indexes["value"]
        raw = cells[index]
        if not raw.strip():
            self._missing(line, "value")
            return None
        scale = self.references.score_scales.get(metric)
        value = self._count(raw, metric) if scale is None else self._score(raw, metric, scale)
        if isinstance(value, str):
            self.error(line, index, value)
            return None
        return value

    def _count(self, raw, metric) -> int | Decimal | str:
        """A count, a whole number; or why not. With the metric unknown (already an error), any number passes."""
        value = value_parse(raw)
        if isinstance(value, str) and not isinstance(decimal := score_parse(raw), str):
            if metric is None:
                return decimal
            return str(COUNT_WITH_DECIMALS).format(
                value=quoted(raw.strip()), metric=self.references.metric_codes[metric]
            )
        return value

    def _score(self, raw, metric, scale) -> Decimal | str:
        """A score of at most two decimals within its metric's scale; or why not."""
        low, high = scale
        value = score_parse(raw, negative=low is not None and low < 0)
        if isinstance(value, str) or score_in_scale(value, *scale):
            return value
        return str(SCORE_OUT_OF_SCALE).format(
            value=quoted(raw.strip()), low=low, high=high, metric=self.references.metric_codes[metric]
        )

    def _responses(self, line, raw, index) -> int | None:
        """The number of responses of a row's score; None when the cell is empty."""
        if raw.isdigit() and raw.isascii() and len(raw) < 10:
            return int(raw)
        if not raw.strip():
            return None
        responses = value_parse(raw)
        if isinstance(responses, str):
            self.error(line, index, responses)
            return None
        if responses > MAX_RESPONSES:
            self.error(line, index, RESPONSES_TOO_LARGE.format(value=quoted(raw.strip())))
            return None
        return responses

    def _failed_before(self, line, index, kind, key) -> bool:
        """Report the error this cell text already had, if any, without working it out again."""
        message = self.references.failures.get((kind, key))
        if message is None:
            return False
        self.error(line, index, message)
        return True

    def _fail(self, line, index, kind, key, message):
        message = str(message)
        remember(self.references.failures, (kind, key), message)
        self.error(line, index, message)


def _column_indexes(header: Header) -> tuple[int | None, ...]:
    """Where the hot loop finds each cell: county, service area, module, metric, period type, period, value,
    responses (None for an optional column the file does not have)."""
    columns = ("county", "service_area", "module", "metric", "period_type", "period", "value", RESPONSES_COLUMN)
    return tuple(header.indexes.get(name) for name in columns)


def _unknown(message, raw, hints, text) -> str:
    return _with_hint(message.format(value=quoted(raw.strip())), hints, text)


def _with_hint(message, hints: dict[str, str], text: str) -> str:
    """The message, followed by the closest known code when one is close enough."""
    message = str(message)
    match = closest(text, hints)
    if match is not None:
        message += " " + str(CLOSEST_CODE_HINT).format(code=hints[match])
    return message
