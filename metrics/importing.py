"""Import usage statistics files (CSV or XLSX): validate everything, then write all or nothing.

`usage_import(*, file, user, dry_run)` is the one code path of the `import_usage`
command, the admin's preview and confirm steps, and the tests.

How it stays fast and small on a national file of a million rows:

* Codes are resolved from dictionaries loaded once, and each distinct cell text is
  resolved once (per-column caches), so a row costs a handful of dict look-ups.
* No model instance is built per row. Valid rows stream as compact tuples into a
  temporary staging table (PostgreSQL: psycopg ``COPY``; SQLite: ``executemany``)
  while the file is still being read, so the database works in parallel with the
  parsing and the rows never pile up in memory. Only the keys already seen stay in
  memory (a packed int and its line number a row) to find duplicates inside the file.
* The write is two set-based statements per kind of key (with and without a service
  area, matching the two partial unique indexes): ``UPDATE … FROM staging`` for the
  values that changed, then ``INSERT … SELECT`` of the keys not stored yet (SQLite:
  ``WHERE NOT EXISTS``; PostgreSQL: ``ON CONFLICT … DO NOTHING`` on the partial index).
  Unchanged rows are never written, so a re-import writes nothing; the statements'
  row counts are the exact created and updated figures. A dry run counts the same
  joins instead of writing.

Any invalid row rolls the transaction (staging table included) back, so nothing is
written, and every problem is reported as an `ImportIssue` (line, column, message).
Every call leaves an `ImportBatch`: applied, checked only (dry run) or rejected.
"""

import contextlib
import datetime
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils.dateparse import parse_date as date_parse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from metrics.models import ImportBatch, ImportOutcome, Metric, UsageStatistic
from metrics.parsing import (
    CELL_WITHOUT_HEADER,
    FILE_EMPTY,
    FILE_NO_DATA_ROWS,
    MISSING_CELL,
    PERIOD_TYPES,
    UNKNOWN_PERIOD_TYPE,
    Header,
    ImportIssue,
    ImportLimits,
    UnreadableFile,
    closest,
    column_letter,
    csv_records,
    file_too_large,
    header_read,
    inspect_file,
    normalise,
    period_parse,
    period_type_parse,
    quoted,
    too_wide,
    value_parse,
    xlsx_records,
)
from metrics.periods import period_label
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty
from regions.scoping import editable_county_ids

IMPORT_PERMISSION = "metrics.import_usagestatistic"

logger = logging.getLogger(__name__)

NO_IMPORT_PERMISSION = _("You do not have permission to import usage statistics.")
UNKNOWN_COUNTY = _("Unknown county “{value}”.")
UNKNOWN_SERVICE_AREA = _("Unknown service area “{value}” in county {county}.")
UNKNOWN_MODULE = _("Unknown content “{value}”.")
UNKNOWN_METRIC = _("Unknown metric “{value}”.")
CLOSEST_CODE_HINT = _("The closest known code is “{code}”.")
FOREIGN_COUNTY = _("You may import statistics only of your own county, not of county {county}.")
DUPLICATE_ROW = _("This row repeats the county, service area, content, metric and period of line {line}.")
WRITE_CONFLICT = _(
    "A county, content or metric of the file was deleted during the import; nothing was written. Try again."
)
UNEXPECTED_ERROR = _(
    "The file could not be checked because of an unexpected error, which has been logged for the "
    "administrators. Nothing was written."
)
MORE_ERRORS = ngettext_lazy("%(count)d more error is not listed.", "%(count)d more errors are not listed.", "count")

# Errors kept in full (the rest are only counted), so a hopeless file cannot fill memory.
MAX_REPORTED_ERRORS = 1000
PROGRESS_EVERY = 50_000
STAGING_TABLE = "usage_import_staging"
ANALYZE_AFTER_ROWS = 10_000
STAGING_COLUMNS = "line, county_id, service_area_id, module_id, metric_id, period_type, period_start, value"
# Distinct cell texts remembered per column; a column of all-different texts is not cached forever.
CACHE_LIMIT = 50_000


