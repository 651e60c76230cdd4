"""Every admin URL of every registered model, tried by Päijät-Häme's editor on other counties' rows.

The matrix enumerates `admin.site._registry` and each admin's `get_urls()`, so a model or a URL
added later is covered without touching this file. A URL pattern that no rule below classifies
fails `test_every_admin_url_pattern_is_classified` until someone decides what it must answer.

Who may see what is derived here, independently of the admin code under test: a model is owned
by a county when a chain of foreign keys leads to `WellbeingCounty`; import batches belong to
their user; a few national tables are reference data that editors read but never write; any
other model is private to superusers.
"""

import csv
import datetime
import io
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, reverse

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from metrics.models import ImportBatch, ImportState, Metric, PendingUsageImport, UsageStatistic
from metrics.tests.import_support import pending_import
from processes.models import ContentModule, ProcessDescription, PublicationStatus
from regions.models import Municipality, WellbeingCounty
from regions.permissions import EDITOR_GROUP
from routing.models import PublishedRouteSet, ReceivingUnit, Route

OWN_COUNTY = "09"  # Päijät-Häme, whose editor attacks
FOREIGN_COUNTIES = ("14", "21")  # North Karelia (a published guide) and Lapland (a draft)

REFUSED = {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}
# A GET of a POST-only view is refused before anything is looked up.
REFUSED_GET_OF_POST_ONLY = REFUSED | {HTTPStatus.METHOD_NOT_ALLOWED}

# National tables: every editor may read them (autocomplete needs them), only superusers write them.
REFERENCE_DATA = {
    "regions.Municipality",
    "processes.ContentModule",
    "metrics.Metric",
    "routing.Outcome",
    "routing.CareGuaranteeRule",
}
# Rows that belong to a user rather than a county: the field that names the user.
USER_OWNED = {"metrics.ImportBatch": "user"}
# Choices an editor may pick beyond their own rows: a county may follow another's published guide.
# A route may go to a partner's unit of another county or to a national service (112, 116117).
ALSO_PICKABLE = {
    ("processes.Rollout", "process"): lambda: ProcessDescription.objects.published(),
    ("routing.Route", "receiving_unit"): lambda: ReceivingUnit.objects.all(),
    ("routing.Route", "window_unit"): lambda: ReceivingUnit.objects.all(),
}

# What each admin URL of a model is, by the suffix of its URL name after "<app>_<model>_".
MODEL_URL_KINDS = {
    "changelist": "list",
    "add": "add",
    "change": "object",
    "delete": "object",
    "history": "object",
    "password_change": "object",  # auth.User's set-password form
    "simple_history": "history_state",  # django-simple-history's history form and revert
    "export": "export",
    "import": "reference_import",
    "process_import": "reference_import",
    "import_file": "usage_upload",
    "import_confirm": "pending_usage_import",
    "import_cancel": "pending_usage_import",
    "import_check": "usage_import_check",  # the check of a large upload by a worker, then its preview
    "changes": "object",  # the reviewer's comparison with the last published version
    "transition": "object",  # the review panel's buttons (POST only)
    "copy": "copy_model",  # "use this model": published guides of every county, copied into one's own
    "refresh": "alerts_refresh",  # the usage alerts' refresh (POST only), for the editor's own counties
    "feed": "object",  # a plan's "revoke and make a new calendar address" (POST only)
    "xlsx": "object",  # a plan's XLSX export
    "pull": "object",  # a plan's pull of its guide's newest published version: preview, then POST
    "print": "object",  # a plan with its owners, to print on A4 landscape
    "lesson": "object",  # a plan's lesson of one done phase: its form (?phase=) and its POST
    "county_timeline": "county_timeline",  # the running plans of one county the editor edits (?county=)
    "check": "route_check",  # the route check of the editor's counties
    "copy_content": "route_copy_content",  # a county's routes of one content copied to another
    "copy_published": "route_copy_published",  # another county's published routes copied into one's own
    "publish": "route_publish",  # a county × content's routes published (publishers)
    "file_import": "route_file_import",  # a CSV or XLSX file of routes, all or nothing
    "file_export": "route_file_export",  # the editor's routes as CSV or XLSX
}
# Unnamed model URLs, by their route.
UNNAMED_MODEL_ROUTES = {"<path:object_id>/": "object_redirect"}
# The admin site's own URLs, by name (or route when unnamed).
SITE_URL_KINDS = {
    "index": "site_page",
    "app_list": "site_page",
    "login": "session",
    "logout": "session",
    "password_change": "session",
    "password_change_done": "session",
    "jsi18n": "site_page",
    "autocomplete": "autocomplete",
    "view_on_site": "view_on_site",
}
UNNAMED_SITE_ROUTES = {"(?P<url>.*)$": "catch_all"}

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _model_url_name_suffix(model, pattern) -> str:
    return pattern.name.removeprefix(f"{model._meta.app_label}_{model._meta.model_name}_")


