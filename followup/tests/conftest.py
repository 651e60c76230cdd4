import pytest

from metrics.tests.factories import import_reference_data


@pytest.fixture
def refs(db):
    """Counties 14 (with an oral health service area) and 08, two contents, two metrics."""
    return import_reference_data()