@dataclass
class ChangeSample:
    """One row a preview shows: what an import would create or change."""

    line: int
    county: str
    service_area: str
    module: str
    metric: str
    period_type: str
    period_start: datetime.date
    old_value: int | None
    new_value: int

    @property
    def period(self) -> str:
        """The period as a file names it: 2024-W05 or 2024-05."""
        return period_label(self.period_type, self.period_start)


@dataclass
class UsageImportResult:
    batch: ImportBatch
    dry_run: bool
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    error_count: int = 0
    changes: list[ChangeSample] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def import_limits() -> ImportLimits:
    """The limits of one import, from the settings (README, "Configuration")."""
    return ImportLimits(
        max_bytes=round(settings.USAGE_IMPORT_MAX_UPLOAD_MB * 1024 * 1024),
        max_rows=settings.USAGE_IMPORT_MAX_ROWS,
        max_columns=settings.USAGE_IMPORT_MAX_COLUMNS,
    )


class _Rollback(Exception):
    """Leave the import's transaction without writing anything."""


def usage_import(
    *,
    file,
    user=None,
    dry_run: bool = False,
    file_name: str | None = None,
    sample_size: int = 0,
    progress: Callable[[int], None] | None = None,
) -> UsageImportResult:
    """Validate a usage statistics file and, unless `dry_run` or invalid, write all of it in one transaction.

    `file` is a path or a binary file object (an upload). `user` None means a trusted
    caller (the management command); otherwise the user needs the import permission
    and may import only the counties they edit. `sample_size` rows to create or change
    are returned for a preview. Raises PermissionDenied, and OSError when a path
    cannot be opened; every other problem, an unexpected one included, is in
    `result.errors` and in a rejected batch.
    """
    _permission_check(user)
    started = time.monotonic()
    with _binary_stream(file) as (stream, default_name):
        name = _batch_file_name(file_name or default_name)
        importer = _Importer(user=user, progress=progress, limits=import_limits())
        info = importer.inspect(stream, name)
        result = importer.run(stream, info, dry_run=dry_run, file_name=name, sample_size=sample_size)
    result.batch.duration_seconds = round(time.monotonic() - started, 3)
    result.batch.save(update_fields=["duration_seconds"])
    return result


def usage_upload_too_large(*, user, file_name: str) -> UsageImportResult:
    """Record an upload refused for its size before it was read whole (the admin's upload handler)."""
    _permission_check(user)
    importer = _Importer(user=user, progress=None, limits=import_limits())
    importer.issue(file_too_large(importer.limits))
    return importer.run(None, None, dry_run=True, file_name=_batch_file_name(file_name), sample_size=0)


def _permission_check(user):
    if user is not None and not user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied(NO_IMPORT_PERMISSION)


def _batch_file_name(name) -> str:
    return Path(name or "upload").name[:255]


@contextlib.contextmanager
def _binary_stream(file):
    """A seekable binary stream of a path, an uploaded file or any binary file object."""
    if isinstance(file, (str, os.PathLike)):
        with open(file, "rb") as stream:
            yield stream, os.fspath(file)
        return
    name = getattr(file, "name", None)
    stream = file
    # Django's File and UploadedFile wrap the real stream (BytesIO or a temporary file).
    while hasattr(stream, "file"):
        stream = stream.file
    yield stream, name


