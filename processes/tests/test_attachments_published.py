"""Attached files are part of the published version: a revision's file changes reach the public only when published."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from processes.models import ProcessAttachment, PublicationStatus
from processes.services import process_publish, process_submit
from processes.tests.admin_forms import page_form_data
from processes.tests.conftest import guide_with_phases
from processes.tests.factories import ContentModuleFactory
from processes.tests.files import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

PUBLISHED_PDF = pdf_bytes()
REVISED_PDF = pdf_bytes().replace(b"%%EOF", b"% tarkistettu\n%%EOF")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def client_of(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def publish(guide, people):
    process_submit(process=guide, user=people["editor"])
    process_publish(process=guide, user=people["publisher"])


@pytest.fixture
def guide(own_county, people):
    """A published guide with a PDF and a picture shown in the guide."""
    guide = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug="opas")
    for order, (title, name, content, fields) in enumerate(
        [
            ("Julkaistu liite", "liite.pdf", PUBLISHED_PDF, {}),
            ("Julkaistu kuva", "kuva.png", image_bytes(), {"show_in_guide": True, "alt_text": "Julkaistu kuvateksti"}),
        ]
    ):
        ProcessAttachment.objects.create(process=guide, order=order, title=title, file=upload(name, content), **fields)
    publish(guide, people)
    return guide


def change_url(guide):
    return reverse("admin:processes_processdescription_change", args=[guide.pk])


def edit_in_admin(guide, people, **changes):
    """The editor posts the description's change form with the attachments inline changed."""
    editor = client_of(people["editor"])
    data = {**page_form_data(editor.get(change_url(guide))), **changes}
    response = editor.post(change_url(guide), data)
    assert response.status_code == HTTPStatus.FOUND, response.context and [
        inline.formset.errors for inline in response.context["inline_admin_formsets"]
    ]
    guide.refresh_from_db()


def download(client, guide, attachment_id):
    return client.get(f"/en/processes/{guide.slug}/attachments/{attachment_id}/")


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_replacing_a_file_and_its_texts_changes_nothing_public_until_published(client, guide, people):
    pdf = guide.attachments.get(order=0)
    edit_in_admin(
        guide,
        people,
        **{
            "attachments-0-title": "Uusi liitteen nimi",
            "attachments-0-file": upload("uusi.pdf", REVISED_PDF),
            "attachments-1-alt_text": "Uusi kuvateksti",
        },
    )

    public_page = client.get("/en/processes/opas/")
    public_file = download(client, guide, pdf.pk)
    editors_file = download(client_of(people["editor"]), guide, pdf.pk)

    assert guide.status == PublicationStatus.DRAFT
    assertContains(public_page, "Julkaistu liite")
    assertContains(public_page, 'alt="Julkaistu kuvateksti"')
    assertNotContains(public_page, "Uusi liitteen nimi")
    assertNotContains(public_page, "Uusi kuvateksti")
    assert (public_file.status_code, content_of(public_file)) == (HTTPStatus.OK, PUBLISHED_PDF)
    assert public_file["Content-Disposition"] == 'attachment; filename="julkaistu-liite.pdf"'
    assert content_of(editors_file) == REVISED_PDF
    assert "private" in editors_file["Cache-Control"]

    publish(guide, people)

    public_page = client.get("/en/processes/opas/")
    assertContains(public_page, "Uusi liitteen nimi")
    assertContains(public_page, 'alt="Uusi kuvateksti"')
    assert content_of(download(client, guide, pdf.pk)) == REVISED_PDF


def test_a_file_deleted_in_a_revision_stays_public_until_published(client, guide, people):
    pdf = guide.attachments.get(order=0)
    edit_in_admin(guide, people, **{"attachments-0-DELETE": "on"})

    assert not ProcessAttachment.objects.filter(pk=pdf.pk).exists()
    assertContains(client.get("/en/processes/opas/"), "Julkaistu liite")
    assert content_of(download(client, guide, pdf.pk)) == PUBLISHED_PDF

    publish(guide, people)

    assertNotContains(client.get("/en/processes/opas/"), "Julkaistu liite")
    assert download(client, guide, pdf.pk).status_code == HTTPStatus.NOT_FOUND