def model_url_patterns():
    """(model, model admin, URL pattern, kind or None) for every URL of every registered admin."""
    for model, model_admin in REGISTERED:
        for pattern in model_admin.get_urls():
            if pattern.name:
                kind = MODEL_URL_KINDS.get(_model_url_name_suffix(model, pattern))
            else:
                kind = UNNAMED_MODEL_ROUTES.get(str(pattern.pattern))
            yield model, model_admin, pattern, kind


def site_url_patterns():
    """(URL pattern, kind or None) for the admin site's own URLs (the models' URLs are included)."""
    for pattern in admin.site.get_urls():
        if not isinstance(pattern, URLPattern):
            continue  # an included model admin, enumerated by model_url_patterns()
        kind = SITE_URL_KINDS.get(pattern.name) if pattern.name else UNNAMED_SITE_ROUTES.get(str(pattern.pattern))
        yield pattern, kind


def patterns_of_kind(*kinds):
    return [
        pytest.param(
            model, pattern.name or str(pattern.pattern), id=f"{model._meta.label}:{pattern.name or 'redirect'}"
        )
        for model, _model_admin, pattern, kind in model_url_patterns()
        if kind in kinds
    ]


def _pattern_named(model, name):
    return next(pattern for pattern in admin.site._registry[model].get_urls() if pattern.name == name)


def models_with_kind(kind):
    return [
        pytest.param(model, id=model._meta.label) for model, _admin, _pattern, k in model_url_patterns() if k == kind
    ]


# --- who owns what, derived from the models ----------------------------------------------------


def county_path(model) -> str | None:
    """The shortest chain of foreign keys from the model to its county, or None."""
    if model is WellbeingCounty:
        return "pk"
    queue = deque([(model, "")])
    seen = {model}
    while queue:
        current, prefix = queue.popleft()
        for field in current._meta.get_fields():
            if not (field.many_to_one and field.concrete):
                continue
            path = f"{prefix}{field.name}"
            if field.related_model is WellbeingCounty:
                return path
            if field.related_model not in seen:
                seen.add(field.related_model)
                queue.append((field.related_model, f"{path}__"))
    return None


def visible_q(model, user) -> Q:
    """Rows the editor may see."""
    label = model._meta.label
    if label in REFERENCE_DATA:
        return Q()
    return writable_q(model, user)


def writable_q(model, user) -> Q:
    """Rows the editor may change."""
    label = model._meta.label
    if label in REFERENCE_DATA:
        return Q(pk__in=[])
    if label in USER_OWNED:
        return Q(**{USER_OWNED[label]: user})
    path = county_path(model)
    if path is None:
        return Q(pk__in=[])
    return Q(**{f"{path}__in": WellbeingCounty.objects.filter(editors=user)})


def foreign_rows(model, user) -> list:
    """A few rows the editor must not change: county 14's and 21's where the model is a county's."""
    queryset = model._default_manager.exclude(writable_q(model, user)).order_by("pk")
    path = county_path(model)
    if model._meta.label in REFERENCE_DATA or model._meta.label in USER_OWNED or path is None:
        return list(queryset[:2])
    code_lookup = "code" if path == "pk" else f"{path}__code"
    return [row for code in FOREIGN_COUNTIES if (row := queryset.filter(**{code_lookup: code}).first())]


def own_row(model, user):
    return model._default_manager.filter(writable_q(model, user)).order_by("pk").first()


def history_manager(model):
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute) if attribute else None


def snapshot(model, pk):
    """Everything about one row that a hostile request could change."""
    row = model._default_manager.filter(pk=pk).values().first()
    related = {}
    if row is not None:
        obj = model._default_manager.get(pk=pk)
        related = {
            field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
            for field in model._meta.many_to_many
        }
    history = history_manager(model)
    history_count = history.filter(**{model._meta.pk.attname: pk}).count() if history is not None else None
    return row, related, history_count


# --- the world: the demo content, an editor of Päijät-Häme, a superuser --------------------------


