"""The admin's export of statistics is capped: a selection too large to build in memory asks for a filter."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation
from import_export.forms import SelectableFieldsExportForm

from metrics import admin as metrics_admin
from metrics.models import UsageStatistic
from metrics.resources import UsageStatisticResource

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("admin:metrics_usagestatistic_export")


def statistics(county, refs, weeks):
    UsageStatistic.objects.bulk_create(
        UsageStatistic(
            county=county,
            module=refs.uti,
            metric=refs.started,
            period_type="week",
            period_start=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=week),
            value=week,
        )
        for week in range(weeks)
    )


def export(client, query=""):
    model_admin = admin.site.get_model_admin(UsageStatistic)
    format_names = [export_format.__name__ for export_format in model_admin.get_export_formats()]
    fields = {
        SelectableFieldsExportForm.create_boolean_field_name(UsageStatisticResource, name): "on"
        for name in UsageStatisticResource().get_export_order()
    }
    return client.post(EXPORT_URL + query, {"resource": "0", "format": str(format_names.index("CSV")), **fields})


@pytest.fixture
def editor_client(client, refs):
    user = get_user_model().objects.create_user("editor", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_usagestatistic"]))
    refs.north_karelia.editors.add(user)
    client.force_login(user)
    return client


def test_an_export_over_the_cap_is_refused_with_a_message(editor_client, refs, monkeypatch):
    monkeypatch.setattr(metrics_admin, "ADMIN_EXPORT_MAX_ROWS", 4)
    statistics(refs.north_karelia, refs, 5)

    response = export(editor_client)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == EXPORT_URL
    page = editor_client.get(response.url)
    with translation.override("fi"):
        message = str(metrics_admin.EXPORT_TOO_LARGE).format(limit="4")
    assert [str(shown) for shown in page.context["messages"]] == [message]
    assert "yli 4 tilastoa" in page.text


def test_the_cap_counts_only_the_editors_own_county_and_the_filter(editor_client, refs, monkeypatch):
    monkeypatch.setattr(metrics_admin, "ADMIN_EXPORT_MAX_ROWS", 4)
    statistics(refs.north_karelia, refs, 4)
    statistics(refs.pirkanmaa, refs, 10)

    response = export(editor_client)

    assert response.status_code == HTTPStatus.OK
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 4
    assert {row[0] for row in rows[1:]} == {refs.north_karelia.code}


def test_the_cap():
    assert metrics_admin.ADMIN_EXPORT_MAX_ROWS == 50_000
