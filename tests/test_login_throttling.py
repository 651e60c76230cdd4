"""Five wrong passwords for one user from one address block that user's login from there for a while."""

import io
from http import HTTPStatus

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from omaolo_portal.cache_backend import forget_outages
from omaolo_portal.lockout import LOCKOUT_MESSAGE, client_ip_address
from tests.redis_stand_in import REDIS_URL, closed_port, fail_soft_cache

pytestmark = pytest.mark.django_db

PASSWORD = "oikea-salasana-2026"
OFFICE = "203.0.113.5"
ELSEWHERE = "198.51.100.7"
LOAD_BALANCER = "10.0.0.2"
LOCKED_OUT_FOR_15_MINUTES = (
    "Too many failed login attempts. Logging in as this user from your address is blocked for 15 minutes."
)
ADMIN_LOGIN_ERROR = "Please enter the correct username and password for a staff account."


@pytest.fixture(autouse=True)
def forget_login_attempts():
    forget_outages()
    yield
    cache.clear()
    forget_outages()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("paijat-hame", password=PASSWORD, is_staff=True)


@pytest.fixture
def other_editor(django_user_model):
    return django_user_model.objects.create_user("pohjois-karjala", password=PASSWORD, is_staff=True)


def log_in(client, username, password, *, address=OFFICE, language="en", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        headers={"accept-language": language, **headers},
    )


def fail_until_locked(client, username, **request):
    return [log_in(client, username, "väärä", **request) for _ in range(settings.AXES_FAILURE_LIMIT)]


def lockout_message(language):
    with translation.override(language):
        return str(LOCKOUT_MESSAGE % {"minutes": 15})


def is_logged_in(client):
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_block_even_the_right_one(client, editor):
    *first_failures, fifth = fail_until_locked(client, editor.username)
    right_password = log_in(client, editor.username, PASSWORD)

    assert settings.AXES_FAILURE_LIMIT == 5
    for failure in first_failures:
        assert failure.status_code == HTTPStatus.OK
        assert ADMIN_LOGIN_ERROR in failure.content.decode()
    assert fifth.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right_password["Retry-After"] == "900"
    assert LOCKED_OUT_FOR_15_MINUTES in right_password.content.decode()
    assert not is_logged_in(client)


def test_another_user_at_the_same_address_still_logs_in(client, editor, other_editor):
    fail_until_locked(client, editor.username)

    response = log_in(client, other_editor.username, PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    assert is_logged_in(client)


def test_the_same_user_from_another_address_still_logs_in(client, editor):
    fail_until_locked(client, editor.username)

    response = log_in(client, editor.username, PASSWORD, address=ELSEWHERE)

    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)


def test_the_lockout_page_speaks_finnish(client, editor):
    fail_until_locked(client, editor.username, language="fi")

    response = log_in(client, editor.username, PASSWORD, language="fi")

    content = response.content.decode()
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Content-Language"] == "fi"
    assert '<html lang="fi"' in content
    assert lockout_message("fi") in content


def test_an_operator_lifts_a_block_before_it_runs_out(client, editor):
    fail_until_locked(client, editor.username)

    call_command("axes_reset_ip_username", OFFICE, editor.username, stdout=io.StringIO())
    response = log_in(client, editor.username, PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert is_logged_in(client)


def test_a_successful_login_forgets_earlier_failures(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, editor.username, "väärä")
    assert log_in(client, editor.username, PASSWORD).status_code == HTTPStatus.FOUND
    client.logout()

    *_failures, last = [log_in(client, editor.username, "väärä") for _ in range(settings.AXES_FAILURE_LIMIT - 1)]

    assert last.status_code == HTTPStatus.OK
    assert ADMIN_LOGIN_ERROR in last.content.decode()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_load_balancer_each_client_address_counts_on_its_own(client, editor):
    fail_until_locked(client, editor.username, address=LOAD_BALANCER, **{"x-forwarded-for": OFFICE})

    blocked = log_in(client, editor.username, PASSWORD, address=LOAD_BALANCER, **{"x-forwarded-for": OFFICE})
    spoofed = log_in(
        client, editor.username, PASSWORD, address=LOAD_BALANCER, **{"x-forwarded-for": f"{ELSEWHERE}, {OFFICE}"}
    )
    another_client = log_in(client, editor.username, PASSWORD, address=LOAD_BALANCER, **{"x-forwarded-for": ELSEWHERE})

    assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert spoofed.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert another_client.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    ("proxy_count", "forwarded_for", "expected"),
    [
        (0, f"{ELSEWHERE}", LOAD_BALANCER),
        (1, f"{ELSEWHERE}, {OFFICE}", OFFICE),
        (2, f"{ELSEWHERE}, {OFFICE}, 10.0.0.9", OFFICE),
        (2, OFFICE, LOAD_BALANCER),
    ],
    ids=["no-proxy-trusted", "one-load-balancer", "cdn-and-load-balancer", "header-shorter-than-the-proxies"],
)
def test_client_address_is_read_only_from_the_trusted_proxies(proxy_count, forwarded_for, expected):
    request = RequestFactory().get("/admin/login/", REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for)

    with override_settings(TRUSTED_PROXY_COUNT=proxy_count):
        assert client_ip_address(request) == expected


def test_attempts_are_counted_in_the_database_never_in_the_cache():
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"


def test_with_redis_down_the_lockout_still_holds(client, editor):
    with closed_port() as port, override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8")):
        *first_failures, fifth = fail_until_locked(client, editor.username)
        right_password = log_in(client, editor.username, PASSWORD)

    assert [failure.status_code for failure in first_failures] == [HTTPStatus.OK] * 4
    assert fifth.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED_OUT_FOR_15_MINUTES in right_password.content.decode()
    assert not is_logged_in(client)


def test_with_redis_up_the_lockout_holds_and_emptying_redis_does_not_lift_it(client, editor, other_editor):
    shared_redis = redis.Redis.from_url(REDIS_URL)
    shared_redis.flushdb()
    try:
        with override_settings(CACHES=fail_soft_cache(REDIS_URL)):
            *_failures, fifth = fail_until_locked(client, editor.username)
            # What an eviction under maxmemory, or a restarted Redis, would do.
            shared_redis.flushdb()
            right_password = log_in(client, editor.username, PASSWORD)
            another_user = log_in(client, other_editor.username, PASSWORD)
    finally:
        shared_redis.flushdb()

    assert fifth.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert LOCKED_OUT_FOR_15_MINUTES in right_password.content.decode()
    assert another_user.status_code == HTTPStatus.FOUND


def test_a_lockout_reached_while_redis_was_down_holds_when_it_is_back(client, editor):
    with closed_port() as port, override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8")):
        fail_until_locked(client, editor.username)
    with override_settings(CACHES=fail_soft_cache(REDIS_URL)):
        right_password = log_in(client, editor.username, PASSWORD)

    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
