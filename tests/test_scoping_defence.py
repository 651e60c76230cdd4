"""The county scope's second line of defence, called as a caller that skips the admin's first checks would.

The admin's pages answer another county's row with 404 before any of these methods is asked, so
only a direct call shows what each refuses on its own (docs/mutation.md): Päijät-Häme's editor,
holding every model permission the check needs, asks about a receiving unit, its opening hours
and its inline of North Karelia's, and about the own county's, which the same call allows. Then
the scope's promise to the admin classes below it: it adds its check and passes every argument on.
"""

import datetime
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_save
from django.forms import inlineformset_factory
from django.test import RequestFactory
from django.urls import ResolverMatch, resolve, reverse

from processes.models import ContentModule
from processes.tests.admin_forms import page_form_data
from processes.tests.factories import ContentModuleFactory
from regions.models import WellbeingCounty
from regions.permissions import editor_group_ensure
from regions.scoping import FOREIGN_COUNTY_ERROR, CountyScopedAdminMixin, ReferenceDataAdminMixin
from regions.tests.factories import WellbeingCountyFactory
from routing.admin import OpeningHoursInline
from routing.models import OpeningHours, ReceivingUnit, Route
from routing.tests.factories import OpeningHoursFactory, ReceivingUnitFactory

pytestmark = pytest.mark.django_db

HOURS_FIELDS = ["weekday", "opens", "closes"]


@pytest.fixture
def counties(db):
    return {
        "north_karelia": WellbeingCountyFactory(north_karelia=True),
        "paijat_hame": WellbeingCountyFactory(code="09", name_fi="Päijät-Hämeen hyvinvointialue"),
    }