def test_a_file_attached_in_a_revision_is_served_only_to_the_guides_editors(client, guide, people):
    edit_in_admin(
        guide,
        people,
        **{
            "attachments-TOTAL_FORMS": "3",
            "attachments-2-order": "3",
            "attachments-2-title": "Revision liite",
            "attachments-2-file": upload("revisio.pdf", REVISED_PDF),
        },
    )
    added = guide.attachments.get(title="Revision liite")

    assertNotContains(client.get("/en/processes/opas/"), "Revision liite")
    assert download(client, guide, added.pk).status_code == HTTPStatus.NOT_FOUND
    assert download(client_of(people["other_publisher"]), guide, added.pk).status_code == HTTPStatus.NOT_FOUND
    assert content_of(download(client_of(people["editor"]), guide, added.pk)) == REVISED_PDF

    publish(guide, people)

    assertContains(client.get("/en/processes/opas/"), "Revision liite")
    assert content_of(download(client, guide, added.pk)) == REVISED_PDF


def test_another_guides_published_file_is_not_found_under_this_guide(client, guide, own_county, people):
    other = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug="toinen")
    publish(other, people)

    assert download(client, other, guide.attachments.get(order=0).pk).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [2, 20])
def test_the_guide_page_query_count_does_not_grow_with_its_files(
    client, own_county, people, count, django_assert_num_queries
):
    guide = guide_with_phases(own_county, status=PublicationStatus.DRAFT, published_at=None, slug="opas")
    for order in range(count):
        ProcessAttachment.objects.create(
            process=guide, order=order, title=f"Liite {order}", file=upload("liite.pdf", PUBLISHED_PDF)
        )
    guide.modules.add(ContentModuleFactory())
    publish(guide, people)

    # The guide with its published version and its source, and the published contents: files cost no query.
    # And one for the rollout plans' experiences section (no plan ended: nothing to show).
    with django_assert_num_queries(3):
        response = client.get("/en/processes/opas/")

    assert response.content.decode().count("/en/processes/opas/attachments/") == count


def test_the_changes_page_lists_a_replaced_file_and_its_new_texts_before_publishing(guide, people):
    edit_in_admin(
        guide,
        people,
        **{
            "attachments-0-title": "Uusi liitteen nimi",
            "attachments-0-file": upload("uusi.pdf", REVISED_PDF),
            "attachments-1-alt_text": "Uusi kuvateksti",
        },
    )

    changes = client_of(people["publisher"]).get(reverse("admin:processes_processdescription_changes", args=[guide.pk]))

    assertContains(changes, "<h2>Attached files</h2>", html=True)
    assertContains(changes, "Julkaistu liite")
    assertContains(changes, "Uusi liitteen nimi")
    assertContains(changes, "Julkaistu kuvateksti")
    assertContains(changes, "Uusi kuvateksti")
    assert changes.context["changes"].attachments[0].kind == "changed"
    assert {change.name for change in changes.context["changes"].attachments[0].fields} >= {"file", "title"}


def test_the_changes_page_lists_a_file_added_and_one_removed(guide, people):
    edit_in_admin(
        guide,
        people,
        **{
            "attachments-0-DELETE": "on",
            "attachments-TOTAL_FORMS": "3",
            "attachments-2-order": "2",
            "attachments-2-title": "Lisätty liite",
            "attachments-2-file": upload("lisatty.pdf", REVISED_PDF),
        },
    )

    changes = (
        client_of(people["publisher"])
        .get(reverse("admin:processes_processdescription_changes", args=[guide.pk]))
        .context["changes"]
    )

    # (The form helper posts every shown file again, as an upload: those rows count as changed.)
    assert [(change.kind, change.title) for change in changes.attachments if change.kind != "changed"] == [
        ("added", "Lisätty liite"),
        ("removed", "Julkaistu liite"),
    ]