@dataclass
class World:
    editor: object
    superuser: object
    own_county: WellbeingCounty


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo content once for the module; each test still runs in its own rolled-back transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_reference_data", verbosity=0)
        call_command("seed_demo", "--no-users", verbosity=0)
        # The demo creates some rows in bulk, without history; give every row a state to revert to.
        call_command("populate_history", "--auto", stdout=io.StringIO())
        user_model = get_user_model()
        superuser = user_model.objects.create_superuser("matrix-admin", password="x")
        editor = user_model.objects.create_user("matrix-editor", password="x", is_staff=True)
        editor.groups.add(Group.objects.get(name=EDITOR_GROUP))
        own_county = WellbeingCounty.objects.get(code=OWN_COUNTY)
        own_county.editors.add(editor)
        Municipality.objects.create(code="167", name_fi="Joensuu", county=WellbeingCounty.objects.get(code="14"))
        Municipality.objects.create(code="398", name_fi="Lahti", county=own_county)
        for code in (OWN_COUNTY, *FOREIGN_COUNTIES):
            _usage_alert_of(WellbeingCounty.objects.get(code=code))
        for user in (superuser, editor):
            ImportBatch.objects.create(
                user=user, file_name=f"{user.username}.csv", sha256="0" * 64, outcome=ImportState.APPLIED
            )
        yield World(editor=editor, superuser=superuser, own_county=own_county)
        transaction.set_rollback(True)


def _usage_alert_of(county):
    """An open alert of the county, so that the follow-up log has rows of every kind to attack."""
    alert = UsageAlert.objects.create(
        county=county,
        module=ContentModule.objects.order_by("code").first(),
        metric=Metric.objects.get(code="assessments_started"),
        period_type="week",
        window_end=datetime.date(2024, 5, 27),
        previous=400,
        recent=200,
        change_percent=-50,
    )
    AlertFollowUp.objects.create(alert=alert, note="Soitettu.", new_status=AlertStatus.OPEN)


@pytest.fixture
def editor_client(world, db):
    client = Client()
    client.force_login(world.editor)
    return client


@pytest.fixture
def superuser_client(world, db):
    client = Client()
    client.force_login(world.superuser)
    return client


def editor_may_read_all(model, user) -> bool:
    """Reference data the editor's permissions let them read (never write)."""
    return model._meta.label in REFERENCE_DATA and admin.site._registry[model].has_view_permission(_request_of(user))


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- forms as a browser would post them ------------------------------------------------------------


def _field_value(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def form_data(*forms_to_post) -> dict:
    """The data a browser posts for the forms as shown (unbound forms, their initial values)."""
    data = {}
    for form in forms_to_post:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, forms.MultiWidget):
                for index, part in enumerate(widget.decompress(value)):
                    data[f"{bound.html_name}_{index}"] = "" if part is None else _field_value(part)
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(item) for item in value]
            elif value is not None:
                data[bound.html_name] = _field_value(value)
    return data


def page_form_data(response) -> dict:
    """The change form and its inline formsets of an admin page, as posted."""
    forms_to_post = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms_to_post += [inline.formset.management_form, *inline.formset.forms]
    return form_data(*forms_to_post)


def hostile(data: dict, response, world) -> dict:
    """The form data with every county-owned choice turned to the editor's own rows."""
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        related = field.queryset.model
        if county_path(related) is None or related._meta.label in REFERENCE_DATA:
            continue
        target = own_row(related, world.editor)
        if target is None:
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [str(target.pk)]
        else:
            data[name] = str(target.pk)
    return data


# --- the classification itself ---------------------------------------------------------------------


def test_every_admin_url_pattern_is_classified():
    unclassified = [
        f"{model._meta.label}: {pattern.name or str(pattern.pattern)}"
        for model, _model_admin, pattern, kind in model_url_patterns()
        if kind is None
    ]
    unclassified += [
        f"site: {pattern.name or str(pattern.pattern)}" for pattern, kind in site_url_patterns() if kind is None
    ]

    assert unclassified == []


def test_every_registered_model_has_rows_to_attack_and_rows_of_its_own(world, db):
    lacking = []
    for model, _model_admin in REGISTERED:
        if not foreign_rows(model, world.editor):
            lacking.append(f"{model._meta.label}: no foreign row")
        has_owner = model._meta.label in USER_OWNED or (
            county_path(model) is not None and model._meta.label not in REFERENCE_DATA
        )
        if has_owner and own_row(model, world.editor) is None:
            lacking.append(f"{model._meta.label}: no own row")

    assert lacking == []


# --- one object: change, delete, history, history state and revert, the legacy redirect ----------


def _object_url(model, name, pk):
    if name == "<path:object_id>/":
        opts = model._meta
        return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}{pk}/"
    return reverse(f"admin:{name}", args=[pk])


def _post_data(superuser_client, url, model, name, world):
    """What a hostile editor posts: the form as a superuser sees it, turned to the editor's county."""
    suffix = _model_url_name_suffix(model, _pattern_named(model, name)) if name in _names_of(model) else ""
    if suffix == "delete":
        return {"post": "yes"}
    if suffix == "password_change":
        return {"password1": "Kaapattu-2024!", "password2": "Kaapattu-2024!", "usable_password": "true"}
    if suffix != "change":
        return {}
    response = superuser_client.get(url)
    assert response.status_code == HTTPStatus.OK
    return hostile(page_form_data(response), response, world)