@pytest.fixture
def editor(counties, django_user_model):
    # The editors' group, and the delete permissions a national administrator holds, so that
    # the county is the only thing that refuses.
    user = django_user_model.objects.create_user("paijat-hame-editor", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    user.user_permissions.set(Permission.objects.filter(codename="delete_receivingunit"))
    counties["paijat_hame"].editors.add(user)
    return user


@pytest.fixture
def units(counties):
    return {
        "own": ReceivingUnitFactory(county=counties["paijat_hame"], code="lahti", name_fi="Lahden terveysasema"),
        "foreign": ReceivingUnitFactory(
            county=counties["north_karelia"], code="joensuu", name_fi="Joensuun terveysasema"
        ),
    }


@pytest.fixture
def hours(units):
    return {
        name: OpeningHoursFactory(unit=unit, weekday=1, opens=datetime.time(8), closes=datetime.time(16))
        for name, unit in units.items()
    }


def _request(user, method="get", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.user = user
    return request


def _unit_admin():
    return admin.site._registry[ReceivingUnit]


def _hours_inline():
    return OpeningHoursInline(ReceivingUnit, admin.site)


def _fresh(unit):
    # A new instance: what one check remembers on a row must not answer for another.
    return ReceivingUnit.objects.get(pk=unit.pk)


def _hours(unit):
    return list(OpeningHours.objects.filter(unit=unit).values_list(*HOURS_FIELDS))


# --- the permission checks ---------------------------------------------------------------------------


def test_every_permission_check_refuses_another_countys_row_and_allows_the_own(editor, units):
    unit_admin, request = _unit_admin(), _request(editor)

    def answers(unit):
        return (
            unit_admin.has_view_permission(request, unit),
            unit_admin.has_change_permission(request, unit),
            unit_admin.has_delete_permission(request, unit),
            unit_admin.has_view_history_permission(request, unit),
            unit_admin.has_change_history_permission(request, unit),
            unit_admin.in_county_scope(request, unit),
        )

    assert answers(_fresh(units["foreign"])) == (False, False, False, False, False, False)
    assert answers(_fresh(units["own"])) == (True, True, True, True, True, True)


def test_a_rows_counties_are_read_once_for_its_checks_and_again_for_a_save(editor, units, django_assert_num_queries):
    unit_admin, request = _unit_admin(), _request(editor)
    ReceivingUnitFactory(county=units["own"].county, code="hollola")
    # The user's permissions and counties, read once per request.
    assert unit_admin.has_view_permission(request, ReceivingUnit.objects.get(code="hollola")) is True
    unit = _fresh(units["own"])

    # One query for the row's stored county while checking, one more when saving.
    with django_assert_num_queries(2):
        assert unit_admin.has_view_permission(request, unit) is True
        assert unit_admin.has_change_permission(request, unit) is True
        assert unit_admin.has_delete_permission(request, unit) is True
        assert unit_admin.county_ids_of(unit) == {units["own"].county_id}
        unit_admin.ensure_editable(request, unit)


def test_a_save_rereads_the_counties_a_check_remembered(editor, units, counties):
    unit_admin, request = _unit_admin(), _request(editor)
    unit = _fresh(units["own"])
    assert unit_admin.has_change_permission(request, unit) is True

    unit.county = counties["north_karelia"]

    with pytest.raises(PermissionDenied) as refused:
        unit_admin.ensure_editable(request, unit)
    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)


def test_saving_another_countys_row_is_refused_and_keeps_it(editor, units):
    unit_admin = _unit_admin()
    foreign, own = _fresh(units["foreign"]), _fresh(units["own"])
    foreign.name_fi = "Joensuun terveyskeskus"
    own.name_fi = "Lahden terveyskeskus"

    with pytest.raises(PermissionDenied) as refused:
        unit_admin.save_model(_request(editor, "post"), foreign, None, True)
    unit_admin.save_model(_request(editor, "post"), own, None, True)

    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    assert sorted(ReceivingUnit.objects.values_list("name_fi", flat=True)) == [
        "Joensuun terveysasema",
        "Lahden terveyskeskus",
    ]


# --- an inline: its own rows and the row it sits in ------------------------------------------------------


def test_an_inline_refuses_another_countys_rows_and_the_row_they_sit_in(editor, units, hours):
    inline, request = _hours_inline(), _request(editor)

    def answers(name):
        unit = _fresh(units[name])
        return (
            inline.has_view_permission(request, unit),
            inline.has_change_permission(request, unit),
            inline.has_delete_permission(request, unit),
            inline.in_county_scope(request, OpeningHours.objects.get(pk=hours[name].pk)),
        )

    assert answers("foreign") == (False, False, False, False)
    assert answers("own") == (True, True, True, True)


def test_an_inline_reads_the_counties_once_for_its_checks(editor, units, hours, django_assert_num_queries):
    inline, request = _hours_inline(), _request(editor)
    assert inline.has_view_permission(request, _fresh(units["own"])) is True
    unit, row = _fresh(units["own"]), OpeningHours.objects.get(pk=hours["own"].pk)

    # The unit's stored county; the opening hours' unit's county and their stored one.
    with django_assert_num_queries(3):
        assert inline.has_view_permission(request, unit) is True
        assert inline.has_change_permission(request, unit) is True
        assert inline.has_delete_permission(request, unit) is True
        assert inline.in_county_scope(request, row) is True
        assert inline.in_county_scope(request, row) is True


def test_an_inline_rereads_the_counties_a_check_remembered(editor, units, hours, counties):
    inline, request = _hours_inline(), _request(editor)
    unit, row = _fresh(units["own"]), OpeningHours.objects.get(pk=hours["own"].pk)
    assert (inline.has_change_permission(request, unit), inline.in_county_scope(request, row)) == (True, True)

    row.unit = units["foreign"]
    unit.county = counties["north_karelia"]

    with pytest.raises(PermissionDenied):
        inline.ensure_editable(request, row)
    assert inline.in_county_scope(request, unit, refresh=True) is False


def test_an_inline_formset_of_another_countys_row_changes_and_deletes_nothing(editor, units, hours):
    inline, request = _hours_inline(), _request(editor)

    def formset_of(name):
        unit = _fresh(units[name])
        formset_class = inline.get_formset(request, unit)
        prefix = formset_class.get_default_prefix()
        data = {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(hours[name].pk),
            f"{prefix}-0-weekday": "1",
            f"{prefix}-0-opens": "08:00",
            f"{prefix}-0-closes": "18:00",
        }
        formset = formset_class(data, instance=unit, prefix=prefix)
        return formset_class.can_delete, formset.forms[0].has_changed()

    assert formset_of("foreign") == (False, False)
    assert formset_of("own") == (True, True)


# --- the inlines' save: every row it writes or deletes is checked -------------------------------------------


def _posted_formset(request, unit, *, rows, template_unit):
    # The formset of `template_unit`'s page (whose permissions it carries), posted for `unit`:
    # what a caller sending another row's data through a formset would save.
    formset_class = _hours_inline().get_formset(request, template_unit)
    prefix = formset_class.get_default_prefix()
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(sum("id" in row for row in rows))}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    formset = formset_class(data, instance=unit, prefix=prefix)
    assert formset.is_valid(), formset.errors
    return formset


