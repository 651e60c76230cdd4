"""A pytest plugin for `make mutation` only: each session starts as in a fresh process.

mutmut runs several pytest sessions in its main process (stats, clean run) and forks one child
per mutant from it, each child starting one more session. What one session leaves in the
process must not decide the next one's result (a false kill or a false survival):

- The SQLite test database: the root conftest.py names it after the process, so no two
  children share a file. Migrating a new file for every mutant would cost more than the tests,
  so with `--reuse-db` the main process keeps its migrated database between its sessions, and
  a child starts from a copy of it under its own name, which it deletes when its session ends.
- factory_boy's sequences: they would go on counting from the earlier sessions ("Metric 165"
  where a fresh run has "Metric 1"); every factory starts again from its first value.
"""

import os
import shutil

import factory
from django.conf import settings


def _test_database(pid: int):
    return settings.BASE_DIR / f".test-db-{pid}.sqlite3"


def _factories(root=factory.base.Factory):
    for subclass in root.__subclasses__():
        yield subclass
        yield from _factories(subclass)


def pytest_sessionstart(session):
    for factory_class in _factories():
        if not factory_class._meta.abstract:
            factory_class.reset_sequence(force=True)
    own, parent = _test_database(os.getpid()), _test_database(os.getppid())
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and parent.exists() and not own.exists():
        shutil.copyfile(parent, own)
        session.config._mutation_database_copy = own


def pytest_sessionfinish(session):
    copy = getattr(session.config, "_mutation_database_copy", None)
    if copy is not None:
        copy.unlink(missing_ok=True)
