import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(db):
    """The shipped reference data and the demo content, as `make run` loads them."""
    call_command("load_reference_data", verbosity=0)
    call_command("seed_demo", "--no-users", verbosity=0)