class _Importer:
    def __init__(self, *, user, progress, limits: ImportLimits):
        self.user = user
        self.progress = progress
        self.limits = limits
        self.allowed_county_ids = None if user is None or user.is_superuser else editable_county_ids(user)
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

    def unexpected(self, file_name):
        """Report an exception nobody foresaw as a whole-file error, and log it with its traceback."""
        logger.exception("Unexpected error while importing usage statistics from %r", file_name)
        self.issue(ImportIssue(None, None, str(UNEXPECTED_ERROR)))

    # --- orchestration ----------------------------------------------------------------

    def inspect(self, stream, file_name):
        """The file's checksum, kind and encoding; None when it cannot be imported at all."""
        try:
            return inspect_file(stream, self.limits)
        except UnreadableFile as exc:
            self.issue(exc.issue)
        except Exception:
            self.unexpected(file_name)
        return None

    def run(self, stream, info, *, dry_run, file_name, sample_size) -> UsageImportResult:
        batch_fields = {"user": self.user, "file_name": file_name, "sha256": info.sha256 if info else ""}
        result = UsageImportResult(batch=None, dry_run=dry_run)
        if info is not None:
            try:
                with transaction.atomic():
                    self._load_and_write(stream, info, result, batch_fields, dry_run, sample_size)
            except _Rollback:
                pass
            except IntegrityError:
                # The foreign keys are checked at commit: a county, content or metric was
                # deleted while the file was being imported.
                self.issue(ImportIssue(None, None, str(WRITE_CONFLICT)))
                result.batch = None
            except Exception:
                self.unexpected(file_name)
                result.batch = None
        result.rows_read = self.rows_read
        result.errors = self.errors
        result.error_count = self.error_count
        if result.batch is None:
            outcome = ImportOutcome.DRY_RUN if dry_run and not self.error_count else ImportOutcome.REJECTED
            result.batch = ImportBatch.objects.create(**batch_fields, **self._batch_counts(result), outcome=outcome)
        if not result.ok:
            result.created = result.updated = result.unchanged = 0
            result.changes = []
        return result

    def _batch_counts(self, result):
        return {
            "rows_read": self.rows_read,
            "rows_created": result.created,
            "rows_updated": result.updated,
            "rows_unchanged": result.unchanged,
            "rows_rejected": self.rejected_rows,
            "errors": self._stored_errors(),
        }

    def _stored_errors(self) -> list[list]:
        """The reported errors as the batch keeps them, and how many more there were."""
        errors = [list(issue) for issue in self.errors]
        unlisted = self.error_count - len(self.errors)
        if unlisted:
            errors.append([None, None, MORE_ERRORS % {"count": unlisted}])
        return errors

    def _load_and_write(self, stream, info, result, batch_fields, dry_run, sample_size):
        staging = _staging_for(connection)
        self.references = _References.load(date_as_text=staging.date_as_text)
        limits = self.limits
        records = xlsx_records(stream, limits) if info.kind == "xlsx" else csv_records(stream, info.encoding, limits)
        staging.create()
        try:
            header_cells = next(records, None)
            header = None
            if header_cells is not None:
                header, issues = header_read(header_cells, max_columns=limits.max_columns)
                for issue in issues:
                    self.issue(issue)
            if header is not None:
                staging.load(self._valid_rows(header, records))
                if not self.rows_read and not self.error_count:
                    self.issue(ImportIssue(2, None, str(FILE_NO_DATA_ROWS)))
            elif header_cells is None:
                self.issue(ImportIssue(None, None, str(FILE_EMPTY)))
        except UnreadableFile as exc:
            self.issue(exc.issue)
        finally:
            # While the stream is still open: a reader left half-way lets go of it now.
            records.close()
        if self.error_count:
            raise _Rollback
        staging.analyze()
        if sample_size:
            result.changes = self._sample(staging, sample_size)
        if dry_run:
            result.created, result.updated = staging.count_changes()
            result.unchanged = self.rows_read - result.created - result.updated
            raise _Rollback
        result.batch = ImportBatch.objects.create(**batch_fields, outcome=ImportOutcome.APPLIED)
        result.created, result.updated = staging.write(result.batch.pk)
        result.unchanged = self.rows_read - result.created - result.updated
        staging.drop()
        for name, value in self._batch_counts(result).items():
            setattr(result.batch, name, value)
        result.batch.save()

    def _sample(self, staging, size) -> list[ChangeSample]:
        refs = self.references
        return [
            ChangeSample(
                line=line,
                county=refs.county_codes.get(county_id, ""),
                service_area=refs.area_codes.get(area_id, "") if area_id else "",
                module=refs.module_codes.get(module_id, ""),
                metric=refs.metric_codes.get(metric_id, ""),
                period_type=period_type,
                period_start=period_start if isinstance(period_start, datetime.date) else date_parse(period_start),
                old_value=old_value,
                new_value=new_value,
            )
            for line, county_id, area_id, module_id, metric_id, period_type, period_start, new_value, old_value in (
                staging.sample(size)
            )
        ]

    # --- validation: the hot loop -------------------------------------------------------

    def _valid_rows(self, header: Header, records: Iterator[list[str]]) -> Iterator[tuple]:
        """Check every record; yield staging tuples while the file has no error so far."""
        refs = self.references
        columns = header.indexes
        ci, mi, ki, ti, pi, vi = (
            columns[name] for name in ("county", "module", "metric", "period_type", "period", "value")
        )
        si = columns.get("service_area")
        width = header.width
        ignored = header.ignored
        county_get = refs.county_cache.get
        module_get = refs.module_cache.get
        metric_get = refs.metric_cache.get
        type_get = refs.period_type_cache.get
        area_get = refs.area_cache.get
        period_gets = (refs.period_caches[0].get, refs.period_caches[1].get)
        type_names = PERIOD_TYPES
        area_shift, module_shift, metric_shift = refs.key_shifts
        seen = {}
        seen_setdefault = seen.setdefault
        progress = self.progress
        rows_read = 0
        try:
            for line, cells in enumerate(records, start=2):
                if len(cells) != width or ignored:
                    cells = self._fit(line, cells, width, ignored)
                    if cells is None:
                        continue
                errors_before = self.error_count
                raw = cells[ci]
                county = county_get(raw)
                if county is None:
                    if not "".join(cells).strip():
                        continue
                    county = self._resolve_county(line, ci, raw, header)
                raw = cells[mi]
                module = module_get(raw)
                if module is None:
                    module = self._resolve(line, mi, raw, header, "module")
                raw = cells[ki]
                metric = metric_get(raw)
                if metric is None:
                    metric = self._resolve(line, ki, raw, header, "metric")
                raw = cells[ti]
                period_type = type_get(raw)
                if period_type is None:
                    period_type = self._resolve_period_type(line, ti, raw, header)
                area = 0
                if si is not None:
                    raw = cells[si]
                    if raw and county is not None:
                        area = area_get((county, raw))
                        if area is None:
                            area = self._resolve_area(line, si, raw, county)
                raw = cells[pi]
                period = None
                if period_type is not None:
                    period = period_gets[period_type](raw)
                    if period is None:
                        period = self._resolve_period(line, pi, raw, period_type, header)
                raw = cells[vi]
                if raw.isdigit() and raw.isascii() and len(raw) < 19:
                    value = int(raw)
                else:
                    value = self._resolve_value(line, vi, raw, header)
                rows_read += 1
                if progress is not None and not rows_read % PROGRESS_EVERY:
                    progress(rows_read)
                if self.error_count != errors_before:
                    self.rejected_rows += 1
                    continue
                ordinal, period_start = period
                key = (county << area_shift | area) << module_shift | module
                key = ((key << metric_shift | metric) << 1 | period_type) << 22 | ordinal
                first_line = seen_setdefault(key, line)
                if first_line != line:
                    self.rejected_rows += 1
                    self.error(line, None, DUPLICATE_ROW.format(line=first_line))
                    continue
                if not self.error_count:
                    yield (
                        line,
                        county,
                        area or None,
                        module,
                        metric,
                        type_names[period_type],
                        period_start,
                        value,
                    )
        finally:
            # Also when the file is refused half-way: the batch tells how far it was read.
            self.rows_read = rows_read
        if progress is not None:
            progress(rows_read)

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

    def _missing(self, line, index, header, name):
        self.error(line, index, MISSING_CELL.format(column=header.labels[name]))

    def _resolve_county(self, line, index, raw, header):
        refs = self.references
        if self._failed_before(line, index, "county", raw):
            return None
        text = normalise(raw)
        if not text:
            self._missing(line, index, header, "county")
            return None
        county = refs.counties.get(text)
        if county is None:
            self._fail(line, index, "county", raw, _unknown(UNKNOWN_COUNTY, raw, refs.county_hints, text))
            return None
        if self.allowed_county_ids is not None and county not in self.allowed_county_ids:
            self._fail(line, index, "county", raw, FOREIGN_COUNTY.format(county=refs.county_codes[county]))
            return None
        _remember(refs.county_cache, raw, county)
        return county

    def _resolve(self, line, index, raw, header, name):
        refs = self.references
        if self._failed_before(line, index, name, raw):
            return None
        text = normalise(raw)
        if not text:
            self._missing(line, index, header, name)
            return None
        lookup, hints, cache, message = {
            "module": (refs.modules, refs.module_hints, refs.module_cache, UNKNOWN_MODULE),
            "metric": (refs.metrics, refs.metric_hints, refs.metric_cache, UNKNOWN_METRIC),
        }[name]
        pk = lookup.get(text)
        if pk is None:
            self._fail(line, index, name, raw, _unknown(message, raw, hints, text))
            return None
        _remember(cache, raw, pk)
        return pk

    def _resolve_period_type(self, line, index, raw, header):
        text = normalise(raw)
        if not text:
            self._missing(line, index, header, "period_type")
            return None
        period_type = period_type_parse(text)
        if period_type is None:
            self.error(line, index, UNKNOWN_PERIOD_TYPE.format(value=quoted(raw.strip())))
            return None
        _remember(self.references.period_type_cache, raw, period_type)
        return period_type

    def _resolve_area(self, line, index, raw, county):
        refs = self.references
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
        _remember(refs.area_cache, (county, raw), area)
        return area

    def _resolve_period(self, line, index, raw, period_type, header):
        if not raw.strip():
            self._missing(line, index, header, "period")
            return None
        if self._failed_before(line, index, ("period", period_type), raw):
            return None
        day = period_parse(raw, period_type)
        if isinstance(day, str):
            self._fail(line, index, ("period", period_type), raw, day)
            return None
        period = (day.toordinal(), day.isoformat() if self.references.date_as_text else day)
        _remember(self.references.period_caches[period_type], raw, period)
        return period

    def _resolve_value(self, line, index, raw, header):
        if not raw.strip():
            self._missing(line, index, header, "value")
            return None
        value = value_parse(raw)
        if isinstance(value, str):
            self.error(line, index, value)
            return None
        return value

    def _failed_before(self, line, index, kind, key) -> bool:
        """Report the error this cell text already had, if any, without working it out again."""
        message = self.references.failures.get((kind, key))
        if message is None:
            return False
        self.error(line, index, message)
        return True

    def _fail(self, line, index, kind, key, message):
        message = str(message)
        _remember(self.references.failures, (kind, key), message)
        self.error(line, index, message)