def _names_of(model):
    return {pattern.name for pattern in admin.site._registry[model].get_urls() if pattern.name}


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("object", "object_redirect"))
def test_another_countys_row_cannot_be_opened_or_changed(world, editor_client, superuser_client, model, name):
    rows = foreign_rows(model, world.editor)
    assert rows
    for row in rows:
        url = _object_url(model, name, row.pk)
        before = snapshot(model, row.pk)

        redirect = name == "<path:object_id>/"
        opened = editor_client.get(url, follow=redirect)
        posted = editor_client.post(url, _post_data(superuser_client, url, model, name, world), follow=redirect)

        if editor_may_read_all(model, world.editor) and (redirect or name.endswith(("_change", "_history"))):
            assert opened.status_code == HTTPStatus.OK, url
            assert not opened.context.get("has_change_permission", False), url
        else:
            assert opened.status_code in REFUSED, url
        if redirect or name.endswith("_history"):
            # The list of past changes is a page to read, and the old address redirects a POST
            # to the change page as a GET: either reads like the GET.
            assert posted.status_code == opened.status_code, url
        else:
            assert posted.status_code in REFUSED, url
        assert snapshot(model, row.pk) == before, url


def _history_states(model, pk):
    states = history_manager(model).filter(**{model._meta.pk.attname: pk}).order_by("history_date")
    return [state for state in (states.first(), states.last()) if state is not None]


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("history_state"))
def test_another_countys_history_cannot_be_opened_or_reverted(world, editor_client, superuser_client, model, name):
    rows = foreign_rows(model, world.editor)
    assert rows
    for row in rows:
        states = _history_states(model, row.pk)
        assert states, f"{model._meta.label} {row.pk} has no history"
        for state in states:
            url = reverse(f"admin:{name}", args=[row.pk, state.history_id])
            shown = superuser_client.get(url)
            assert shown.status_code == HTTPStatus.OK
            hostile_revert = hostile(form_data(shown.context["adminform"].form), shown, world)
            before = snapshot(model, row.pk)

            opened = editor_client.get(url)
            posted = editor_client.post(url, hostile_revert)

            if editor_may_read_all(model, world.editor):
                assert opened.status_code == HTTPStatus.OK, url
                assert opened.context["revert_disabled"], url
            else:
                assert opened.status_code in REFUSED, url
            assert posted.status_code in REFUSED, url
            assert snapshot(model, row.pk) == before, url


# --- lists, bulk actions, add forms, exports --------------------------------------------------------


def _changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", models_with_kind("list"))
def test_lists_show_none_of_another_countys_rows(world, editor_client, model):
    response = editor_client.get(_changelist_url(model))

    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FORBIDDEN}
    if response.status_code == HTTPStatus.OK:
        shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
        visible = set(model._default_manager.filter(visible_q(model, world.editor)).values_list("pk", flat=True))
        assert shown == visible
        assert shown, f"the editor sees no {model._meta.label} at all: the test would pass vacuously"
        for spec in response.context["cl"].filter_specs:
            field = getattr(spec, "field", None)
            if field is not None and field.is_relation and hasattr(spec, "lookup_choices"):
                offered = {pk for pk, _label in spec.lookup_choices}
                allowed = pickable_ids(model, field.name, field.related_model, world.editor)
                assert offered <= allowed, f"the {spec.title} filter names other counties' rows"


@pytest.mark.parametrize("model", models_with_kind("list"))
def test_bulk_actions_leave_another_countys_rows_alone(world, editor_client, model):
    url = _changelist_url(model)
    listed = editor_client.get(url)
    if listed.status_code == HTTPStatus.FORBIDDEN:
        return
    actions = admin.site._registry[model].get_actions(listed.wsgi_request)
    rows = foreign_rows(model, world.editor)
    before = {row.pk: snapshot(model, row.pk) for row in rows}

    for action in actions:
        editor_client.post(
            url, {"action": action, "_selected_action": [str(pk) for pk in before], "index": "0", "post": "yes"}
        )

    assert {pk: snapshot(model, pk) for pk in before} == before


@pytest.mark.parametrize("model", models_with_kind("add"))
def test_add_forms_offer_no_choice_of_another_county(world, editor_client, superuser_client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    response = editor_client.get(url)

    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FORBIDDEN}
    if response.status_code == HTTPStatus.FORBIDDEN:
        return
    for name, field in response.context["adminform"].form.fields.items():
        if isinstance(field, forms.ModelChoiceField):
            offered = set(field.queryset.values_list("pk", flat=True))
            assert offered <= pickable_ids(model, name, field.queryset.model, world.editor), name

    foreign = foreign_rows(model, world.editor)[0]
    copy = superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[foreign.pk]))
    owned_elsewhere = model._default_manager.exclude(writable_q(model, world.editor)).count()

    editor_client.post(url, page_form_data(copy))

    assert model._default_manager.exclude(writable_q(model, world.editor)).count() == owned_elsewhere


