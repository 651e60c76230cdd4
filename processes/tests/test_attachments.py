"""Attached files: what may be attached (read from the content), how they are stored, served and shown."""

import zipfile
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import override
from pytest_django.asserts import assertContains, assertNotContains

from processes.attachments import (
    ATTACHMENT_EXTENSION_MISMATCH,
    ATTACHMENT_IMAGE_UNREADABLE,
    ATTACHMENT_TOO_LARGE,
    ATTACHMENT_TYPE_NOT_ALLOWED,
)
from processes.models import ALT_TEXT_REQUIRED, ONLY_IMAGES_IN_GUIDE, ProcessAttachment, PublicationStatus
from processes.tests.factories import ProcessDescriptionFactory
from processes.tests.files import HTML, SVG, image_bytes, office_bytes, pdf_bytes, upload
from regions.tests.factories import WellbeingCountyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The messages are compared with their English source text."""
    with override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def guide():
    return ProcessDescriptionFactory(slug="kayttoonotto", language="fi")


def attach(process, name, content, **fields):
    attachment = ProcessAttachment(process=process, title=fields.pop("title", "Liite"), file=upload(name, content))
    for field, value in fields.items():
        setattr(attachment, field, value)
    attachment.full_clean()
    attachment.save()
    return attachment


def file_errors(process, name, content, **fields) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        attach(process, name, content, **fields)
    return raised.value.message_dict["file"]


class TestWhatMayBeAttached:
    @pytest.mark.parametrize(
        ("name", "content", "kind", "content_type"),
        [
            ("prosessikuva.png", image_bytes("PNG"), "png", "image/png"),
            ("kuva.JPG", image_bytes("JPEG"), "jpeg", "image/jpeg"),
            ("kuva.jpeg", image_bytes("JPEG"), "jpeg", "image/jpeg"),
            ("ohje.pdf", pdf_bytes(), "pdf", "application/pdf"),
            (
                "malli.docx",
                office_bytes("docx"),
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                "seuranta.xlsx",
                office_bytes("xlsx"),
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                "esitys.pptx",
                office_bytes("pptx"),
                "pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ),
        ],
        ids=lambda value: value if isinstance(value, str) and "." in value and "/" not in value else "",
    )
    def test_allowed_files_get_their_kind_from_the_content(self, guide, name, content, kind, content_type):
        attachment = attach(guide, name, content)

        assert attachment.kind == kind
        assert attachment.content_type == content_type
        assert attachment.size == len(content)

    def test_a_file_over_the_size_limit_is_refused(self, guide, settings):
        settings.ATTACHMENT_MAX_MB = 1
        too_big = pdf_bytes() + b"0" * (1024 * 1024)

        assert file_errors(guide, "iso.pdf", too_big) == ["The file is larger than 1 MB."]
        assert str(ATTACHMENT_TOO_LARGE).format(limit=1) == "The file is larger than 1 MB."
        assert not ProcessAttachment.objects.exists()

    def test_the_default_limit_is_twenty_megabytes(self, settings):
        assert settings.ATTACHMENT_MAX_MB == 20

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("ohjelma.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"),
            ("teksti.docx", b"Just some text renamed to .docx"),
            ("arkisto.xlsx", b"PK\x03\x04 not really a zip"),
        ],
    )
    def test_another_type_renamed_to_an_allowed_extension_is_refused(self, guide, name, content):
        assert file_errors(guide, name, content) == [str(ATTACHMENT_TYPE_NOT_ALLOWED)]

    def test_a_zip_that_is_not_an_office_file_is_refused(self, guide, tmp_path):
        path = tmp_path / "plain.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("word/document.xml", "<document/>")

        assert file_errors(guide, "malli.docx", path.read_bytes()) == [str(ATTACHMENT_TYPE_NOT_ALLOWED)]

    def test_a_macro_enabled_word_file_is_refused(self, guide):
        assert file_errors(guide, "malli.docx", office_bytes("docm")) == [str(ATTACHMENT_TYPE_NOT_ALLOWED)]

    @pytest.mark.parametrize("name", ["kuva.png", "kuva.jpg", "kuva.svg", "sivu.html", "kuva.pdf"])
    def test_svg_and_html_are_never_allowed_whatever_their_name(self, guide, name):
        assert file_errors(guide, name, SVG) == [str(ATTACHMENT_TYPE_NOT_ALLOWED)]
        assert file_errors(guide, name, HTML) == [str(ATTACHMENT_TYPE_NOT_ALLOWED)]

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("kuva.png", b"\x89PNG\r\n\x1a\n" + HTML),
            ("kuva.png", b"\x89PNG\r\n\x1a\n" + SVG),
            ("kuva.jpg", b"\xff\xd8\xff\xe0" + HTML),
            ("kuva.png", image_bytes("PNG")[:60]),
        ],
        ids=["html-behind-png-signature", "svg-behind-png-signature", "html-behind-jpeg-signature", "truncated-png"],
    )
    def test_a_disguised_or_damaged_image_is_refused(self, guide, name, content):
        assert file_errors(guide, name, content) == [str(ATTACHMENT_IMAGE_UNREADABLE)]

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("kuva.pdf", image_bytes("PNG"), "The file name ends in “.pdf” but the file is a PNG file."),
            ("ohje.png", pdf_bytes(), "The file name ends in “.png” but the file is a PDF file."),
            (
                "taulukko.docx",
                office_bytes("xlsx"),
                "The file name ends in “.docx” but the file is a Excel (XLSX) file.",
            ),
            ("kuva", image_bytes("JPEG"), "The file name ends in “kuva” but the file is a JPEG file."),
        ],
    )
    def test_the_extension_must_match_the_content(self, guide, name, content, message):
        errors = file_errors(guide, name, content)

        assert errors == [f"{message} Give it the right extension or choose another file."]
        assert str(ATTACHMENT_EXTENSION_MISMATCH).startswith("The file name ends in “{extension}”")

    def test_saving_without_the_form_checks_the_content_too(self, guide):
        with pytest.raises(ValidationError):
            ProcessAttachment.objects.create(process=guide, title="Kuva", file=upload("kuva.png", SVG))

        assert not ProcessAttachment.objects.exists()


class TestStorage:
    def test_the_stored_name_is_generated_never_the_uploaded_path(self, guide, media_root):
        attachment = attach(guide, "../../etc/Salainen kuva.png", image_bytes("PNG"))

        stored = attachment.file.name
        assert stored.startswith("attachments/")
        assert stored.endswith(".png")
        assert "Salainen" not in stored and ".." not in stored
        assert (media_root / stored).read_bytes() == image_bytes("PNG")

    def test_the_stored_extension_is_the_detected_kinds(self, guide):
        assert attach(guide, "kuva.JPEG", image_bytes("JPEG")).file.name.endswith(".jpg")

    def test_changes_are_recorded_in_the_history(self, guide):
        attachment = attach(guide, "ohje.pdf", pdf_bytes(), title="Ohje")
        attachment.title = "Käyttöönotto-ohje"
        attachment.save()

        assert [record.title for record in attachment.history.order_by("history_date")] == ["Ohje", "Käyttöönotto-ohje"]


class TestShownInTheGuide:
    def test_an_image_shown_in_the_guide_needs_alternative_text(self, guide):
        with pytest.raises(ValidationError) as raised:
            attach(guide, "kuva.png", image_bytes("PNG"), show_in_guide=True, alt_text="  ")

        assert raised.value.message_dict == {"alt_text": [str(ALT_TEXT_REQUIRED)]}

    def test_only_images_can_be_shown_in_the_guide(self, guide):
        with pytest.raises(ValidationError) as raised:
            attach(guide, "ohje.pdf", pdf_bytes(), show_in_guide=True, alt_text="Ohje")

        assert raised.value.message_dict == {"show_in_guide": [str(ONLY_IMAGES_IN_GUIDE)]}

    def test_the_database_refuses_a_shown_image_without_alternative_text(self, guide):
        attachment = attach(guide, "kuva.png", image_bytes("PNG"))

        with pytest.raises(IntegrityError), transaction.atomic():
            ProcessAttachment.objects.filter(pk=attachment.pk).update(show_in_guide=True, alt_text="")

    def test_the_guide_shows_the_image_with_its_alternative_text(self, client, guide):
        image = attach(
            guide,
            "prosessikuva.png",
            image_bytes("PNG"),
            title="Prosessikuva",
            show_in_guide=True,
            alt_text="Kaavio: seitsemän vaihetta nykytilasta seurantaan.",
        )

        response = client.get(guide.get_absolute_url())

        src = reverse("processes:attachment", kwargs={"slug": guide.slug, "pk": image.pk})
        assertContains(
            response,
            f'<img src="{src}" alt="Kaavio: seitsemän vaihetta nykytilasta seurantaan." lang="fi">',
            html=True,
        )
        assertContains(response, '<figcaption lang="fi">Prosessikuva</figcaption>', html=True)

    def test_files_are_listed_with_their_type_and_size(self, client, guide):
        pdf = attach(guide, "ohje.pdf", pdf_bytes(), title="Käyttöönotto-ohje")

        with override("en"):
            response = client.get(guide.get_absolute_url())
            href = reverse("processes:attachment", kwargs={"slug": guide.slug, "pk": pdf.pk})

        assertContains(response, f'<a href="{href}" lang="fi">Käyttöönotto-ohje</a>', html=True)
        assertContains(response, f"(PDF, {len(pdf_bytes())}\xa0bytes)")
        assertNotContains(response, "<img")


class TestServing:
    def test_a_document_is_a_download_with_safe_headers(self, client, guide):
        pdf = attach(guide, "ohje.pdf", pdf_bytes(), title="Käyttöönoton ohje")

        response = client.get(pdf.get_absolute_url())

        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="kayttoonoton-ohje.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"
        assert b"".join(response.streaming_content) == pdf_bytes()

    @pytest.mark.parametrize(
        ("name", "image_format", "content_type"), [("k.png", "PNG", "image/png"), ("k.jpg", "JPEG", "image/jpeg")]
    )
    def test_a_raster_image_is_shown_inline(self, client, guide, name, image_format, content_type):
        image = attach(guide, name, image_bytes(image_format), title="Prosessikuva")

        response = client.get(image.get_absolute_url())

        assert response.status_code == HTTPStatus.OK
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"].startswith("inline;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]

    def test_office_files_download_with_their_own_type(self, client, guide):
        workbook = attach(guide, "seuranta.xlsx", office_bytes("xlsx"), title="Seuranta")

        response = client.get(workbook.get_absolute_url())

        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert response["Content-Disposition"] == 'attachment; filename="seuranta.xlsx"'

    def test_a_drafts_attachment_is_not_found_by_the_public(self, client):
        draft = ProcessDescriptionFactory(status=PublicationStatus.DRAFT, published_at=None)
        attachment = attach(draft, "ohje.pdf", pdf_bytes())

        assert client.get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    def test_the_countys_editor_may_open_a_drafts_attachment_and_it_is_not_cached(self, client, django_user_model):
        county = WellbeingCountyFactory()
        draft = ProcessDescriptionFactory(county=county, status=PublicationStatus.DRAFT, published_at=None)
        attachment = attach(draft, "ohje.pdf", pdf_bytes())
        editor = django_user_model.objects.create_user("muokkaaja", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_processdescription"))
        county.editors.add(editor)
        client.force_login(editor)

        response = client.get(attachment.get_absolute_url())

        assert response.status_code == HTTPStatus.OK
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]

    def test_an_editor_of_another_county_gets_not_found(self, client, django_user_model):
        draft = ProcessDescriptionFactory(status=PublicationStatus.DRAFT, published_at=None)
        attachment = attach(draft, "ohje.pdf", pdf_bytes())
        editor = django_user_model.objects.create_user("naapuri", is_staff=True)
        editor.user_permissions.add(Permission.objects.get(codename="change_processdescription"))
        WellbeingCountyFactory().editors.add(editor)
        client.force_login(editor)

        assert client.get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    def test_an_attachment_is_found_only_under_its_own_guide(self, client, guide):
        attachment = attach(guide, "ohje.pdf", pdf_bytes())
        other = ProcessDescriptionFactory(slug="toinen")

        response = client.get(reverse("processes:attachment", kwargs={"slug": other.slug, "pk": attachment.pk}))

        assert response.status_code == HTTPStatus.NOT_FOUND

    def test_a_file_missing_from_storage_is_not_found_not_an_error(self, client, guide, media_root):
        attachment = attach(guide, "ohje.pdf", pdf_bytes())
        (media_root / attachment.file.name).unlink()

        assert client.get(attachment.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
