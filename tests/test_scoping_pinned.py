"""Parts of the county scope (regions/scoping.py) that a mutation run showed no test pinned (docs/mutation.md).

The configuration checks, the second line of defence behind the admin's own permission checks
(`delete_model`, `delete_queryset`: the admin's pages never reach them with another county's row,
so they are called as the admin calls them), and who may import or revert reference data.
"""

import datetime
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import checks
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from metrics.models import Metric
from metrics.tests.factories import MetricFactory
from processes.models import Rollout
from processes.tests.factories import ContentModuleFactory, RolloutFactory
from regions.models import ServiceArea, WellbeingCounty
from regions.scoping import FOREIGN_COUNTY_ERROR, CountyScopedAdminMixin, CountyScopedInlineMixin
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


def _user(django_user_model, name, *codenames, county=None, superuser=False):
    user = django_user_model.objects.create_user(name, password="x", is_staff=True, is_superuser=superuser)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    if county is not None:
        county.editors.add(user)
    return user


def _request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


# --- the configuration checks -----------------------------------------------------------------------


def _scope_errors(model_admin):
    return [error for error in model_admin.check() if error.id and error.id.startswith("regions.")]


def test_a_county_field_that_does_not_lead_to_a_county_is_a_configuration_error():
    site = admin.AdminSite()
    for path in ("module", "no_such_field", "status__code", "pk"):

        class WrongPath(CountyScopedAdminMixin, admin.ModelAdmin):
            county_field = path

        assert _scope_errors(WrongPath(Rollout, site)) == [
            checks.Error(
                f"county_field {path!r} does not lead from processes.Rollout to its county.",
                obj=WrongPath,
                id="regions.E001",
            )
        ]

    class RightPath(CountyScopedAdminMixin, admin.ModelAdmin):
        county_field = "county"

    class CountyItself(CountyScopedAdminMixin, admin.ModelAdmin):
        county_field = "pk"

    assert _scope_errors(RightPath(Rollout, site)) == []
    assert _scope_errors(CountyItself(WellbeingCounty, site)) == []


def test_an_inline_without_the_county_scope_is_a_configuration_error():
    class PlainInline(admin.TabularInline):
        model = ServiceArea

    class ScopedInline(CountyScopedInlineMixin, admin.TabularInline):
        model = ServiceArea

    class CountyAdmin(CountyScopedAdminMixin, admin.ModelAdmin):
        county_field = "pk"
        inlines = [ScopedInline, PlainInline]

    assert _scope_errors(CountyAdmin(WellbeingCounty, admin.AdminSite())) == [
        checks.Error(
            "PlainInline edits rows under a county-scoped admin without the county scope.",
            hint="Base it on CountyScopedInlineMixin and declare its county_field.",
            obj=CountyAdmin,
            id="regions.E002",
        )
    ]


def test_every_registered_admin_passes_the_scope_checks():
    assert [error for model_admin in admin.site._registry.values() for error in _scope_errors(model_admin)] == []


# --- deleting: the stored county decides, one row or a selection ---------------------------------------


@pytest.fixture
def rollouts(db):
    north_karelia = WellbeingCountyFactory(north_karelia=True)
    pirkanmaa = WellbeingCountyFactory(pirkanmaa=True)
    module = ContentModuleFactory(code="kurkkukipu")
    return {
        "own": RolloutFactory(county=north_karelia, module=module),
        "foreign": RolloutFactory(county=pirkanmaa, module=module),
        "county": north_karelia,
    }


def test_deleting_another_countys_row_is_refused_and_keeps_it(rollouts, django_user_model):
    editor = _user(django_user_model, "editor", "view_rollout", "delete_rollout", county=rollouts["county"])
    rollout_admin = admin.site._registry[Rollout]

    with pytest.raises(PermissionDenied) as refused:
        rollout_admin.delete_model(_request(editor), rollouts["foreign"])
    rollout_admin.delete_model(_request(editor), rollouts["own"])

    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    assert list(Rollout.objects.values_list("county__code", flat=True)) == ["08"]


def test_deleting_a_selection_deletes_only_the_users_countys_rows(rollouts, django_user_model):
    editor = _user(django_user_model, "editor", "view_rollout", "delete_rollout", county=rollouts["county"])
    superuser = _user(django_user_model, "root", superuser=True)
    rollout_admin = admin.site._registry[Rollout]

    rollout_admin.delete_queryset(_request(editor), Rollout.objects.all())
    assert list(Rollout.objects.values_list("county__code", flat=True)) == ["08"]

    rollout_admin.delete_queryset(_request(superuser), Rollout.objects.all())
    assert Rollout.objects.count() == 0


# --- reference data and imports: superusers only ----------------------------------------------------


@pytest.mark.parametrize(
    ("model", "codenames"),
    [
        (WellbeingCounty, ["view_wellbeingcounty", "add_wellbeingcounty", "change_wellbeingcounty"]),
        (Metric, ["view_metric", "add_metric", "change_metric"]),
    ],
)
def test_only_a_superuser_may_open_an_import(client, django_user_model, model, codenames):
    county = WellbeingCountyFactory(north_karelia=True)
    editor = _user(django_user_model, "editor", *codenames, county=county)
    superuser = _user(django_user_model, "root", superuser=True)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")

    client.force_login(editor)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(superuser)
    assert client.get(url).status_code == HTTPStatus.OK


def test_an_editor_may_not_revert_reference_data_to_a_past_state(client, django_user_model):
    metric = MetricFactory(code="assessments_started", name_en="Assessments started")
    metric.name_en = "Renamed"
    metric.save()
    first_state = metric.history.order_by("history_date").first()
    editor = _user(django_user_model, "editor", "view_metric", "change_metric", "view_historicalmetric")
    superuser = _user(django_user_model, "root", superuser=True)
    metric_admin = admin.site._registry[Metric]

    assert metric_admin.has_change_history_permission(_request(editor), metric) is False
    assert metric_admin.has_change_history_permission(_request(superuser), metric) is True
    client.force_login(editor)
    url = reverse("admin:metrics_metric_simple_history", args=[metric.pk, first_state.history_id])
    response = client.post(url, {"code": "assessments_started", "name_en": "Assessments started"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    metric.refresh_from_db()
    assert metric.name_en == "Renamed"
    assert datetime.date.today() >= first_state.history_date.date()


def test_history_model_permissions_do_not_let_an_editor_revert_reference_data(settings, django_user_model):
    # With SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS, django-simple-history asks for the
    # history model's own change permission: holding it is still not enough without superuser.
    settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
    metric = MetricFactory(code="assessments_started")
    editor = _user(django_user_model, "editor", "view_metric", "view_historicalmetric", "change_historicalmetric")
    metric_admin = admin.site._registry[Metric]

    assert metric_admin.has_change_history_permission(_request(editor), metric) is False