@pytest.mark.parametrize("model", models_with_kind("export"))
def test_exports_hold_only_the_editors_rows(world, editor_client, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
    shown = editor_client.get(url)
    assert shown.status_code in {HTTPStatus.OK, HTTPStatus.FORBIDDEN}
    if shown.status_code == HTTPStatus.FORBIDDEN:
        return
    model_admin = admin.site._registry[model]
    csv_index = next(i for i, fmt in enumerate(model_admin.get_export_formats()) if fmt().get_title() == "csv")
    data = {**form_data(shown.context["form"]), "format": str(csv_index)}
    foreign_pks = [str(row.pk) for row in foreign_rows(model, world.editor)]

    everything = editor_client.post(url, data)
    chosen_foreign = editor_client.post(url, {**data, "export_items": foreign_pks})

    visible = model._default_manager.filter(visible_q(model, world.editor)).count()
    assert _csv_row_count(everything) == visible
    if model._meta.label not in REFERENCE_DATA:
        assert _csv_row_count(chosen_foreign) == 0


def _csv_row_count(response) -> int:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    return len(list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))) - 1


# --- imports ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("reference_import"))
def test_reference_data_imports_are_for_superusers_only(world, editor_client, superuser_client, model, name):
    url = reverse(f"admin:{name}")
    if _model_url_name_suffix(model, _pattern_named(model, name)) == "import":
        assert superuser_client.get(url).status_code == HTTPStatus.OK
    before = model._default_manager.count()

    opened = editor_client.get(url)
    posted = editor_client.post(url, {"format": "0"})

    assert opened.status_code in REFUSED_GET_OF_POST_ONLY
    assert posted.status_code in REFUSED
    assert model._default_manager.count() == before


USAGE_HEADER = "county,service_area,module,metric,period_type,period,value"


def _usage_file(*rows):
    return SimpleUploadedFile("hostile.csv", "\n".join([USAGE_HEADER, *rows]).encode(), content_type="text/csv")


def _statistics_of(code):
    return sorted(UsageStatistic.objects.filter(county__code=code).values_list("pk", "value"))


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("usage_upload"))
def test_a_usage_file_cannot_write_another_countys_statistics(world, editor_client, model, name):
    before = _statistics_of("14")

    response = editor_client.post(
        reverse(f"admin:{name}"),
        {"file": _usage_file("14,,virtsatietulehdus,assessments_started,week,2024-W05,999999")},
    )

    assert response.status_code == HTTPStatus.OK
    assert not response.context["result"].ok
    assert _statistics_of("14") == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("alerts_refresh"))
def test_the_alerts_refresh_leaves_another_countys_alerts_alone(world, editor_client, model, name):
    foreign = foreign_rows(model, world.editor)
    assert foreign
    before = [(row.pk, row.updated_at, row.status, row.change_percent) for row in foreign]
    url = reverse(f"admin:{name}")

    opened = editor_client.get(url)
    posted = editor_client.post(url)

    assert opened.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert posted.status_code == HTTPStatus.FOUND
    after = [
        (row.pk, row.updated_at, row.status, row.change_percent)
        for row in model.objects.filter(pk__in=[r.pk for r in foreign]).order_by("pk")
    ]
    assert after == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("pending_usage_import"))
def test_another_users_pending_import_cannot_be_confirmed_or_cancelled(world, editor_client, model, name):
    pending = pending_import(
        user=world.superuser,
        file_name="national.csv",
        content=f"{USAGE_HEADER}\n14,,virtsatietulehdus,assessments_started,week,2024-W05,999999\n".encode(),
        sha256="0" * 64,
    )
    before = _statistics_of("14")
    url = reverse(f"admin:{name}", args=[pending.token])

    opened = editor_client.get(url)
    posted = editor_client.post(url)

    assert opened.status_code in REFUSED_GET_OF_POST_ONLY
    assert posted.status_code in REFUSED
    assert PendingUsageImport.objects.filter(pk=pending.pk).exists()
    assert _statistics_of("14") == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("usage_upload"))
def test_a_usage_file_checked_in_the_background_cannot_write_another_countys_statistics(
    world, editor_client, settings, model, name
):
    settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = 0  # every file is checked by a worker (inline in tests)
    before = _statistics_of("14")

    response = editor_client.post(
        reverse(f"admin:{name}"),
        {"file": _usage_file("14,,virtsatietulehdus,assessments_started,week,2024-W05,999999")},
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert response.redirect_chain
    assert not response.context["result"].ok
    assert not PendingUsageImport.objects.filter(user=world.editor).exists()
    assert _statistics_of("14") == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("usage_import_check"))
