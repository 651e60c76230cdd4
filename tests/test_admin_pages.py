"""Every admin list, add form, change form and history page opens for a superuser."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from followup.models import UsageAlert
from metrics.models import ImportBatch, ImportState, Metric
from processes.models import ContentModule
from regions.models import WellbeingCounty
from regions.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def every_model_has_a_row(demo_data, admin_user):
    MunicipalityFactory()
    ImportBatch.objects.create(user=admin_user, file_name="viikko.csv", sha256="0" * 64, outcome=ImportState.APPLIED)
    UsageAlert.objects.create(
        county=WellbeingCounty.objects.get(code="14"),
        module=ContentModule.objects.order_by("code").first(),
        metric=Metric.objects.get(code="assessments_started"),
        period_type="week",
        window_end="2024-05-27",
        previous=400,
        recent=200,
        change_percent=-50,
    )


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_add_change_and_history_pages_open(admin_client, every_model_has_a_row, model):
    opts = model._meta
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.label} row to open"

    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    history = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]))

    assert changelist.status_code == HTTPStatus.OK
    assert change.status_code == HTTPStatus.OK
    assert history.status_code == HTTPStatus.OK
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(changelist.wsgi_request):
        add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
        assert add.status_code == HTTPStatus.OK


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_search_and_filters_work(admin_client, every_model_has_a_row, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    model_admin = admin.site._registry[model]

    response = admin_client.get(url, {"q": "hyvinvointi"} if model_admin.search_fields else {})

    assert response.status_code == HTTPStatus.OK
    assert "cl" in response.context


def test_changelist_search_finds_a_county_by_brand(admin_client, demo_data):
    response = admin_client.get(reverse("admin:regions_wellbeingcounty_changelist"), {"q": "Siun sote"})

    assert [county.code for county in response.context["cl"].result_list] == ["14"]


def test_process_change_form_shows_phases_inline_in_order(admin_client, demo_data):
    from processes.models import ProcessDescription

    process = ProcessDescription.objects.get(slug="omaolo-kayttoonoton-vaiheet-paijat-hame")

    response = admin_client.get(reverse("admin:processes_processdescription_change", args=[process.pk]))

    content = response.content.decode()
    assert content.index("Nykytila ja sitoutuminen") < content.index("Seuranta ja vakiinnuttaminen")


# Internal state, not content: an uploaded file waiting for the editor's confirmation, and its pieces;
# the county figures, which the database derives from the statistics (metrics migration 0009).
NOT_EDITED_IN_ADMIN = {"metrics.PendingUsageImport", "metrics.PendingUsageImportPart", "metrics.CountyFigure"}


def test_every_domain_model_is_editable_in_the_admin():
    from django.apps import apps

    inline_models = {
        inline.model for model_admin in admin.site._registry.values() for inline in getattr(model_admin, "inlines", [])
    }
    domain_models = [
        model
        for app in ("regions", "processes", "metrics")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model._meta.label not in NOT_EDITED_IN_ADMIN
    ]

    missing = [
        model._meta.label for model in domain_models if model not in admin.site._registry and model not in inline_models
    ]
    assert missing == []
