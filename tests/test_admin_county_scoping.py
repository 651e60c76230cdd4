"""A county's editor changes only that county's data; superusers change everything."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from processes.models import ContentModule, Phase, ProcessDescription, PublicationStatus, Rollout, Step
from regions.models import ServiceArea, WellbeingCounty
from regions.permissions import EDITOR_GROUP
from regions.scoping import FOREIGN_COUNTY_ERROR, CountyScopedAdminMixin
from tests.test_admin_url_matrix import form_data, page_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo_data, django_user_model):
    user = django_user_model.objects.create_user("paijat-hame-editor", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    WellbeingCounty.objects.get(code="09").editors.add(user)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def own_process():
    return ProcessDescription.objects.get(county__code="09")


def foreign_process():
    return ProcessDescription.objects.get(county__code="14")


def test_editor_lists_only_own_county_processes(editor_client):
    response = editor_client.get(reverse("admin:processes_processdescription_changelist"))

    assert response.status_code == HTTPStatus.OK
    assert {process.county.code for process in response.context["cl"].result_list} == {"09"}


def test_editor_cannot_open_another_countys_process(editor_client):
    response = editor_client.get(reverse("admin:processes_processdescription_change", args=[foreign_process().pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_editor_cannot_post_changes_to_another_countys_rollout(editor_client):
    rollout = Rollout.objects.filter(county__code="14").first()

    response = editor_client.post(
        reverse("admin:processes_rollout_change", args=[rollout.pk]), {"notes": "hijacked", "status": "in_use"}
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    rollout.refresh_from_db()
    assert rollout.notes != "hijacked"


def test_editor_can_change_own_process(editor_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_change", args=[process.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "modules"}
    data.update(
        {
            "title": "Uusi otsikko",
            "county": process.county_id,
            "modules": [module.pk for module in process.modules.all()],
            "created_at_0": "16.05.2023",
            "created_at_1": "12:00:00",
            "published_at_0": "17.11.2023",
            "published_at_1": "12:00:00",
            "phases-TOTAL_FORMS": "0",
            "phases-INITIAL_FORMS": "0",
            "links-TOTAL_FORMS": "0",
            "links-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        }
    )

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    process.refresh_from_db()
    assert process.title == "Uusi otsikko"


def test_editor_cannot_move_a_process_to_another_county(editor_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_change", args=[process.pk])
    foreign = WellbeingCounty.objects.get(code="14")

    response = editor_client.post(url, {"title": "x", "slug": process.slug, "county": foreign.pk, "summary": "s"})

    assert response.status_code == HTTPStatus.OK
    assert "county" in response.context["adminform"].form.errors
    process.refresh_from_db()
    assert process.county.code == "09"


def test_editor_county_choices_are_only_their_own(editor_client):
    response = editor_client.get(reverse("admin:processes_rollout_add"))

    county_field = response.context["adminform"].form.fields["county"]
    area_field = response.context["adminform"].form.fields["service_area"]
    assert [county.code for county in county_field.queryset] == ["09"]
    assert {area.county.code for area in area_field.queryset} == {"09"}


def test_editor_sees_only_own_service_areas(editor_client):
    response = editor_client.get(reverse("admin:regions_servicearea_changelist"))

    assert {area.county.code for area in response.context["cl"].result_list} == {"09"}
    assert ServiceArea.objects.exclude(county__code="09").exists()


def test_editor_cannot_change_county_identity_or_editors(editor_client):
    county = WellbeingCounty.objects.get(code="09")

    response = editor_client.get(reverse("admin:regions_wellbeingcounty_change", args=[county.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "editors" not in response.context["adminform"].form.fields
    assert "brand" in response.context["adminform"].form.fields


def test_editor_cannot_edit_another_county(editor_client):
    county = WellbeingCounty.objects.get(code="14")

    response = editor_client.post(reverse("admin:regions_wellbeingcounty_change", args=[county.pk]), {"brand": "X"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    county.refresh_from_db()
    assert county.brand == "Siun sote"


def test_staff_without_county_sees_no_rows(client, demo_data, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    client.force_login(user)

    response = client.get(reverse("admin:processes_rollout_changelist"))

    assert list(response.context["cl"].result_list) == []


def test_anonymous_user_is_sent_to_login(client, demo_data):
    response = client.get(reverse("admin:processes_processdescription_changelist"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("admin:login"))


def test_changes_are_recorded_with_the_user(admin_client, admin_user, demo_data):
    process = own_process()
    url = reverse("admin:processes_processdescription_changelist")

    admin_client.post(url, {"action": "archive", "_selected_action": [process.pk]})

    process.refresh_from_db()
    latest = process.history.latest()
    assert process.status == "archived"
    assert latest.history_user == admin_user
    assert latest.status == "archived"


# --- the history form and its revert -------------------------------------------------------------


def history_url(obj, record):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, record.history_id])


def lapland_draft():
    return ProcessDescription.objects.get(county__code="21", status=PublicationStatus.DRAFT)


def revert_data(admin_client, url):
    """The history form's data as a superuser sees it: what an editor would post to revert."""
    return form_data(admin_client.get(url).context["adminform"].form)


