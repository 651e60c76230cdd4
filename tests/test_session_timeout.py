"""An editor who leaves the admin idle for 30 minutes must log in again; working keeps the session alive."""

import datetime
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

IDLE_LIMIT = datetime.timedelta(minutes=30)


def admin_index_at(client, moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return client.get(reverse("admin:index"))


def test_the_session_cookie_lasts_thirty_minutes_from_the_last_request(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_every_request_renews_the_session(admin_client):
    start = timezone.now()

    working = [admin_index_at(admin_client, start + datetime.timedelta(minutes=minutes)) for minutes in (20, 40, 60)]

    assert [response.status_code for response in working] == [HTTPStatus.OK] * 3


def test_an_idle_session_ends_and_the_admin_asks_to_log_in_again(admin_client):
    start = timezone.now()
    admin_index_at(admin_client, start)

    response = admin_index_at(admin_client, start + IDLE_LIMIT + datetime.timedelta(minutes=1))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('admin:login')}?next={reverse('admin:index')}"
