"""Deletes keep records: through the admin's delete pages (GET, then the confirming POST).

- A description the public has read is archived, not deleted; a superuser may delete it, and
  its review log and published versions stay.
- A usage alert is resolved, not deleted: no delete for county editors or national admins, and
  one with a follow-up log cannot be deleted at all.
- A user named in the audit trail is deactivated, not deleted: who changed, published,
  imported or followed up keeps its name, and their pending imports stay.
"""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from followup.models import AlertFollowUp, AlertStatus, UsageAlert
from followup.services import alert_contact
from metrics.models import ImportBatch, ImportState, PendingUsageImport
from metrics.tests.factories import import_reference_data
from metrics.tests.import_support import pending_import
from omaolo_portal.user_records import USER_HAS_RECORDS
from processes.models import (
    HistoricalProcessDescription,
    ProcessDescription,
    PublicationStatus,
    PublicationTransition,
    PublishedVersion,
)
from processes.services import ARCHIVE_INSTEAD, process_publish, process_submit
from processes.tests.factories import ProcessDescriptionFactory
from regions.permissions import editor_group_ensure, national_admin_group_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """A request in English leaves English active in the test's thread: later tests expect the default."""
    yield
    translation.deactivate()


@pytest.fixture
def refs(db):
    return import_reference_data()


@pytest.fixture
def county(refs):
    return refs.north_karelia


@pytest.fixture
def editor(django_user_model, county):
    user = django_user_model.objects.create_user("siun-sote-editori", password="x", is_staff=True)
    user.groups.add(editor_group_ensure())
    county.editors.add(user)
    county.publishers.add(user)
    return user


@pytest.fixture
def national_admin(django_user_model):
    user = django_user_model.objects.create_user("kansallinen", password="x", is_staff=True)
    user.groups.add(national_admin_group_ensure())
    return user


@pytest.fixture
def published(county, editor):
    """A guide written, reviewed and published by the county's editor-publisher."""
    guide = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None, title="Malli")
    guide._history_user = editor
    guide.save()
    process_submit(process=guide, user=editor)
    process_publish(process=guide, user=editor)
    return guide


def _client_of(client, user):
    client.force_login(user)
    return client


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def _delete(client, model, pk, method):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_delete", args=[pk])
    if method == "get":
        return client.get(url, follow=True, headers={"accept-language": "en"})
    return client.post(url, {"post": "yes"}, follow=True, headers={"accept-language": "en"})


# --- descriptions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["editor", "national_admin"])
def test_a_published_description_is_archived_not_deleted(client, published, editor, national_admin, role, method):
    user = editor if role == "editor" else national_admin

    response = _delete(_client_of(client, user), ProcessDescription, published.pk, method)

    change_url = reverse("admin:processes_processdescription_change", args=[published.pk])
    assert response.redirect_chain == [(change_url, HTTPStatus.FOUND)]
    with override("en"):
        assert _messages(response) == [str(ARCHIVE_INSTEAD % {"title": "Malli"})]
    assert ProcessDescription.objects.filter(pk=published.pk).exists()


