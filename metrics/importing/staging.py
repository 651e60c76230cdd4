"""The staging table an import streams its valid rows into, and the set-based statements that apply it.

Valid rows stream as compact tuples into a temporary table (PostgreSQL: psycopg
``COPY``; SQLite: ``executemany``) while the file is still being read, so the database
works in parallel with the parsing and the rows never pile up in memory. The write is
two set-based statements per kind of key (with and without a service area, matching the
two partial unique indexes): ``UPDATE … FROM staging`` for the values that changed, then
``INSERT … SELECT`` of the keys not stored yet (SQLite: ``WHERE NOT EXISTS``;
PostgreSQL: ``ON CONFLICT … DO NOTHING`` on the partial index). Unchanged rows are never
written, and the statements' row counts are the exact created and updated figures.
"""

from collections.abc import Iterable

from django.conf import settings

from metrics.models import UsageStatistic, figure_value

STAGING_TABLE = "usage_import_staging"
STAGING_COLUMNS = "line, county_id, service_area_id, module_id, metric_id, period_type, period_start, value, responses"
ANALYZE_AFTER_ROWS = 10_000


def staging_for(conn) -> "Staging":
    """The staging table of the connection's database."""
    return PostgresStaging(conn) if conn.vendor == "postgresql" else SqliteStaging(conn)


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


class Staging:
    """The temporary table the rows stream into, and the statements that apply it.

    Every SQL text here is built from constants (table and column names); values are
    parameters.
    """

    date_as_text = False
    # `{value_type}` is the stored value column's own type, so that staged values compare exactly (4.30 = 4.3).
    create_sql = ""

    def __init__(self, conn):
        self.conn = conn
        self.table = UsageStatistic._meta.db_table
        # A file without a responses column leaves the stored responses as they are.
        self.with_responses = False

    def _changed(self) -> str:
        """Condition of a stored row t that the staging row s changes."""
        if self.with_responses:
            return "(t.value <> s.value OR t.responses IS DISTINCT FROM s.responses)"
        return "t.value <> s.value"

    def _set_responses(self) -> str:
        return ", responses = s.responses" if self.with_responses else ""

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
        value_type = UsageStatistic._meta.get_field("value").db_type(self.conn)
        self.execute(self.create_sql.format(value_type=value_type))

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
                f"UPDATE {table} AS t SET value = s.value{self._set_responses()}, import_batch_id = %s"  # noqa: S608 (identifiers are constants)
                f" FROM {STAGING_TABLE} AS s WHERE {_key_match(with_area)} AND {self._changed()}",
                [batch_id],
            )
        for with_area in (False, True):
            created += self.execute(
                f"INSERT INTO {table}"  # noqa: S608 (identifiers are constants)
                " (county_id, service_area_id, module_id, metric_id, period_type, period_start, value, responses,"
                " import_batch_id)"
                " SELECT s.county_id, s.service_area_id, s.module_id, s.metric_id, s.period_type, s.period_start,"
                f" s.value, s.responses, %s FROM {STAGING_TABLE} AS s WHERE {_area_filter(with_area)}"
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
                f" ON {_key_match(with_area)} WHERE {self._changed()}"
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
                f" JOIN {table} AS t ON {_key_match(with_area)} WHERE {self._changed()} LIMIT %s",
                [size],
            )
            rows += self.fetch(
                f"SELECT s.{', s.'.join(STAGING_COLUMNS.split(', '))}, NULL FROM {STAGING_TABLE} AS s"  # noqa: S608 (identifiers are constants)
                f" WHERE {_area_filter(with_area)}"
                f" AND NOT EXISTS (SELECT 1 FROM {table} AS t WHERE {_key_match(with_area)}) LIMIT %s",
                [size],
            )
        return [(*row[:7], figure_value(row[7]), row[8], figure_value(row[9])) for row in sorted(rows)[: 2 * size]]


class PostgresStaging(Staging):
    create_sql = (
        f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, county_id bigint, service_area_id bigint,"
        " module_id bigint, metric_id bigint, period_type varchar(5), period_start date, value {value_type},"
        " responses integer)"
        " ON COMMIT DROP"
    )

    def create(self):
        # COPY runs as long as the file takes to read; the site-wide statement timeout is
        # meant for page queries. SET LOCAL ends with the import's transaction.
        self.execute(f"SET LOCAL statement_timeout = {int(settings.USAGE_IMPORT_STATEMENT_TIMEOUT_MS)}")
        super().create()

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


class SqliteStaging(Staging):
    date_as_text = True
    create_sql = (
        f"CREATE TEMPORARY TABLE {STAGING_TABLE} (line integer, county_id integer, service_area_id integer,"
        " module_id integer, metric_id integer, period_type text, period_start text, value {value_type},"
        " responses integer)"
    )

    def load(self, rows):
        self.conn.ensure_connection()
        self.conn.connection.executemany(
            f"INSERT INTO {STAGING_TABLE} ({STAGING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
            rows,
        )