def test_another_users_background_check_cannot_be_seen_confirmed_or_cancelled(
    world, editor_client, superuser_client, model, name
):
    check = ImportBatch.objects.create(
        user=world.superuser,
        file_name="national.csv",
        sha256="0" * 64,
        outcome=ImportState.DRY_RUN,
        rows_read=1,
        rows_created=1,
    )
    pending = pending_import(
        user=world.superuser,
        file_name="national.csv",
        content=f"{USAGE_HEADER}\n14,,virtsatietulehdus,assessments_started,week,2024-W05,999999\n".encode(),
        sha256="0" * 64,
        preview_batch=check,
    )
    before = _statistics_of("14")
    url = reverse(f"admin:{name}", args=[check.pk])

    opened = editor_client.get(url)
    posted = editor_client.post(url)
    confirmed = editor_client.post(reverse("admin:metrics_usagestatistic_import_confirm", args=[pending.token]))
    cancelled = editor_client.post(reverse("admin:metrics_usagestatistic_import_cancel", args=[pending.token]))

    assert opened.status_code in REFUSED
    assert posted.status_code in REFUSED
    assert confirmed.status_code in REFUSED
    assert cancelled.status_code in REFUSED
    assert superuser_client.get(url).status_code == HTTPStatus.OK
    assert PendingUsageImport.objects.filter(pk=pending.pk).exists()
    assert _statistics_of("14") == before


# --- "use this model": copying a published description ------------------------------------------------


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("copy_model"))
def test_copies_come_only_from_published_guides_and_go_only_into_the_editors_county(world, editor_client, model, name):
    url = reverse(f"admin:{name}")
    published_elsewhere = ProcessDescription.objects.published().exclude(county=world.own_county).first()
    lapland_draft = ProcessDescription.objects.get(county__code="21", status=PublicationStatus.DRAFT)
    foreign_county = WellbeingCounty.objects.get(code="21")
    before = ProcessDescription.objects.count()

    listed = editor_client.get(url)
    copied_draft = editor_client.post(url, {"source": lapland_draft.pk, "county": world.own_county.pk})
    copied_elsewhere = editor_client.post(url, {"source": published_elsewhere.pk, "county": foreign_county.pk})

    assert listed.status_code == HTTPStatus.OK
    offered = {source.pk for source in listed.context["sources"]}
    assert offered == set(ProcessDescription.objects.published().values_list("pk", flat=True))
    assert {county.pk for county in listed.context["counties"]} == {world.own_county.pk}
    assert copied_draft.status_code == copied_elsewhere.status_code == HTTPStatus.OK
    assert ProcessDescription.objects.count() == before


# --- plans: a county's running plans on one timeline ---------------------------------------------------


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("county_timeline"))
def test_the_county_timeline_shows_only_the_editors_county(world, editor_client, model, name):
    url = reverse(f"admin:{name}")

    own = editor_client.get(url)
    asked_for_foreign = [editor_client.get(url, {"county": code}) for code in FOREIGN_COUNTIES]

    assert own.status_code == HTTPStatus.OK
    assert own.context["timeline"].plans, "no running plan at all: the test would pass vacuously"
    assert {plan.rollout.county_id for plan in own.context["timeline"].plans} == {world.own_county.pk}
    assert [response.status_code for response in asked_for_foreign] == [HTTPStatus.NOT_FOUND] * 2


