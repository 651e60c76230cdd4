"""An oversized request body is refused from its Content-Length, before any byte of it is read or spooled."""

import tempfile
from http import HTTPStatus

import pytest
from django.conf import settings
from django.core.files import uploadhandler
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

THREE_HUNDRED_MB = 300 * 1024 * 1024


class UnreadBody:
    """A request body that records every read: a refused one must never be read."""

    def __init__(self):
        self.reads = 0

    def read(self, size=-1):
        self.reads += 1
        raise AssertionError("the refused body was read")

    readline = read


@pytest.fixture
def no_temporary_files(monkeypatch):
    """Fail the test when anything spools an upload to the temporary disk."""

    def refuse(*args, **kwargs):
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", refuse)


def post_declaring(client, path, size, body):
    return client.generic(
        "POST",
        path,
        content_type="multipart/form-data; boundary=omaolo",
        CONTENT_LENGTH=str(size),
        **{"wsgi.input": body},
    )


def test_an_anonymous_300_mb_post_is_refused_unread(no_temporary_files):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "x" * 32
    body = UnreadBody()

    response = post_declaring(client, "/fi/", THREE_HUNDRED_MB, body)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert body.reads == 0
    assert response["Connection"] == "close"
    assert "Pyyntö on liian suuri" in response.content.decode()


def test_an_anonymous_body_just_over_the_limit_is_refused_and_one_under_it_reaches_the_csrf_check(settings):
    settings.REQUEST_BODY_ANONYMOUS_MAX_KB = 1
    client = Client(enforce_csrf_checks=True)

    over = client.post("/fi/", {"field": "x" * 1100})
    at = client.post("/fi/", {"field": "x" * 800})

    assert over.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert at.status_code == HTTPStatus.FORBIDDEN  # read, then refused by the CSRF check as before


def test_a_session_cookie_that_is_no_session_does_not_lift_the_anonymous_limit(no_temporary_files):
    client = Client()
    client.cookies["sessionid"] = "made-up"
    body = UnreadBody()

    response = post_declaring(client, reverse("admin:metrics_usagestatistic_import_file"), THREE_HUNDRED_MB, body)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert body.reads == 0


def test_a_signed_in_users_body_over_the_global_limit_is_refused_unread(admin_client, settings, no_temporary_files):
    settings.REQUEST_BODY_MAX_MB = 80
    body = UnreadBody()

    response = post_declaring(admin_client, reverse("admin:metrics_usagestatistic_import_file"), 81 * 1024 * 1024, body)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert body.reads == 0


def test_a_signed_in_users_upload_under_the_global_limit_reaches_the_import(admin_client, settings):
    settings.REQUEST_BODY_ANONYMOUS_MAX_KB = 1
    content = b"county,service_area,module,metric,period_type,period,value\n" + b"\n" * 2000

    response = admin_client.post(
        reverse("admin:metrics_usagestatistic_import_file"),
        {"file": SimpleUploadedFile("a.csv", content)},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["result"] is not None


def test_the_default_limits():
    assert settings.REQUEST_BODY_ANONYMOUS_MAX_KB == 64
    assert settings.REQUEST_BODY_MAX_MB == settings.USAGE_IMPORT_MAX_UPLOAD_MB + 16 == 80