def _remember(cache, key, value):
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _unknown(message, raw, hints, text) -> str:
    return _with_hint(message.format(value=quoted(raw.strip())), hints, text)


def _with_hint(message, hints: dict[str, str], text: str) -> str:
    """The message, followed by the closest known code when one is close enough."""
    message = str(message)
    match = closest(text, hints)
    if match is not None:
        message += " " + str(CLOSEST_CODE_HINT).format(code=hints[match])
    return message


class _References:
    """Codes and names of counties, service areas, contents and metrics, loaded once an import."""

    def __init__(self, *, date_as_text):
        self.date_as_text = date_as_text
        self.counties, self.county_hints, self.county_codes = {}, {}, {}
        self.modules, self.module_hints, self.module_codes = {}, {}, {}
        self.metrics, self.metric_hints, self.metric_codes = {}, {}, {}
        self.areas, self.area_codes = {}, {}
        # Caches of raw cell text → resolved value, filled by the slow paths.
        self.county_cache, self.module_cache, self.metric_cache = {}, {}, {}
        self.period_type_cache, self.area_cache = {}, {}
        self.period_caches = ({}, {})
        # (column, raw cell text) → error message, so that a wrong code repeated on every
        # row is looked up (and its closest code found) once.
        self.failures = {}

    @classmethod
    def load(cls, *, date_as_text) -> "_References":
        refs = cls(date_as_text=date_as_text)
        for pk, code, name_fi, name_sv in WellbeingCounty.objects.values_list("pk", "code", "name_fi", "name_sv"):
            refs.county_codes[pk] = code
            for text in (name_fi, name_sv, code):
                if text:
                    refs.counties[normalise(text)] = pk
                    refs.county_hints[normalise(text)] = code
        for pk, code, name_fi in ContentModule.objects.values_list("pk", "code", "name_fi"):
            refs.module_codes[pk] = code
            for text in (name_fi, code):
                refs.modules[normalise(text)] = pk
                refs.module_hints[normalise(text)] = code
        for pk, code in Metric.objects.values_list("pk", "code"):
            refs.metric_codes[pk] = code
            refs.metrics[normalise(code)] = pk
            refs.metric_hints[normalise(code)] = code
        for pk, county_id, code, name_fi in ServiceArea.objects.values_list("pk", "county_id", "code", "name_fi"):
            refs.area_codes[pk] = code
            refs.areas.setdefault((county_id, normalise(name_fi)), pk)
            refs.areas[(county_id, normalise(code))] = pk
        # Widths of the packed duplicate-detection key: bits of the largest primary keys.
        refs.key_shifts = tuple(
            (max(codes, default=0) + 1).bit_length()
            for codes in (refs.area_codes, refs.module_codes, refs.metric_codes)
        )
        return refs