def test_editor_cannot_open_the_history_form_of_another_countys_description(editor_client):
    for process in (foreign_process(), lapland_draft()):
        response = editor_client.get(history_url(process, process.history.earliest()))

        assert response.status_code == HTTPStatus.NOT_FOUND


def test_editor_cannot_revert_laplands_draft_into_their_own_county(editor_client, admin_client):
    draft = lapland_draft()
    url = history_url(draft, draft.history.earliest())
    data = {**revert_data(admin_client, url), "county": WellbeingCounty.objects.get(code="09").pk}

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.NOT_FOUND
    draft.refresh_from_db()
    assert draft.county.code == "21"


def test_editor_cannot_move_another_countys_phase_through_its_history_form(editor_client, admin_client):
    phase = Phase.objects.filter(process=foreign_process()).first()
    phase.save()  # the demo creates phases without history
    url = history_url(phase, phase.history.latest())
    data = {**revert_data(admin_client, url), "process": own_process().pk}

    response = editor_client.post(url, data)

    assert response.status_code == HTTPStatus.NOT_FOUND
    phase.refresh_from_db()
    assert phase.process == foreign_process()


def test_editor_cannot_revert_their_row_to_a_state_of_another_county(editor_client, admin_client):
    draft = lapland_draft()
    lapland_state = draft.history.earliest()
    draft.county = WellbeingCounty.objects.get(code="09")
    draft.save()  # a superuser hands Lapland's draft over to Päijät-Häme
    url = history_url(draft, lapland_state)

    opened = editor_client.get(url)
    reverted = editor_client.post(url, revert_data(admin_client, url))

    assert opened.status_code == HTTPStatus.FORBIDDEN
    assert reverted.status_code == HTTPStatus.FORBIDDEN
    draft.refresh_from_db()
    assert draft.county.code == "09"


def test_history_model_permissions_do_not_lift_the_county_rule(client, editor, admin_client, settings):
    settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_historicalprocessdescription", "change_historicalprocessdescription"]
        )
    )
    client.force_login(editor)
    draft = lapland_draft()
    url = history_url(draft, draft.history.earliest())
    data = {**revert_data(admin_client, url), "county": WellbeingCounty.objects.get(code="09").pk}

    opened = client.get(url)
    reverted = client.post(url, data)

    assert (opened.status_code, reverted.status_code) == (HTTPStatus.NOT_FOUND, HTTPStatus.NOT_FOUND)
    draft.refresh_from_db()
    assert draft.county.code == "21"


def test_editor_reverts_their_own_description(editor_client, editor, admin_client):
    process = own_process()
    original = process.history.earliest()
    process.title = "Väliaikainen otsikko"
    process.save()
    url = history_url(process, original)

    response = editor_client.post(url, revert_data(admin_client, url))

    assert response.status_code == HTTPStatus.FOUND
    process.refresh_from_db()
    assert process.title == original.title
    assert process.history.latest().history_user == editor


def test_editor_cannot_revert_a_content_module_they_may_only_view(editor_client, admin_client):
    module = ContentModule.objects.get(code="virtsatietulehdus")
    original = module.history.earliest()
    module.name_fi = "Virtsatieinfektio"
    module.save()
    url = history_url(module, original)

    opened = editor_client.get(url)
    reverted = editor_client.post(url, revert_data(admin_client, url))

    assert opened.status_code == HTTPStatus.OK
    assert opened.context["revert_disabled"]
    assert reverted.status_code == HTTPStatus.FORBIDDEN
    module.refresh_from_db()
    assert module.name_fi == "Virtsatieinfektio"


