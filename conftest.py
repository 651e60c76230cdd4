"""Fixtures for every test directory."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a page cached by an earlier test (whose rows were
    rolled back without a signal) must not answer the next one."""
    cache.clear()
    yield
