"""`manage.py attachments_prune`: orphaned attachment files go, every file a record names stays.

Real files in a temporary MEDIA_ROOT: attachments uploaded as the admin uploads them, and
files left behind (an attachment deleted with its row history gone, a crashed upload).
"""

import io
import os
import time

import pytest
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.utils.translation import override

from processes.models import HistoricalProcessAttachment, ProcessAttachment, PublishedVersion
from processes.tests.factories import ProcessDescriptionFactory
from processes.tests.files import image_bytes, upload

pytestmark = pytest.mark.django_db

TWO_HOURS = 2 * 60 * 60


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored(media_root) -> list[str]:
    return sorted(path.relative_to(media_root).as_posix() for path in media_root.rglob("*") if path.is_file())


def _left_behind(media_root, name, content=b"%PDF-1.7 orphan", age=TWO_HOURS) -> str:
    path = media_root / "attachments" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    then = time.time() - age
    os.utime(path, (then, then))
    return f"attachments/{name}"


def _age(media_root, name, seconds=TWO_HOURS):
    then = time.time() - seconds
    os.utime(media_root / name, (then, then))


def _prune(*args, verbosity=1) -> str:
    out = io.StringIO()
    with override("en"):
        call_command("attachments_prune", *args, verbosity=verbosity, stdout=out)
    return out.getvalue()


@pytest.fixture
def attachment(media_root):
    process = ProcessDescriptionFactory()
    attachment = ProcessAttachment.objects.create(process=process, title="Kuva", file=upload("kuva.png", image_bytes()))
    _age(media_root, attachment.file.name)
    return attachment


def test_nothing_to_do_prints_nothing(attachment, media_root):
    assert _prune() == ""
    assert _stored(media_root) == [attachment.file.name]


def test_an_empty_storage_prints_nothing(media_root):
    assert _prune() == ""


def test_an_orphaned_file_is_removed_and_counted(attachment, media_root):
    orphan = _left_behind(media_root, "0123456789abcdef.pdf", b"x" * 2048)

    output = _prune(verbosity=2)

    with override("en"):
        assert output == f"{orphan}\nRemoved 1 orphaned attachment file ({filesizeformat(2048)}).\n"
    assert _stored(media_root) == [attachment.file.name]


def test_two_orphans_are_counted_in_the_plural_and_verbosity_0_is_silent(media_root):
    _left_behind(media_root, "a.pdf", b"x" * 10)
    _left_behind(media_root, "b.pdf", b"x" * 20)

    with override("en"):
        expected = f"Would remove 2 orphaned attachment files ({filesizeformat(30)}).\n"
    assert _prune("--dry-run") == expected
    assert _prune(verbosity=0) == ""
    assert _stored(media_root) == []


def test_a_dry_run_removes_nothing(media_root):
    orphan = _left_behind(media_root, "kesken.pdf")

    output = _prune("--dry-run", verbosity=2)

    assert output.splitlines()[0] == orphan
    assert _stored(media_root) == [orphan]


def test_a_file_named_only_by_a_history_row_is_kept(attachment, media_root):
    name = attachment.file.name
    ProcessAttachment.objects.filter(pk=attachment.pk).delete()

    assert HistoricalProcessAttachment.objects.filter(file=name).exists()
    assert _prune() == ""
    assert _stored(media_root) == [name]


def test_a_file_named_only_by_a_published_version_is_kept(media_root):
    name = _left_behind(media_root, "julkaistu.pdf")
    PublishedVersion.objects.create(
        process=ProcessDescriptionFactory(),
        snapshot={"fields": {"title": "Malli"}, "attachments": [{"id": 7, "title": "Ohje", "file": name}]},
    )

    assert _prune() == ""
    assert _stored(media_root) == [name]


def test_a_replaced_file_stays_while_the_history_names_it_and_goes_once_nothing_does(attachment, media_root):
    old = attachment.file.name
    attachment.file = upload("uusi.png", image_bytes(size=(10, 10)))
    attachment.save()
    _age(media_root, attachment.file.name)

    assert _prune() == ""
    HistoricalProcessAttachment.objects.filter(file=old).delete()
    with override("en"):
        expected = f"Removed 1 orphaned attachment file ({filesizeformat(len(image_bytes()))}).\n"
    assert _prune() == expected
    assert _stored(media_root) == [attachment.file.name]


def test_a_fresh_orphan_is_left_to_its_upload_until_it_is_old_enough(media_root):
    name = _left_behind(media_root, "juuri-tallennettu.pdf", age=60)

    assert _prune() == ""
    assert _prune("--min-age-hours", "0", verbosity=2).splitlines()[0] == name
    assert _stored(media_root) == []


def test_files_outside_the_attachments_folder_are_never_touched(media_root):
    other = media_root / "muu" / "tiedosto.txt"
    other.parent.mkdir()
    other.write_bytes(b"x")
    _age(media_root, "muu/tiedosto.txt")

    assert _prune() == ""
    assert _stored(media_root) == ["muu/tiedosto.txt"]


def test_a_negative_age_is_refused():
    with pytest.raises(CommandError, match="cannot be negative"), override("en"):
        call_command("attachments_prune", "--min-age-hours", "-1")


def test_the_summary_reads_in_finnish_with_the_partitive_after_the_number(media_root):
    _left_behind(media_root, "a.pdf", b"x" * 10)
    _left_behind(media_root, "b.pdf", b"x" * 20)
    out = io.StringIO()

    with override("fi"):
        call_command("attachments_prune", "--dry-run", stdout=out)
        size = filesizeformat(30)

    assert out.getvalue() == f"Poistettaisiin 2 orpoa liitetiedostoa ({size}).\n"
