"""A pytest plugin for `make mutation` only: each mutant's run starts from a migrated database.

mutmut forks one child per mutant from its main process, and each child starts a new pytest
session. The root conftest.py names the SQLite test database after the process, so no two
children share a file (a shared file gives false kills and false survivals); but a new file
would be created and migrated for every mutant, which costs more than the tests. With
`--reuse-db` the main process keeps its migrated database between its sessions, and a child
starts from a copy of it under its own name, which it deletes when its session ends.
"""

import os
import shutil

from django.conf import settings


def _test_database(pid: int):
    return settings.BASE_DIR / f".test-db-{pid}.sqlite3"


def pytest_sessionstart(session):
    own, parent = _test_database(os.getpid()), _test_database(os.getppid())
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and parent.exists() and not own.exists():
        shutil.copyfile(parent, own)
        session.config._mutation_database_copy = own


def pytest_sessionfinish(session):
    copy = getattr(session.config, "_mutation_database_copy", None)
    if copy is not None:
        copy.unlink(missing_ok=True)