def test_an_inline_save_adding_or_changing_another_countys_rows_is_refused(editor, units, hours):
    unit_admin, request = _unit_admin(), _request(editor, "post")
    own, foreign = _fresh(units["own"]), _fresh(units["foreign"])
    wednesday = {"weekday": "3", "opens": "09:00", "closes": "15:00"}
    longer_monday = {"id": str(hours["foreign"].pk), "weekday": "1", "opens": "08:00", "closes": "18:00"}

    for rows in ([wednesday], [longer_monday]):
        formset = _posted_formset(request, foreign, rows=rows, template_unit=own)
        with pytest.raises(PermissionDenied) as refused:
            unit_admin.save_formset(request, None, formset, True)
        assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    unit_admin.save_formset(request, None, _posted_formset(request, own, rows=[wednesday], template_unit=own), True)

    assert _hours(foreign) == [(1, datetime.time(8), datetime.time(16))]
    assert _hours(own) == [(1, datetime.time(8), datetime.time(16)), (3, datetime.time(9), datetime.time(15))]


def test_an_inline_save_deleting_another_countys_row_is_refused(editor, units, hours):
    unit_admin, request = _unit_admin(), _request(editor, "post")
    own, foreign = _fresh(units["own"]), _fresh(units["foreign"])

    def deleting(name):
        return [{"id": str(hours[name].pk), "weekday": "1", "opens": "08:00", "closes": "16:00", "DELETE": "on"}]

    formset = _posted_formset(request, foreign, rows=deleting("foreign"), template_unit=own)
    with pytest.raises(PermissionDenied):
        unit_admin.save_formset(request, None, formset, True)
    unit_admin.save_formset(request, None, _posted_formset(request, own, rows=deleting("own"), template_unit=own), True)

    assert (_hours(foreign), _hours(own)) == ([(1, datetime.time(8), datetime.time(16))], [])


def test_a_formset_without_the_county_scope_is_saved_as_the_admin_saves_it(editor, units):
    # Every inline of a county-scoped admin carries the scope (check regions.E002); a formset
    # built elsewhere is saved by ModelAdmin.save_formset.
    own = _fresh(units["own"])
    formset_class = inlineformset_factory(ReceivingUnit, OpeningHours, fields=HOURS_FIELDS, extra=1)
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-weekday": "5",
        f"{prefix}-0-opens": "10:00",
        f"{prefix}-0-closes": "14:00",
    }
    formset = formset_class(data, instance=own, prefix=prefix)
    assert formset.is_valid(), formset.errors

    _unit_admin().save_formset(_request(editor, "post"), None, formset, True)

    assert _hours(own) == [(5, datetime.time(10), datetime.time(14))]


# --- the choices of related rows, and searches ------------------------------------------------------------


def test_a_fields_choices_are_the_own_countys_rows_and_national_reference_data_whole(editor, units, counties):
    route_admin, request = admin.site._registry[Route], _request(editor)
    ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")
    ContentModuleFactory(code="selkakipu", name_fi="Selkäkipu")

    def choices(field_name, queryset, attribute):
        picked = route_admin.pickable(request, Route._meta.get_field(field_name), queryset)
        return sorted(getattr(row, attribute) for row in picked)

    assert choices("county", WellbeingCounty.objects.all(), "code") == ["09"]
    assert choices("module", ContentModule.objects.all(), "name_fi") == ["Kurkkukipu", "Selkäkipu"]
    # A route may send to a partner county's unit (RouteAdmin.also_pickable).
    assert choices("receiving_unit", ReceivingUnit.objects.all(), "code") == ["joensuu", "lahti"]
    county_choices = route_admin.get_field_queryset("default", Route._meta.get_field("county"), request)
    assert [county.code for county in county_choices] == ["09"]


def test_a_countys_editors_are_offered_in_the_user_admins_order(django_user_model, counties):
    # The user admin orders by username; the users themselves have no order of their own.
    for username in ("ville", "aino", "mikko"):
        django_user_model.objects.create_user(username, password="x", is_staff=True)
    superuser = django_user_model.objects.create_user("root", password="x", is_staff=True, is_superuser=True)
    county_admin, county = admin.site._registry[WellbeingCounty], counties["paijat_hame"]

    form = county_admin.get_form(_request(superuser), county)

    assert [user.username for user in form.base_fields["editors"].queryset] == ["aino", "mikko", "root", "ville"]


