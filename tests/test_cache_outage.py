"""With Redis down or hung the portal serves everything uncached; when Redis is back no stale page is served."""

import logging
import time
from http import HTTPStatus

import pytest
import redis
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from pytest_django.asserts import assertContains

from metrics.tests.factories import import_reference_data
from omaolo_portal.cache_backend import forget_outages
from processes.tests.factories import ContentModuleFactory
from tests.redis_stand_in import DOWN, HUNG, REDIS_URL, TIMEOUT_SECONDS, UP, RedisStandIn, closed_port, fail_soft_cache

STATISTICS = "/en/statistics/?metric=assessments_started&period_type=week"
SERIES = "/api/series?county=14&content=virtsatietulehdus&end=2024-W05&periods=1"
PASSWORD = "oikea-salasana-2026"
OUTAGE_MESSAGE = "is unreachable"


@pytest.fixture(autouse=True)
def fresh_outages():
    forget_outages()
    yield
    forget_outages()


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def redis_down():
    with closed_port() as port, override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8")):
        yield


@pytest.fixture
def redis_hung():
    stand_in = RedisStandIn(mode=HUNG)
    try:
        with override_settings(CACHES=fail_soft_cache(stand_in.url)):
            yield stand_in
    finally:
        stand_in.close()


@pytest.fixture
def refs():
    return import_reference_data()


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("paakayttaja", password=PASSWORD)


def rename_metric(client, metric, name_en):
    return client.post(
        reverse("admin:metrics_metric_change", args=[metric.pk]),
        {
            "code": metric.code,
            "name_fi": "Aloitetut arviot",
            "name_sv": "Påbörjade bedömningar",
            "name_en": name_en,
            "description_fi": "",
            "description_sv": "",
            "description_en": "",
        },
    )


def log_in(client, username, password):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR="203.0.113.5",
    )


def serves_everything_uncached(client, refs, editor, django_user_model):
    """Public pages, the API, /healthz, a login, the lockout and an admin save, as a user would notice them."""
    guessed = django_user_model.objects.create_user("pohjois-karjala", password=PASSWORD, is_staff=True)
    ContentModuleFactory(name_en="Sore throat")
    pages = [client.get("/en/"), client.get("/en/modules/"), client.get("/en/modules/"), client.get(STATISTICS)]
    api = client.get(SERIES)
    health = client.get("/healthz")
    failures = [log_in(client, guessed.username, "väärä") for _ in range(settings.AXES_FAILURE_LIMIT)]
    locked_out = log_in(client, guessed.username, PASSWORD)
    login = log_in(client, editor.username, PASSWORD)
    save = rename_metric(client, refs.started, "Assessments begun")
    client.logout()
    after_save = client.get(STATISTICS)

    assert [page.status_code for page in pages] == [HTTPStatus.OK] * 4
    assertContains(pages[2], "Sore throat")
    assert api.status_code == HTTPStatus.OK
    assert api.json()["points"] == []
    assert health.status_code == HTTPStatus.OK
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "error"}
    assert [failure.status_code for failure in failures] == [HTTPStatus.OK] * 4 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert locked_out.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert login.status_code == HTTPStatus.FOUND
    assert login["Location"] == reverse("admin:index")
    assert save.status_code == HTTPStatus.FOUND
    assert save["Location"] == reverse("admin:metrics_metric_changelist")
    assertContains(after_save, "Assessments begun")


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_pages_the_api_logins_and_admin_saves_work(client, redis_down, refs, editor, django_user_model):
    serves_everything_uncached(client, refs, editor, django_user_model)


@pytest.mark.django_db(transaction=True)
def test_with_redis_hung_pages_the_api_logins_and_admin_saves_work_without_waiting(
    client, redis_hung, refs, editor, django_user_model
):
    started = time.monotonic()
    serves_everything_uncached(client, refs, editor, django_user_model)

    # One socket timeout, then this process leaves Redis alone for retry_seconds.
    assert time.monotonic() - started < 3


@pytest.mark.django_db
def test_a_hung_redis_costs_one_timeout_per_interval_not_one_per_request(client, redis_hung):
    ContentModuleFactory(name_en="Sore throat")
    durations = []
    for _ in range(10):
        started = time.monotonic()
        assert client.get("/en/modules/").status_code == HTTPStatus.OK
        durations.append(time.monotonic() - started)

    assert durations[0] >= TIMEOUT_SECONDS
    assert redis_hung.accepted == 1
    assert sum(durations) < 3


@pytest.mark.django_db
def test_the_outage_is_logged_once_per_interval_not_per_request(client, caplog):
    with (
        closed_port() as port,
        override_settings(CACHES=fail_soft_cache(f"redis://127.0.0.1:{port}/8", retry_seconds=0)),
        caplog.at_level(logging.WARNING, logger="omaolo_portal.cache_backend"),
    ):
        responses = [client.get("/en/modules/") for _ in range(10)]

    assert [response.status_code for response in responses] == [HTTPStatus.OK] * 10
    outage_records = [record for record in caplog.records if record.name == "omaolo_portal.cache_backend"]
    assert len(outage_records) == 1
    assert outage_records[0].levelno == logging.ERROR
    assert OUTAGE_MESSAGE in outage_records[0].getMessage()


@pytest.mark.django_db(transaction=True)
def test_when_redis_is_back_a_change_made_during_the_outage_shows_at_once(client, admin_client, shared_redis):
    stand_in = RedisStandIn(mode=UP)
    try:
        with override_settings(CACHES=fail_soft_cache(stand_in.url, retry_seconds=0.1)):
            module = ContentModuleFactory(name_en="Sore throat")
            assertContains(client.get("/en/modules/"), "Sore throat")
            assert len(shared_redis.keys("*omaolo:page*")) == 1

            stand_in.switch(DOWN)
            save = admin_client.post(reverse("admin:processes_contentmodule_delete", args=[module.pk]), {"post": "yes"})
            during = client.get("/en/modules/")
            stand_in.switch(UP)
            time.sleep(0.2)
            after = client.get("/en/modules/")
    finally:
        stand_in.close()

    assert save.status_code == HTTPStatus.FOUND
    assert during.status_code == HTTPStatus.OK
    assert "Sore throat" not in during.content.decode()
    assert after.status_code == HTTPStatus.OK
    assert "Sore throat" not in after.content.decode()


@pytest.mark.django_db
def test_a_reference_data_import_during_an_outage_asks_for_the_file_again(admin_client, redis_down):
    upload = SimpleUploadedFile("metrics.csv", "code,name_fi,name_sv,name_en\nvisits,Käynnit,Besök,Visits\n".encode())

    response = admin_client.post(reverse("admin:metrics_metric_import"), {"format": "0", "import_file": upload})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["import_file"]
    assert "confirm_form" not in response.context
