"""Attached Office files are checked as workbooks are: parts, unpacked size, packing, no macros or ActiveX."""

import io
import zipfile
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override

from common.zip_limits import OFFICE_ZIP_LIMITS, ZipLimits
from processes import attachments
from processes.attachments import (
    ATTACHMENT_ACTIVE_CONTENT,
    ATTACHMENT_SUSPICIOUS_COMPRESSION,
    ATTACHMENT_TOO_MANY_PARTS,
    ATTACHMENT_UNPACKS_TOO_LARGE,
)
from processes.models import ProcessAttachment
from processes.tests.admin_forms import change_form_data
from processes.tests.factories import ProcessDescriptionFactory
from processes.tests.files import OFFICE_MAIN_PARTS, office_bytes, upload
from regions.models import WellbeingCounty
from regions.permissions import EDITOR_GROUP

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def editor_client(client, django_user_model):
    call_command("load_reference_data", verbosity=0)
    user = django_user_model.objects.create_user("paijat-hame", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITOR_GROUP))
    WellbeingCounty.objects.get(code="07").editors.add(user)
    client.force_login(user)
    return client


def attachment_errors(client, name, content) -> list[str]:
    """Attach a file through the process's change form; the errors shown next to the file."""
    process = ProcessDescriptionFactory(county=WellbeingCounty.objects.get(code="07"))
    data = change_form_data(client, process)
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-order": "1",
            "attachments-0-title": "Malli",
            "attachments-0-file": upload(name, content),
        }
    )
    response = client.post(reverse("admin:processes_processdescription_change", args=[process.pk]), data)
    if response.status_code == HTTPStatus.FOUND:
        return []
    assert response.status_code == HTTPStatus.OK
    [errors] = [form.errors for form in response.context["inline_admin_formsets"][2].formset.forms]
    return errors.get("file", [])


def office_with(kind: str, extra_parts: dict[str, bytes], *, content_types_extra: str = "") -> bytes:
    """A real Office zip of `kind` with more parts in it."""
    part, content_type = OFFICE_MAIN_PARTS[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/{part}" ContentType="{content_type}"/>{content_types_extra}</Types>',
        )
        archive.writestr(part, "<document/>")
        for name, data in extra_parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def in_finnish(message, **values) -> str:
    """The message as the admin shows it (in Finnish, its default language)."""
    with override("fi"):
        return str(message).format(**values)


def test_a_plain_docx_is_attached(editor_client):
    assert attachment_errors(editor_client, "malli.docx", office_bytes("docx")) == []
    assert ProcessAttachment.objects.get().kind == "docx"


def test_a_docx_carrying_a_vba_project_is_refused(editor_client):
    content = office_with("docx", {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 512})

    assert attachment_errors(editor_client, "malli.docx", content) == [in_finnish(ATTACHMENT_ACTIVE_CONTENT)]
    assert not ProcessAttachment.objects.exists()


def test_a_pptx_with_activex_controls_is_refused(editor_client):
    content = office_with("pptx", {"ppt/activeX/activeX1.xml": b"<ax:ocx/>", "ppt/activeX/activeX1.bin": b"\0"})

    assert attachment_errors(editor_client, "esitys.pptx", content) == [in_finnish(ATTACHMENT_ACTIVE_CONTENT)]


def test_an_xlsx_declaring_a_macro_content_type_is_refused(editor_client):
    declared = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'

    content = office_with("xlsx", {}, content_types_extra=declared)

    assert attachment_errors(editor_client, "seuranta.xlsx", content) == [in_finnish(ATTACHMENT_ACTIVE_CONTENT)]


def test_a_docx_zip_bomb_is_refused_by_its_packing(editor_client):
    content = office_with("docx", {"word/media/filler.xml": b"\0" * (64 * 1024 * 1024)})
    assert len(content) < 200_000

    assert attachment_errors(editor_client, "malli.docx", content) == [
        in_finnish(ATTACHMENT_SUSPICIOUS_COMPRESSION, part="word/media/filler.xml", ratio=100)
    ]


def test_a_docx_unpacking_past_the_total_limit_is_refused(editor_client, monkeypatch):
    small = ZipLimits(
        max_entries=1_000, max_unpacked_bytes=100_000, max_compression_ratio=100, ratio_checked_from_bytes=1 << 20
    )
    monkeypatch.setattr(attachments, "OFFICE_ZIP_LIMITS", small)
    content = office_with("docx", {"word/media/picture.png": bytes(range(256)) * 400})

    assert attachment_errors(editor_client, "malli.docx", content) == [
        in_finnish(ATTACHMENT_UNPACKS_TOO_LARGE, limit="97,7\xa0KB")
    ]


def test_a_zip_of_150000_entries_is_refused_from_its_directory(editor_client):
    content = office_with("docx", {f"word/p{number}.xml": b"" for number in range(150_000)})

    assert attachment_errors(editor_client, "malli.docx", content) == [
        in_finnish(ATTACHMENT_TOO_MANY_PARTS, limit=1000)
    ]


def test_the_limits():
    assert (
        ZipLimits(
            max_entries=1_000,
            max_unpacked_bytes=1024 * 1024 * 1024,
            max_compression_ratio=100,
            ratio_checked_from_bytes=1 << 20,
        )
        == OFFICE_ZIP_LIMITS
    )
