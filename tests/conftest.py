from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import transaction


@contextmanager
def rolled_back_after_module(django_db_blocker):
    """Rows written once for a test module, inside a transaction rolled back when the module ends.

    Each test still runs in its own savepoint (pytest-django's `db`), so what a test writes is gone
    before the next one starts; what is built here is shared and must be treated as read-only in memory.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def _demo_rows(django_db_setup, django_db_blocker):
    with rolled_back_after_module(django_db_blocker):
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", "--no-users", verbosity=0)
        yield


@pytest.fixture
def demo_data(_demo_rows, db):
    """The shipped reference data and the demo content, as `make run` loads them (seeded once per module)."""
