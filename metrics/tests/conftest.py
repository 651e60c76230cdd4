import pytest

from metrics.tests.factories import import_reference_data


@pytest.fixture
def refs(db):
    """Two counties (14 with a service area, 08), two contents and two metrics, as the import tests use them."""
    return import_reference_data()