def test_a_history_form_of_a_malformed_version_is_not_found(editor_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_simple_history", args=[process.pk, "not-a-number"])

    assert editor_client.get(url).status_code == HTTPStatus.NOT_FOUND


# --- saves read the stored county ------------------------------------------------------------------


def test_a_save_checks_the_county_stored_in_the_database_not_the_posted_one(rf, editor):
    model_admin = admin.site._registry[ProcessDescription]
    request = rf.post("/admin/")
    request.user = editor
    process = foreign_process()
    process.county = WellbeingCounty.objects.get(code="09")  # what a hostile form would post

    with pytest.raises(PermissionDenied) as refused:
        model_admin.save_model(request, process, form=None, change=True)

    assert str(refused.value) == str(FOREIGN_COUNTY_ERROR)
    assert foreign_process().county.code == "14"


def test_an_inline_cannot_take_over_another_countys_phase(editor_client, admin_client):
    process = own_process()
    url = reverse("admin:processes_processdescription_change", args=[process.pk])
    data = page_form_data(admin_client.get(url))
    stolen = Phase.objects.filter(process=foreign_process()).first()
    title = stolen.title
    data["phases-0-id"] = str(stolen.pk)
    data["phases-0-title"] = "Kaapattu"

    editor_client.post(url, data)

    stolen.refresh_from_db()
    assert (stolen.process, stolen.title) == (foreign_process(), title)
    assert not Phase.objects.filter(title="Kaapattu").exists()


def test_bulk_publish_leaves_another_countys_draft_alone(editor_client):
    draft = lapland_draft()

    response = editor_client.post(
        reverse("admin:processes_processdescription_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
        headers={"accept-language": "en"},
    )

    # Publishing is no bulk action (a description is published from its changes page).
    assert [str(message) for message in response.context["messages"]] == ["No action selected."]
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.DRAFT


# --- choices -----------------------------------------------------------------------------------


def test_a_rollout_offers_own_phases_and_steps_and_any_published_guide(editor_client):
    form = editor_client.get(reverse("admin:processes_rollout_add")).context["adminform"].form

    assert {phase.process.county.code for phase in form.fields["current_phase"].queryset} == {"09"}
    # Steps come from the saved rollout's own process (tests/test_admin_guide_editing.py): none before it has one.
    assert list(form.fields["completed_steps"].queryset) == []
    assert set(form.fields["process"].queryset) == {own_process(), foreign_process()}


def test_list_filters_name_only_the_editors_own_rows(editor_client):
    first = own_process()
    second = ProcessDescription.objects.create(
        title="Toinen malli", slug="toinen-malli", county=first.county, summary="s"
    )
    Phase.objects.create(process=second, title="Suunnittelu")

    response = editor_client.get(reverse("admin:processes_phase_changelist"))

    offered = {
        title for spec in response.context["cl"].filter_specs for _pk, title in getattr(spec, "lookup_choices", [])
    }
    assert lapland_draft().title not in offered
    assert {first.title, second.title} <= offered


# --- national reference data ---------------------------------------------------------------------


def test_only_superusers_change_or_import_reference_data_whatever_the_permissions(client, editor):
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_contentmodule", "change_contentmodule", "delete_contentmodule"])
    )
    client.force_login(editor)
    module = ContentModule.objects.get(code="virtsatietulehdus")

    changed = client.post(reverse("admin:processes_contentmodule_change", args=[module.pk]), {"name_fi": "X"})
    added = client.get(reverse("admin:processes_contentmodule_add"))
    imported = client.get(reverse("admin:processes_contentmodule_import"))

    assert (changed.status_code, added.status_code, imported.status_code) == (HTTPStatus.FORBIDDEN,) * 3
    module.refresh_from_db()
    assert module.name_fi != "X"


def test_editor_cannot_import_counties(editor_client, admin_client):
    assert admin_client.get(reverse("admin:regions_wellbeingcounty_import")).status_code == HTTPStatus.OK
    assert editor_client.get(reverse("admin:regions_wellbeingcounty_import")).status_code == HTTPStatus.FORBIDDEN


# --- the mixin's configuration checks ----------------------------------------------------------------


def test_a_county_scoped_admin_with_an_unscoped_inline_fails_the_checks():
    class UnscopedPhaseInline(admin.TabularInline):
        model = Phase

    class LeakyProcessAdmin(CountyScopedAdminMixin, admin.ModelAdmin):
        inlines = [UnscopedPhaseInline]
        search_fields = ["title"]

    errors = LeakyProcessAdmin(ProcessDescription, admin.site).check()

    assert [error.id for error in errors] == ["regions.E002"]


def test_a_county_field_that_does_not_lead_to_a_county_fails_the_checks():
    class MisdeclaredStepAdmin(CountyScopedAdminMixin, admin.ModelAdmin):
        county_field = "phase__process"

    errors = MisdeclaredStepAdmin(Step, admin.site).check()

    assert [error.id for error in errors] == ["regions.E001"]


def test_view_on_site_does_not_reveal_another_countys_draft_address(editor_client):
    draft = ProcessDescription.objects.get(county__code="21")
    content_type = ContentType.objects.get_for_model(ProcessDescription)

    response = editor_client.get(reverse("admin:view_on_site", args=[content_type.pk, draft.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert draft.slug not in response.headers.get("Location", "")


def test_view_on_site_takes_the_editor_to_their_own_guide(editor_client):
    process = own_process()
    content_type = ContentType.objects.get_for_model(ProcessDescription)

    response = editor_client.get(reverse("admin:view_on_site", args=[content_type.pk, process.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(process.get_absolute_url())