def test_the_bulk_delete_refuses_a_published_description(client, published, national_admin):
    data = {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"}

    listed = _client_of(client, national_admin).post(
        reverse("admin:processes_processdescription_changelist"),
        {**data, "post": ""},
        headers={"accept-language": "en"},
    )
    response = client.post(reverse("admin:processes_processdescription_changelist"), data)

    assert listed.status_code == HTTPStatus.OK
    assert {str(name) for name in listed.context["perms_lacking"]} == {str(ProcessDescription._meta.verbose_name)}
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert ProcessDescription.objects.filter(pk=published.pk).exists()


def test_a_never_published_draft_is_deleted_by_a_national_admin(client, county, national_admin):
    draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
    national = _client_of(client, national_admin)

    confirmation = _delete(national, ProcessDescription, draft.pk, "get")
    response = _delete(national, ProcessDescription, draft.pk, "post")

    assert confirmation.status_code == HTTPStatus.OK
    assert confirmation.redirect_chain == []
    assert response.redirect_chain == [(reverse("admin:processes_processdescription_changelist"), HTTPStatus.FOUND)]
    assert not ProcessDescription.objects.filter(pk=draft.pk).exists()


def test_a_superuser_deletes_a_published_description_and_its_log_and_versions_stay(admin_client, published, editor):
    transitions = list(PublicationTransition.objects.filter(process_id=published.pk).values_list("to_status", "user"))

    confirmation = _delete(admin_client, ProcessDescription, published.pk, "get")
    response = _delete(admin_client, ProcessDescription, published.pk, "post")

    assert confirmation.status_code == HTTPStatus.OK
    assert response.redirect_chain == [(reverse("admin:processes_processdescription_changelist"), HTTPStatus.FOUND)]
    assert not ProcessDescription.objects.filter(pk=published.pk).exists()
    assert transitions == [("published", editor.pk), ("in_review", editor.pk)]
    assert list(PublicationTransition.objects.filter(process_id=published.pk).values_list("to_status", "user")) == (
        transitions
    )
    version = PublishedVersion.objects.get(process_id=published.pk)
    assert (version.snapshot["fields"]["title"], version.published_by) == ("Malli", editor)
    assert HistoricalProcessDescription.objects.filter(id=published.pk).latest("history_id").history_type == "-"


# --- alerts ------------------------------------------------------------------------------------------


def _alert(refs):
    return UsageAlert.objects.create(
        county=refs.north_karelia,
        module=refs.uti,
        metric=refs.started,
        period_type="week",
        window_end=datetime.date(2024, 5, 27),
        previous=400,
        recent=200,
        change_percent=-50,
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ["editor", "national_admin"])
def test_an_alert_has_no_delete_but_for_superusers(client, refs, editor, national_admin, role, method):
    alert = _alert(refs)
    user = editor if role == "editor" else national_admin
    national_admin.user_permissions.add(*editor_group_ensure().permissions.filter(codename__endswith="usagealert"))

    response = _delete(_client_of(client, user), UsageAlert, alert.pk, method)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert UsageAlert.objects.filter(pk=alert.pk).exists()


def test_the_alerts_change_page_offers_no_delete_to_its_editor(client, refs, editor):
    alert = _alert(refs)

    response = _client_of(client, editor).get(reverse("admin:followup_usagealert_change", args=[alert.pk]))

    assert response.context["has_delete_permission"] is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_alert_with_a_follow_up_log_is_kept_even_for_a_superuser(admin_client, refs, editor, method):
    alert = _alert(refs)
    alert_contact(alert=alert, user=editor, note="Soitettu palvelualueelle.")

    response = _delete(admin_client, UsageAlert, alert.pk, method)

    assert response.status_code == HTTPStatus.OK
    # The confirmation counts the protecting rows (it never lists them: a metric may have millions).
    assert [str(row) for row in response.context["protected"]] == ["Follow-ups: 1"]
    assert UsageAlert.objects.get(pk=alert.pk).status == AlertStatus.CONTACTED
    assert list(AlertFollowUp.objects.filter(alert=alert).values_list("note", "user")) == [
        ("Soitettu palvelualueelle.", editor.pk)
    ]


def test_an_alert_nobody_followed_up_is_deleted_by_a_superuser(admin_client, refs):
    alert = _alert(refs)

    response = _delete(admin_client, UsageAlert, alert.pk, "post")

    assert response.redirect_chain == [(reverse("admin:followup_usagealert_changelist"), HTTPStatus.FOUND)]
    assert not UsageAlert.objects.filter(pk=alert.pk).exists()


# --- users -------------------------------------------------------------------------------------------


@pytest.fixture
def records_of_editor(refs, editor, published):
    """Everything the editor left in the audit trail: history, review log, an import, a follow-up, a pending import."""
    ImportBatch.objects.create(user=editor, file_name="viikko.csv", sha256="0" * 64, outcome=ImportState.APPLIED)
    alert_contact(alert=_alert(refs), user=editor, note="Soitettu.")
    pending_import(content=b"county,module\n", user=editor, file_name="kesken.csv", sha256="1" * 64)
    return editor


def _who(editor_pk):
    """Who each kind of record names, read from the rows themselves."""
    return {
        "history": set(HistoricalProcessDescription.objects.values_list("history_user", flat=True)),
        "review log": set(PublicationTransition.objects.values_list("user", flat=True)),
        "published versions": set(PublishedVersion.objects.values_list("published_by", flat=True)),
        "import batches": set(ImportBatch.objects.values_list("user", flat=True)),
        "follow-ups": set(AlertFollowUp.objects.values_list("user", flat=True)),
        "pending imports": set(PendingUsageImport.objects.values_list("user", flat=True)),
    }


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_user_named_in_the_audit_trail_is_kept_and_keeps_their_records(admin_client, records_of_editor, method):
    editor = records_of_editor
    before = _who(editor.pk)

    response = _delete(admin_client, type(editor), editor.pk, method)

    assert response.status_code == HTTPStatus.OK
    with override("en"):
        assert _messages(response) == [str(USER_HAS_RECORDS % {"user": "siun-sote-editori"})]
    assert response.context["protected"] == [
        "siun-sote-editori: historical process descriptions: 3",
        "siun-sote-editori: published versions: 1",
        "siun-sote-editori: publication transitions: 2",
        "siun-sote-editori: import batches: 1",
        "siun-sote-editori: imports awaiting confirmation: 1",
        "siun-sote-editori: historical usage alerts: 1",
        "siun-sote-editori: follow-ups: 1",
    ]
    assert type(editor).objects.filter(pk=editor.pk).exists()
    assert _who(editor.pk) == before
    assert all(editor.pk in names for names in before.values())


def test_deleting_a_named_user_in_code_is_refused_too(records_of_editor):
    with pytest.raises(ProtectedError), transaction.atomic():
        records_of_editor.delete()

    assert PendingUsageImport.objects.filter(user=records_of_editor).count() == 1


def test_a_user_who_left_no_records_is_deleted(admin_client, django_user_model):
    newcomer = django_user_model.objects.create_user("uusi", password="x", is_staff=True)

    response = _delete(admin_client, django_user_model, newcomer.pk, "post")

    assert response.redirect_chain == [(reverse("admin:auth_user_changelist"), HTTPStatus.FOUND)]
    assert not django_user_model.objects.filter(pk=newcomer.pk).exists()
    assert LogEntry.objects.filter(object_id=str(newcomer.pk), action_flag=3).count() == 1
