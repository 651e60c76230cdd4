"""Test runs in one tree do not share a database."""

import os
from pathlib import Path

import pytest
from django.db import connection


@pytest.mark.django_db
def test_the_sqlite_test_database_belongs_to_this_test_process():
    if connection.vendor != "sqlite":
        pytest.skip("pytest-django names PostgreSQL test databases (with the xdist worker's suffix)")

    assert Path(connection.settings_dict["NAME"]).name == f".test-db-{os.getpid()}.sqlite3"