def test_a_lesson_cannot_be_written_on_another_countys_done_phase(world, editor_client):
    from plans.models import PlanPhaseLesson, RolloutPlan
    from plans.phases import plan_phases

    plan = RolloutPlan.objects.filter(rollout__county__code="14").order_by("pk").first()
    done = [phase for phase in plan_phases(plan.tasks.all(), plan.source_version.snapshot) if phase.is_done]
    assert done, "no done phase: the test would pass vacuously"
    url = reverse("admin:plans_rolloutplan_lesson", args=[plan.pk])
    before = list(PlanPhaseLesson.objects.filter(plan=plan).values_list("source_phase_id", "lesson"))

    for phase in done:
        opened = editor_client.get(url, {"phase": phase.source_phase_id})
        posted = editor_client.post(url, {"phase": phase.source_phase_id, "lesson": "Kaapattu oppi."})
        assert (opened.status_code, posted.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    assert list(PlanPhaseLesson.objects.filter(plan=plan).values_list("source_phase_id", "lesson")) == before


# --- routes: the check, the copies and publication ---------------------------------------------------


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_check"))
def test_the_route_check_shows_only_the_editors_county(world, editor_client, model, name):
    response = editor_client.get(reverse(f"admin:{name}"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["rows"], "no finding at all: the test would pass vacuously"
    assert {row["finding"].county_id for row in response.context["rows"]} == {world.own_county.pk}


def _routes_of(code):
    return sorted(Route.objects.filter(county__code=code).values_list("pk", "module", "valid_from"))


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_copy_content"))
def test_routes_cannot_be_copied_into_another_county(world, editor_client, model, name):
    url = reverse(f"admin:{name}")
    lapland = WellbeingCounty.objects.get(code="21")
    yska = ContentModule.objects.get(code="yska")
    target = ContentModule.objects.get(code="kurkkukipu")
    before = {code: _routes_of(code) for code in ("09", "21")}

    listed = editor_client.get(url)
    posted = editor_client.post(url, {"county": lapland.pk, "source": yska.pk, "target": target.pk})

    assert listed.status_code == HTTPStatus.OK
    assert {county.pk for county in listed.context["counties"]} == {world.own_county.pk}
    assert posted.status_code == HTTPStatus.OK
    assert {code: _routes_of(code) for code in ("09", "21")} == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_copy_published"))
def test_published_routes_are_copied_only_into_the_editors_county(world, editor_client, model, name):
    url = reverse(f"admin:{name}")
    lapland_published = PublishedRouteSet.objects.get(county__code="21")
    north_karelia = WellbeingCounty.objects.get(code="14")
    before = {code: _routes_of(code) for code in ("09", "14", "21")}

    listed = editor_client.get(url)
    posted = editor_client.post(url, {"source": lapland_published.pk, "county": north_karelia.pk})

    assert listed.status_code == HTTPStatus.OK
    assert {county.pk for county in listed.context["counties"]} == {world.own_county.pk}
    assert posted.status_code == HTTPStatus.OK
    assert {code: _routes_of(code) for code in ("09", "14", "21")} == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_publish"))
def test_an_editor_publishes_no_county_s_routes(world, editor_client, model, name):
    url = reverse(f"admin:{name}")
    before = sorted(PublishedRouteSet.objects.values_list("pk", flat=True))
    wellbeing_check = ContentModule.objects.get(code="hyvinvointitarkastus")
    yska = ContentModule.objects.get(code="yska")

    listed = editor_client.get(url)
    own = editor_client.post(url, {"county": world.own_county.pk, "module": wellbeing_check.pk})
    foreign = editor_client.post(url, {"county": WellbeingCounty.objects.get(code="21").pk, "module": yska.pk})

    assert listed.status_code == own.status_code == foreign.status_code == HTTPStatus.OK
    assert list(listed.context["counties"]) == []
    assert sorted(PublishedRouteSet.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_file_export"))
def test_the_route_file_holds_only_the_editors_routes(world, editor_client, model, name):
    response = editor_client.get(reverse(f"admin:{name}"))

    assert response.status_code == HTTPStatus.OK
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows, "the editor exports nothing: the test would pass vacuously"
    assert {row["county"] for row in rows} == {OWN_COUNTY}


@pytest.mark.parametrize(("model", "name"), patterns_of_kind("route_file_import"))
def test_a_route_file_cannot_change_another_countys_routes(world, editor_client, model, name):
    lapland_route = Route.objects.filter(county__code="21").order_by("pk").first()
    before = {code: _routes_of(code) for code in ("09", "14", "21")}
    header = "id,county,content,outcome,window,channel,unit,valid_from"
    rows = [
        f"{lapland_route.pk},21,yska,non-urgent,always,phone_line,terveysasema,2020-01-01",
        f"{lapland_route.pk},{OWN_COUNTY},yska,non-urgent,always,phone_line,116117,2020-01-01",
        ",14,virtsatietulehdus,non-urgent,always,phone_line,terveysasema,2020-01-01",
    ]
    upload = SimpleUploadedFile("routes.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")

    response = editor_client.post(reverse(f"admin:{name}"), {"file": upload})

    assert response.status_code == HTTPStatus.OK
    assert len(response.context["result"].errors) == 3
    assert {code: _routes_of(code) for code in ("09", "14", "21")} == before


# --- the site's own URLs ------------------------------------------------------------------------------


def _relation_fields():
    """Every relation of every model whose other end has an admin: what autocomplete may be asked for."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in admin.site._registry:
                yield pytest.param(model, field.name, id=f"{model._meta.label}.{field.name}")


def pickable_ids(source_model, field_name, related_model, user) -> set:
    """Rows of the related model the editor may choose or see in this field."""
    queryset = related_model._default_manager.filter(visible_q(related_model, user))
    also = ALSO_PICKABLE.get((source_model._meta.label, field_name))
    if also is not None:
        queryset = queryset | also()
    return set(queryset.values_list("pk", flat=True))


def _autocomplete_ids(client, source_model, field_name):
    ids, page = set(), 1
    while True:
        response = client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": source_model._meta.app_label,
                "model_name": source_model._meta.model_name,
                "field_name": field_name,
                "page": page,
            },
        )
        if response.status_code != HTTPStatus.OK:
            return response.status_code, ids
        body = response.json()
        ids |= {result["id"] for result in body["results"]}
        if not body["pagination"]["more"]:
            return response.status_code, ids
        page += 1


@pytest.mark.parametrize(("source_model", "field_name"), list(_relation_fields()))
def test_autocomplete_offers_only_rows_the_editor_may_pick(world, editor_client, source_model, field_name):
    related_model = source_model._meta.get_field(field_name).related_model

    status, offered = _autocomplete_ids(editor_client, source_model, field_name)

    assert status in {HTTPStatus.OK} | REFUSED
    allowed = {str(pk) for pk in pickable_ids(source_model, field_name, related_model, world.editor)}
    assert offered <= allowed
    if status == HTTPStatus.OK and allowed:
        assert offered, "the editor is offered nothing: the test would pass vacuously"


def test_county_autocomplete_lists_only_the_editors_county(world, editor_client):
    status, offered = _autocomplete_ids(editor_client, ProcessDescription, "county")

    assert status == HTTPStatus.OK
    assert offered == {str(world.own_county.pk)}


def test_rollout_process_autocomplete_offers_other_counties_published_guides_but_no_drafts(world, editor_client):
    from processes.models import Rollout

    status, offered = _autocomplete_ids(editor_client, Rollout, "process")

    published_elsewhere = ProcessDescription.objects.published().exclude(county=world.own_county)
    lapland_draft = ProcessDescription.objects.get(county__code="21", status=PublicationStatus.DRAFT)
    assert status == HTTPStatus.OK
    assert {str(pk) for pk in published_elsewhere.values_list("pk", flat=True)} <= offered
    assert str(lapland_draft.pk) not in offered


@pytest.mark.parametrize("model", [pytest.param(model, id=model._meta.label) for model, _admin in REGISTERED])
def test_view_on_site_takes_the_editor_nowhere_the_public_cannot_go(world, editor_client, model):
    content_type = ContentType.objects.get_for_model(model)
    for row in foreign_rows(model, world.editor):
        url = reverse("admin:view_on_site", args=[content_type.pk, row.pk])

        as_editor = editor_client.get(url, follow=True)
        as_public = Client().get(as_editor.redirect_chain[-1][0]) if as_editor.redirect_chain else None

        if as_editor.status_code == HTTPStatus.OK:
            assert as_public is not None and as_public.status_code == HTTPStatus.OK, url
        else:
            assert as_editor.status_code in REFUSED, url


def test_site_pages_and_the_catch_all_open_without_rows(world, editor_client):
    assert editor_client.get(reverse("admin:index")).status_code == HTTPStatus.OK
    assert editor_client.get(reverse("admin:app_list", args=["processes"])).status_code == HTTPStatus.OK
    assert editor_client.get(reverse("admin:jsi18n")).status_code == HTTPStatus.OK
    assert editor_client.get("/admin/no-such-page/").status_code == HTTPStatus.NOT_FOUND


# --- positive controls: the same editor opens their own rows, a superuser opens everything --------


def _row_urls(model, pk):
    opts = model._meta
    names = [f"{opts.app_label}_{opts.model_name}_{suffix}" for suffix in ("change", "history")]
    urls = [reverse(f"admin:{name}", args=[pk]) for name in names]
    manager = history_manager(model)
    if manager is not None:
        state = manager.filter(**{opts.pk.attname: pk}).order_by("history_date").last()
        if state is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[pk, state.history_id])
            )
    return urls


OWNED_MODELS = [
    pytest.param(model, id=model._meta.label)
    for model, _admin in REGISTERED
    if model._meta.label in USER_OWNED or (county_path(model) and model._meta.label not in REFERENCE_DATA)
]


@pytest.mark.parametrize("model", OWNED_MODELS)
def test_the_editor_opens_their_own_rows(world, editor_client, model):
    if not admin.site._registry[model].has_view_permission(_request_of(world.editor)):
        pytest.fail(f"the County editors group cannot view {model._meta.label}; classify it as private")
    row = own_row(model, world.editor)

    for url in _row_urls(model, row.pk):
        assert editor_client.get(url).status_code == HTTPStatus.OK, url


@pytest.mark.parametrize("model", [pytest.param(model, id=model._meta.label) for model, _admin in REGISTERED])
def test_a_superuser_opens_every_countys_rows(world, superuser_client, model):
    for row in foreign_rows(model, world.editor):
        for url in _row_urls(model, row.pk):
            assert superuser_client.get(url).status_code == HTTPStatus.OK, url