def test_a_search_outside_the_autocomplete_searches_only_the_own_rows(editor, units):
    unit_admin = _unit_admin()
    # The parameters of the autocomplete of a route's unit, which may be a partner county's.
    request = _request(editor, data={"app_label": "routing", "model_name": "route", "field_name": "receiving_unit"})

    def found(view_url):
        request.resolver_match = resolve(view_url) if view_url else None
        matches, _duplicates = unit_admin.get_search_results(request, unit_admin.get_queryset(request), "terveysasema")
        return sorted(unit.code for unit in matches)

    assert found(None) == ["lahti"]
    assert found(reverse("admin:routing_receivingunit_changelist")) == ["lahti"]
    assert found(reverse("admin:autocomplete")) == ["joensuu", "lahti"]


# --- a past state: the page and its revert --------------------------------------------------------------------


def test_a_past_states_page_shows_the_context_it_is_given_also_when_the_revert_is_invalid(editor, units):
    unit = units["own"]
    first = unit.history.earliest()
    unit.name_fi = "Lahden terveyskeskus"
    unit.save()
    title = "Lahden terveysaseman tila ennen nimenmuutosta"

    shown = _unit_admin().history_form_view(_request(editor), str(unit.pk), first.history_id, {"title": title})
    invalid = _unit_admin().history_form_view(
        _request(editor, "post", {"name_fi": ""}), str(unit.pk), first.history_id, {"title": title}
    )

    assert (shown.status_code, invalid.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
    assert f"<h1>{title}</h1>" in shown.content.decode()
    assert f"<h1>{title}</h1>" in invalid.content.decode()
    assert ReceivingUnit.objects.get(pk=unit.pk).name_fi == "Lahden terveyskeskus"


class RevertFailed(Exception):
    pass


def test_a_revert_that_fails_after_saving_the_row_keeps_nothing(client, editor, units):
    # The revert runs in a transaction of its own (a savepoint inside the test's): the row's save
    # is undone with the failure that follows it, as it would be without the test's transaction.
    unit = units["own"]
    first = unit.history.earliest()
    unit.name_fi = "Lahden terveyskeskus"
    unit.save()
    url = reverse("admin:routing_receivingunit_simple_history", args=[unit.pk, first.history_id])
    client.force_login(editor)
    data = page_form_data(client.get(url))

    def fail_after_save(sender, instance, **kwargs):
        raise RevertFailed

    post_save.connect(fail_after_save, sender=ReceivingUnit)
    try:
        with pytest.raises(RevertFailed):
            client.post(url, data)
    finally:
        post_save.disconnect(fail_after_save, sender=ReceivingUnit)

    assert ReceivingUnit.objects.get(pk=unit.pk).name_fi == "Lahden terveyskeskus"


# --- the scope adds to the admin below it and passes every argument on -------------------------------------
#
# The project's admins put the scope in front of Django's and django-simple-history's classes,
# which do not read every argument today; an admin class below the scope that does (a rule of
# its own on a row, a form or another database) must still get them as the admin passed them.


class RecordingAdmin(admin.ModelAdmin):
    """An admin class below the scope that records what reaches it and allows everything."""

    also = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = []

    def has_view_permission(self, request, obj=None):
        self.calls.append(("has_view_permission", request, obj))
        return True

    def has_change_permission(self, request, obj=None):
        self.calls.append(("has_change_permission", request, obj))
        return True

    def has_delete_permission(self, request, obj=None):
        self.calls.append(("has_delete_permission", request, obj))
        return True

    def has_view_history_permission(self, request, obj=None):
        self.calls.append(("has_view_history_permission", request, obj))
        return True

    def has_change_history_permission(self, request, obj=None):
        self.calls.append(("has_change_history_permission", request, obj))
        return True

    def save_model(self, request, obj, form, change):
        self.calls.append(("save_model", request, obj, form, change))

    def delete_model(self, request, obj):
        self.calls.append(("delete_model", request, obj))

    def delete_queryset(self, request, queryset):
        self.calls.append(("delete_queryset", request, sorted(queryset.values_list("code", flat=True))))

    def save_formset(self, request, form, formset, change):
        self.calls.append(("save_formset", request, form, formset, change))

    def get_queryset(self, request):
        self.calls.append(("get_queryset", request))
        return super().get_queryset(request)

    def get_search_results(self, request, queryset, search_term):
        self.calls.append(("get_search_results", request))
        return queryset, False

    def get_list_filter(self, request):
        self.calls.append(("get_list_filter", request))
        return []

    def get_field_queryset(self, db, db_field, request):
        self.calls.append(("get_field_queryset", db, request))
        return None


class ScopedRecordingAdmin(CountyScopedAdminMixin, RecordingAdmin):
    def also_pickable(self, request, db_field):
        self.calls.append(("also_pickable", request))
        return None


class CountyRecordingAdmin(CountyScopedAdminMixin, RecordingAdmin):
    county_field = "pk"


class ReferenceRecordingAdmin(ReferenceDataAdminMixin, RecordingAdmin):
    pass


@pytest.fixture
def recording_site():
    site = admin.AdminSite(name="defence")
    site.register(ReceivingUnit, ScopedRecordingAdmin)
    site.register(Route, ScopedRecordingAdmin)
    site.register(WellbeingCounty, CountyRecordingAdmin)
    site.register(ContentModule, ReferenceRecordingAdmin)
    return site


def test_the_permission_checks_pass_the_row_to_the_admin_below_the_scope(
    recording_site, editor, units, django_user_model
):
    units_admin, request = recording_site._registry[ReceivingUnit], _request(editor)
    superuser = django_user_model.objects.create_user("root", password="x", is_staff=True, is_superuser=True)
    contents_admin, superuser_request = recording_site._registry[ContentModule], _request(superuser)
    content = ContentModuleFactory(code="kurkkukipu")
    unit = _fresh(units["own"])
    checks_of_a_row = [
        "has_view_permission",
        "has_change_permission",
        "has_delete_permission",
        "has_view_history_permission",
        "has_change_history_permission",
    ]
    reference_checks = ["has_change_permission", "has_delete_permission", "has_change_history_permission"]

    assert [getattr(units_admin, check)(request, unit) for check in checks_of_a_row] == [True] * 5
    assert [getattr(contents_admin, check)(superuser_request, content) for check in reference_checks] == [True] * 3

    assert units_admin.calls == [(check, request, unit) for check in checks_of_a_row]
    assert contents_admin.calls == [(check, superuser_request, content) for check in reference_checks]


def test_the_writes_pass_the_request_the_row_the_form_and_the_change_to_the_admin_below_the_scope(
    recording_site, editor, units
):
    units_admin, request = recording_site._registry[ReceivingUnit], _request(editor, "post")
    unit, form, formset = _fresh(units["own"]), object(), object()

    units_admin.save_model(request, unit, form, True)
    units_admin.delete_model(request, unit)
    units_admin.delete_queryset(request, ReceivingUnit.objects.all())
    # A formset without the county scope: the admin below saves it.
    units_admin.save_formset(request, form, formset, True)

    assert units_admin.calls == [
        ("save_model", request, unit, form, True),
        ("delete_model", request, unit),
        ("delete_queryset", request, ["lahti"]),
        ("save_formset", request, form, formset, True),
    ]


def test_the_choices_and_searches_pass_the_request_and_the_database_to_the_admin_below_the_scope(
    recording_site, editor, units
):
    units_admin, routes_admin = recording_site._registry[ReceivingUnit], recording_site._registry[Route]
    request = _request(editor, data={"app_label": "routing", "model_name": "route", "field_name": "receiving_unit"})
    county_field = ReceivingUnit._meta.get_field("county")

    units_admin.get_list_filter(request)
    units_admin.get_search_results(request, ReceivingUnit.objects.all(), "")
    # Another database the admin's form is read from: the choices are asked there.
    assert units_admin.get_field_queryset("replica", county_field, request).db == "replica"
    request.resolver_match = ResolverMatch(lambda: None, (), {}, url_name="autocomplete", namespaces=["defence"])
    matches, _duplicates = units_admin.get_search_results(request, ReceivingUnit.objects.none(), "")
    picked = routes_admin.pickable(request, Route._meta.get_field("receiving_unit"), ReceivingUnit.objects.all())

    assert units_admin.calls == [
        ("get_list_filter", request),
        ("get_search_results", request),
        ("get_field_queryset", "replica", request),
        ("also_pickable", request),
        ("get_queryset", request),
        ("get_search_results", request),
    ]
    assert routes_admin.calls == [("also_pickable", request), ("also_pickable", request)]
    assert (sorted(unit.code for unit in matches), [unit.code for unit in picked]) == (["lahti"], ["lahti"])
