"""However many confirms of one preview arrive, on one app server or two, one import batch is queued."""

import threading
import time
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from metrics import tasks
from metrics.models import ImportBatch, ImportState, PendingUsageImport
from metrics.tests.import_support import csv_text, upload

UPLOAD_URL = reverse("admin:metrics_usagestatistic_import_file")
ROWS = ("14,,virtsatietulehdus,assessments_started,week,2024-W05,120",)


class QueueRecorder:
    """Stands for the database queue: records what is enqueued, and takes a while, as a commit over a network may."""

    def __init__(self, *, seconds=0.0):
        self.enqueued = []
        self.seconds = seconds

    def enqueue(self, *args):
        time.sleep(self.seconds)
        self.enqueued.append(args)


def confirm_url(pending):
    return reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token])


def signed_in_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_a_second_confirm_of_a_queued_preview_leads_to_the_same_batch(refs, monkeypatch):
    queue = QueueRecorder()
    monkeypatch.setattr(tasks, "usage_import_task", queue)
    client = signed_in_client(get_user_model().objects.create_superuser("admin"))
    client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})
    pending = PendingUsageImport.objects.get()

    first = client.post(confirm_url(pending))
    second = client.post(confirm_url(pending))

    batch = ImportBatch.objects.get(outcome=ImportState.QUEUED)
    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert first.url == second.url == reverse("admin:metrics_importbatch_change", args=[batch.pk])
    assert queue.enqueued == [(batch.pk,)]
    assert ImportBatch.objects.exclude(outcome=ImportState.DRY_RUN).count() == 1


@pytest.mark.django_db
def test_a_confirm_after_the_import_finished_finds_nothing_to_import(refs):
    client = signed_in_client(get_user_model().objects.create_superuser("admin"))
    client.post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})
    pending = PendingUsageImport.objects.get()

    first = client.post(confirm_url(pending))
    second = client.post(confirm_url(pending))

    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.NOT_FOUND
    assert ImportBatch.objects.filter(outcome=ImportState.APPLIED).count() == 1
    assert ImportBatch.objects.exclude(outcome=ImportState.DRY_RUN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_confirms_at_once_on_two_app_servers_queue_one_batch(refs, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; its writers are serialised whole")
    # The first confirm holds its transaction open for a while after making the batch:
    # without the row lock the second would read the pending import meanwhile and queue another.
    queue = QueueRecorder(seconds=0.5)
    monkeypatch.setattr(tasks, "usage_import_task", queue)
    user = get_user_model().objects.create_superuser("admin")
    signed_in_client(user).post(UPLOAD_URL, {"file": upload(csv_text(*ROWS))})
    pending = PendingUsageImport.objects.get()
    responses = []
    start = threading.Barrier(2)

    def confirm():
        client = signed_in_client(user)
        start.wait()
        try:
            responses.append(client.post(confirm_url(pending)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    batch = ImportBatch.objects.get(outcome=ImportState.QUEUED)
    assert [response.status_code for response in responses] == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert {response.url for response in responses} == {reverse("admin:metrics_importbatch_change", args=[batch.pk])}
    assert queue.enqueued == [(batch.pk,)]
    assert ImportBatch.objects.exclude(outcome=ImportState.DRY_RUN).count() == 1