# --- the staging table and the set-based write ---------------------------------------------


def _staging_for(conn) -> "_Staging":
    return _PostgresStaging(conn) if conn.vendor == "postgresql" else _SqliteStaging(conn)


def _key_match(with_area: bool) -> str:
    """Join condition of a target row t and a staging row s, for one of the two partial unique indexes."""
    condition = (
        "t.county_id = s.county_id AND t.module_id = s.module_id AND t.metric_id = s.metric_id"
        " AND t.period_type = s.period_type AND t.period_start = s.period_start"
    )
    if with_area:
        return f"s.service_area_id IS NOT NULL AND t.service_area_id = s.service_area_id AND {condition}"
    return f"s.service_area_id IS NULL AND t.service_area_id IS NULL AND {condition}"


def _area_filter(with_area: bool) -> str:
    return "s.service_area_id IS NOT NULL" if with_area else "s.service_area_id IS NULL"


class _Staging:
    """The temporary table the rows stream into, and the statements that apply it.

    Every SQL text here is built from constants (table and column names); values are
    parameters.
    """

    date_as_text = False
    create_sql = ""

    def __init__(self, conn):
        self.conn = conn
        self.table = UsageStatistic._meta.db_table

    def execute(self, sql, params=()):
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def fetch(self, sql, params=()):
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def create(self):
        self.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")
        self.execute(self.create_sql)

    def drop(self):
        self.execute(f"DROP TABLE IF EXISTS {STAGING_TABLE}")

    def analyze(self):
        pass

    def load(self, rows: Iterable[tuple]):
        raise NotImplementedError

    def lock(self):
        pass

    def write(self, batch_id) -> tuple[int, int]:
        """Update the changed values, insert the new keys; returns (created, updated)."""
        self.lock()
        table = self.table
        updated = created = 0
        for with_area in (False, True):
            updated += self.execute(
                f"UPDATE {table} AS t SET value = s.value, import_batch_id = %s"  # noqa: S608 (identifiers are constants)
                f" FROM {STAGING_TABLE} AS s WHERE {_key_match(with_area)} AND t.value <> s.value",
                [batch_id],
            )
        for with_area in (False, True):
            created += self.execute(
                f"INSERT INTO {table}"  # noqa: S608 (identifiers are constants)
                " (county_id, service_area_id, module_id, metric_id, period_type, period_start, value, import_batch_id)"
                " SELECT s.county_id, s.service_area_id, s.module_id, s.metric_id, s.period_type, s.period_start,"
                f" s.value, %s FROM {STAGING_TABLE} AS s WHERE {_area_filter(with_area)}"
                f" {self.insert_new_only(with_area)}",
                [batch_id],
            )
        self.after_write(created + updated)
        return created, updated

    def insert_new_only(self, with_area: bool) -> str:
        """The end of the INSERT … SELECT that skips the keys already stored."""
        return f"AND NOT EXISTS (SELECT 1 FROM {self.table} AS t WHERE {_key_match(with_area)})"  # noqa: S608

    def after_write(self, rows_written: int):
        pass

    def count_changes(self) -> tuple[int, int]:
        """(created, updated) that `write` would report, without writing."""
        table = self.table
        created = updated = 0
        for with_area in (False, True):
            updated += self.fetch(
                f"SELECT COUNT(*) FROM {STAGING_TABLE} AS s JOIN {table} AS t"  # noqa: S608 (identifiers are constants)
                f" ON {_key_match(with_area)} WHERE t.value <> s.value"
            )[0][0]
            created += self.fetch(
                f"SELECT COUNT(*) FROM {STAGING_TABLE} AS s WHERE {_area_filter(with_area)}"  # noqa: S608 (identifiers are constants)
                f" AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {_key_match(with_area)})"
            )[0][0]
        return created, updated

    def sample(self, size) -> list[tuple]:
        """Up to `size` new and `size` changed rows, in file order: staging columns plus the stored value."""
        table = self.table
        rows = []
        for with_area in (False, True):
            rows += self.fetch(
                f"SELECT s.{', s.'.join(STAGING_COLUMNS.split(', '))}, t.value FROM {STAGING_TABLE} AS s"  # noqa: S608 (identifiers are constants)
                f" JOIN {table} AS t ON {_key_match(with_area)} WHERE t.value <> s.value LIMIT %s",
                [size],
            )
            rows += self.fetch(
                f"SELECT s.{', s.'.join(STAGING_COLUMNS.split(', '))}, NULL FROM {STAGING_TABLE} AS s"  # noqa: S608 (identifiers are constants)
                f" WHERE {_area_filter(with_area)}"
                f" AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {_key_match(with_area)}) LIMIT %s",
                [size],
            )
        return sorted(rows)[: 2 * size]


