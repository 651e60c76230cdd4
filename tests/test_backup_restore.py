"""The backup of docs/operations.md restores: pg_dump's custom format into a fresh database holds everything.

A populated database (the reference and demo data: published guides with their versions,
review log and history, a revision in review, rollouts and a year of usage statistics, plus a
guide published twice here) is dumped with `pg_dump --format=custom` and restored with
`pg_restore` into a new, empty database. Every table then has the same rows in both (counted,
and compared row by row through a checksum), every sequence goes on from the same number,
and the published versions, the history and the statistics read the same. `make restore-check`
runs this file. PostgreSQL only: SQLite, the development database, is backed up by copying its file.
"""

import os
import shutil
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from processes.models import ProcessDescription, PublicationStatus
from processes.services import process_publish, process_revision_start, process_submit

# The client tools by their full paths: Debian's postgresql-client installs them in /usr/bin.
TOOLS = {name: shutil.which(name) for name in ("pg_dump", "pg_restore", "createdb", "dropdb")}

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore back up PostgreSQL; a SQLite development database is backed up as a file",
    ),
    pytest.mark.skipif(
        not all(TOOLS.values()),
        reason="pg_dump, pg_restore, createdb and dropdb (Debian: postgresql-client) are not all installed",
    ),
]

TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name
"""
SEQUENCES = "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"


def _client_environment(settings_dict) -> dict:
    """PG* variables for the client tools, from the Django connection's settings."""
    environment = {**os.environ, "PGUSER": settings_dict["USER"] or "postgres"}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _connect(settings_dict, name):
    return psycopg.connect(
        dbname=name,
        user=settings_dict["USER"] or "postgres",
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        password=settings_dict["PASSWORD"] or None,
        autocommit=True,
    )


def database_contents(settings_dict, name) -> dict:
    """Every table's row count and a checksum of its rows, and every sequence's last value."""
    with _connect(settings_dict, name) as database, database.cursor() as cursor:
        tables = [row[0] for row in cursor.execute(TABLES).fetchall()]
        contents = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(row_text, '|' ORDER BY row_text), '')) "
                "FROM (SELECT t::text AS row_text FROM {} AS t) AS rows"
            ).format(sql.Identifier(table))
            contents[table] = cursor.execute(query).fetchone()
        sequences = dict(cursor.execute(SEQUENCES).fetchall())
    return {"tables": contents, "sequences": sequences}


def _rows(settings_dict, name, query) -> list:
    with _connect(settings_dict, name) as database, database.cursor() as cursor:
        return cursor.execute(query).fetchall()


@pytest.fixture
def populated_database(db, django_user_model):
    """The reference and demo data, and North Karelia's guide revised and published a second time."""
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", "--no-users", verbosity=0)
    guide = ProcessDescription.objects.get(county__code="14")
    publisher = django_user_model.objects.create_superuser("varmuuskopioija", password="x")
    process_revision_start(process=guide, user=publisher)
    guide.refresh_from_db()
    guide.summary = "Toinen julkaistu versio."
    guide._history_user = publisher
    guide.save()
    process_submit(process=guide, user=publisher)
    process_publish(process=guide, user=publisher)
    assert guide.published_versions.count() >= 2
    assert ProcessDescription.objects.filter(status=PublicationStatus.IN_REVIEW).exists()


@pytest.fixture
def restored_database():
    """The name of a fresh database to restore into, dropped afterwards."""
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME'].removeprefix('test_')}_restore_check"
    environment = _client_environment(settings_dict)
    subprocess.run([TOOLS["dropdb"], "--if-exists", name], env=environment, check=True)
    subprocess.run([TOOLS["createdb"], "--template=template0", name], env=environment, check=True)
    yield name
    subprocess.run([TOOLS["dropdb"], "--if-exists", "--force", name], env=environment, check=True)


def test_a_custom_format_dump_restores_into_a_fresh_database_with_everything(
    populated_database, restored_database, tmp_path
):
    settings_dict = connection.settings_dict
    source = settings_dict["NAME"]
    environment = _client_environment(settings_dict)
    dump = tmp_path / "omaolo.dump"

    subprocess.run([TOOLS["pg_dump"], "--format=custom", f"--file={dump}", source], env=environment, check=True)
    subprocess.run(
        [TOOLS["pg_restore"], "--no-owner", "--exit-on-error", f"--dbname={restored_database}", str(dump)],
        env=environment,
        check=True,
    )

    before, after = database_contents(settings_dict, source), database_contents(settings_dict, restored_database)
    assert after == before
    counts = {table: count for table, (count, _checksum) in before["tables"].items()}
    assert counts["processes_publishedversion"] >= 3
    assert counts["processes_publicationtransition"] >= 6
    assert counts["processes_historicalprocessdescription"] >= 5
    assert counts["processes_historicalstep"] > 0
    assert counts["metrics_usagestatistic"] > 1000
    for query in (
        "SELECT id, process_id, published_at, snapshot::text FROM processes_publishedversion ORDER BY id",
        "SELECT history_id, id, history_type, history_user_id, title, status"
        " FROM processes_historicalprocessdescription ORDER BY history_id",
        "SELECT county_id, module_id, metric_id, period_type, sum(value), count(*) FROM metrics_usagestatistic"
        " GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
    ):
        assert _rows(settings_dict, restored_database, query) == _rows(settings_dict, source, query)
