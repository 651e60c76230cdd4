"""Fixtures for every test directory."""

import os
from collections import Counter

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


def pytest_collection_modifyitems(config, items):
    """Within each test module, run the tests that use data seeded once for the module last.

    Such data stays until the module ends (tests/conftest.py `rolled_back_after_module`), so a test
    that expects an empty database must run before it is seeded.
    """
    # schemathesis gives each endpoint's item the test function's node id; pytest-xdist schedules by
    # node id, so all but one would be dropped. Each gets the id its name already spells out.
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            item._id = item.parent.id.child(item.name)
    module_order = {}
    for item in items:
        module_order.setdefault(item.module.__name__ if item.module else "", len(module_order))
    items.sort(
        key=lambda item: (
            module_order[item.module.__name__ if item.module else ""],
            bool(SHARED_MODULE_DATA.intersection(item.fixturenames)),
        )
    )
