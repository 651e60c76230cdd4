"""Each kind of edit an editor makes to a guide in the admin, posted as a browser posts it."""

from http import HTTPStatus

from django.db.models.fields.files import FieldFile
from django.urls import reverse

from processes.tests.admin_forms import page_form_data


def admin_url(name, *args):
    return reverse(f"admin:processes_{name}", args=args)


def post_page(client, url, **changes):
    """Open an admin page as a browser does and post it back with some fields changed."""
    # A browser sends no file for a file input left alone (the helper would post the stored file back).
    shown = {name: value for name, value in page_form_data(client.get(url)).items() if not isinstance(value, FieldFile)}
    data = {**shown, **changes}
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"] if response.context else response
    return response


def edit_description(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), title="Toinen otsikko")


def edit_phase(client, process):
    phase = process.phases.get(order=1)
    post_page(client, admin_url("phase_change", phase.pk), title="Toinen vaihe")


def edit_step(client, process):
    step = process.phases.get(order=1).steps.get()
    post_page(client, admin_url("step_change", step.pk), title="Toinen askel")


def edit_link(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), **{"links-0-title": "Toinen linkki"})


def edit_attachment(client, process):
    post_page(client, admin_url("processdescription_change", process.pk), **{"attachments-0-alt_text": "Toinen kuva"})


EDITS = [edit_description, edit_phase, edit_step, edit_link, edit_attachment]
