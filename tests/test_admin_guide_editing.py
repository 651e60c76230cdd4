"""What a county's editor meets in the admin: uploading files, ticking a rollout's steps, local times."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override

from metrics.models import ImportBatch, ImportState
from processes.admin import step_labels
from processes.attachments import ATTACHMENT_IMAGE_UNREADABLE
from processes.models import ProcessAttachment, ProcessDescription, Rollout, Step
from processes.tests.admin_forms import change_form_data
from processes.tests.factories import PhaseFactory, ProcessDescriptionFactory, RolloutFactory, StepFactory
from processes.tests.files import SVG, image_bytes, upload
from regions.models import WellbeingCounty
from regions.permissions import EDITOR_GROUP
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def editor(django_user_model):
    call_command("load_reference_data", verbosity=0)
    user = django_user_model.objects.create_user("paijat-hame", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    WellbeingCounty.objects.get(code="07").editors.add(user)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


class TestAttachmentInline:
    def test_an_editor_uploads_a_process_picture_with_its_alternative_text(self, editor_client, editor):
        process = ProcessDescriptionFactory(county=WellbeingCounty.objects.get(code="07"))
        data = change_form_data(editor_client, process)
        data.update(
            {
                "attachments-TOTAL_FORMS": "1",
                "attachments-0-order": "1",
                "attachments-0-title": "Prosessikuva",
                "attachments-0-file": upload("Prosessikuva (lopullinen).png", image_bytes()),
                "attachments-0-show_in_guide": "on",
                "attachments-0-alt_text": "Seitsemän vaihetta nuolin yhdistettyinä.",
            }
        )

        response = editor_client.post(reverse("admin:processes_processdescription_change", args=[process.pk]), data)

        assert response.status_code == HTTPStatus.FOUND, response.context["inline_admin_formsets"][2].formset.errors
        picture = ProcessAttachment.objects.get(process=process)
        assert picture.kind == "png"
        assert picture.file.name.startswith("attachments/") and "lopullinen" not in picture.file.name
        assert picture.history.get().history_user == editor

    def test_a_disguised_svg_is_refused_with_the_reason_next_to_the_file(self, editor_client):
        process = ProcessDescriptionFactory(county=WellbeingCounty.objects.get(code="07"))
        data = change_form_data(editor_client, process)
        data.update(
            {
                "attachments-TOTAL_FORMS": "1",
                "attachments-0-order": "1",
                "attachments-0-title": "Kuva",
                "attachments-0-file": upload("kuva.png", b"\x89PNG\r\n\x1a\n" + SVG),
            }
        )

        with override("en"):
            response = editor_client.post(reverse("admin:processes_processdescription_change", args=[process.pk]), data)

        assert response.status_code == HTTPStatus.OK
        formset = response.context["inline_admin_formsets"][2].formset
        with override("en"):
            assert formset.errors == [{"file": [str(ATTACHMENT_IMAGE_UNREADABLE)]}]
        assert not ProcessAttachment.objects.exists()

    def test_the_inline_is_scoped_to_the_editors_county(self, editor_client):
        foreign = ProcessDescriptionFactory(county=WellbeingCountyFactory(code="77"))

        response = editor_client.get(reverse("admin:processes_processdescription_change", args=[foreign.pk]))

        assert response.status_code == HTTPStatus.NOT_FOUND


class TestRolloutStepsPicker:
    @pytest.fixture
    def rollout(self, editor):
        county = WellbeingCounty.objects.get(code="07")
        process = ProcessDescriptionFactory(county=county)
        planning = PhaseFactory(process=process, order=1, title="Suunnittelu")
        pilot = PhaseFactory(process=process, order=2, title="Pilotti")
        StepFactory(phase=planning, order=1, title="Nimeä tiimi")
        StepFactory(phase=planning, order=1, title="Nimeä tiimi")  # the same title and order twice
        StepFactory(phase=pilot, order=1, title="Kouluta")
        other_process = ProcessDescriptionFactory(county=county)
        StepFactory(phase=PhaseFactory(process=other_process, title="Muu vaihe"), title="Muun mallin askel")
        return RolloutFactory(county=county, process=process)

    def picker(self, client, rollout):
        response = client.get(reverse("admin:processes_rollout_change", args=[rollout.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == HTTPStatus.OK
        return response.context["adminform"].form.fields["completed_steps"]

    def test_only_the_steps_of_the_rollouts_process_are_offered_in_order_with_distinct_labels(
        self, editor_client, rollout
    ):
        field = self.picker(editor_client, rollout)

        labels = [label for _value, label in field.choices]
        assert labels == [
            "Phase 1. Suunnittelu › Step 1. Nimeä tiimi",
            "Phase 1. Suunnittelu › Step 2. Nimeä tiimi",
            "Phase 2. Pilotti › Step 1. Kouluta",
        ]

    def test_a_step_of_another_process_cannot_be_ticked(self, rollout):
        other = Step.objects.get(title="Muun mallin askel")
        labels = step_labels(Step.objects.filter(phase__process=rollout.process).select_related("phase"))

        assert other.pk not in labels
        assert len(set(labels.values())) == len(labels) == 3

    def test_the_add_form_offers_no_steps_before_a_process_is_saved(self, editor_client):
        response = editor_client.get(reverse("admin:processes_rollout_add"))

        assert list(response.context["adminform"].form.fields["completed_steps"].queryset) == []

    def test_ticked_steps_are_saved(self, editor_client, rollout):
        step = Step.objects.get(title="Kouluta")
        response = editor_client.get(reverse("admin:processes_rollout_change", args=[rollout.pk]))
        form = response.context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        data.update({"completed_steps": [str(step.pk)], "pilot_start": "8.1.2024", "go_live": "4.3.2024"})

        posted = editor_client.post(reverse("admin:processes_rollout_change", args=[rollout.pk]), data)

        assert posted.status_code == HTTPStatus.FOUND
        assert list(Rollout.objects.get(pk=rollout.pk).completed_steps.all()) == [step]


def test_an_import_batch_title_shows_the_helsinki_time_of_its_timestamp(admin_user):
    batch = ImportBatch.objects.create(
        user=admin_user, file_name="viikko.csv", sha256="0" * 64, outcome=ImportState.APPLIED
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=datetime.datetime(2024, 6, 30, 21, 30, tzinfo=datetime.UTC)
    )
    batch.refresh_from_db()

    assert str(batch) == "viikko.csv (2024-07-01 00:30)"


def test_process_descriptions_still_open_for_a_superuser_with_attachments(admin_client):
    process = ProcessDescriptionFactory()
    ProcessAttachment.objects.create(process=process, title="Kuva", file=upload("kuva.png", image_bytes()))

    response = admin_client.get(reverse("admin:processes_processdescription_change", args=[process.pk]))

    assert response.status_code == HTTPStatus.OK
    assert ProcessDescription.objects.get(pk=process.pk).attachments.count() == 1