class _PostgresStaging(_Staging):
    create_sql = (
        f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, county_id bigint, service_area_id bigint,"
        " module_id bigint, metric_id bigint, period_type varchar(5), period_start date, value bigint)"
        " ON COMMIT DROP"
    )

    def load(self, rows):
        with (
            self.conn.cursor() as cursor,
            cursor.copy(f"COPY {STAGING_TABLE} ({STAGING_COLUMNS}) FROM STDIN") as copy,
        ):
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def analyze(self):
        self.execute(f"ANALYZE {STAGING_TABLE}")

    def lock(self):
        # One import writes at a time: two concurrent ones could both find a key missing.
        # Readers are not blocked.
        self.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")

    def insert_new_only(self, with_area: bool) -> str:
        # Not an anti-join of the table being inserted into: with stale statistics the
        # planner may pick a nested loop that rescans the growing table for every row.
        # The arbiter is the partial unique index, named by its columns and predicate.
        if with_area:
            return (
                "ON CONFLICT (county_id, service_area_id, module_id, metric_id, period_type, period_start)"
                " WHERE service_area_id IS NOT NULL DO NOTHING"
            )
        return (
            "ON CONFLICT (county_id, module_id, metric_id, period_type, period_start)"
            " WHERE service_area_id IS NULL DO NOTHING"
        )

    def after_write(self, rows_written: int):
        # Keep the planner's row estimates true for the next import's joins, rather than
        # waiting for autovacuum after a bulk load.
        if rows_written >= ANALYZE_AFTER_ROWS:
            self.execute(f"ANALYZE {self.table}")


class _SqliteStaging(_Staging):
    date_as_text = True
    create_sql = (
        f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, county_id integer, service_area_id integer,"
        " module_id integer, metric_id integer, period_type text, period_start text, value integer)"
    )

    def load(self, rows):
        self.conn.ensure_connection()
        self.conn.connection.executemany(
            f"INSERT INTO {STAGING_TABLE} ({STAGING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            rows,
        )
