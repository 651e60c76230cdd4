"""Fixtures for every test directory."""

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """One SQLite test database per test process, named when its session starts.

    Two runs in one tree, pytest-xdist's workers, or a mutation tool's forked children beside a
    developer's run would otherwise share `.test-db.sqlite3` and see each other's rows.
    """
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["TEST"]["NAME"] = str(settings.BASE_DIR / f".test-db-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page cached by an earlier test (whose rows were
    rolled back without a signal) must not answer the next one."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English leaves English active in the thread."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


SHARED_MODULE_DATA = {"demo_data"}
# Seconds per test file in a recent run (tests/file_durations.py rewrites it). pytest.ini's
# `--no-loadscope-reorder` makes pytest-xdist hand out the files in collection order (by default it
# orders them by their number of tests), so the longest go first and the two processes end
# together; a file missing from the table counts as the longest, since nobody has timed it.
FILE_DURATIONS = Path(__file__).with_name("tests") / "file_durations.json"


def _file_seconds() -> dict[str, float]:
    try:
        return json.loads(FILE_DURATIONS.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def pytest_collection_modifyitems(config, items):
    """Test modules longest first; within each, the tests that use data seeded once for the module last.

    Such data stays until the module ends (tests/conftest.py `rolled_back_after_module`), so a test
    that expects an empty database must run before it is seeded. (tests/e2e/conftest.py then moves
    the browser tests after all others, keeping this order among them.)
    """
    # schemathesis gives each endpoint's item the test function's node id; pytest-xdist schedules by
    # node id, so all but one would be dropped. Each gets the id its name already spells out.
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            item._id = item.parent.id.child(item.name)
    seconds = _file_seconds()
    module_order = {}
    for item in items:
        module_order.setdefault(item.module.__name__ if item.module else "", (len(module_order), item))
    module_order = {
        module: (-seconds.get(item.nodeid.split("::", 1)[0], float("inf")), first)
        for module, (first, item) in module_order.items()
    }
    items.sort(
        key=lambda item: (
            module_order[item.module.__name__ if item.module else ""],
            bool(SHARED_MODULE_DATA.intersection(item.fixturenames)),
        )
    )
