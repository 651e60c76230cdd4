"""The file of a pending import, kept in the database in pieces until its import has finished.

The file waits in the database rather than on an app server's disk, so that the confirm,
the check and the import may each run on another machine. It is stored and read one
`PART_BYTES` piece at a time (`PendingUsageImportPart`), so neither the app server that
stores a national file nor the worker that imports it holds more than a piece of it in
the database driver; the worker assembles it in a temporary file on its own disk.
"""

import contextlib
import hashlib
import tempfile
from collections.abc import Iterator

from django.core.files import File

from metrics.models import PendingUsageImport, PendingUsageImportPart

PART_BYTES = 1024 * 1024


def pending_file_store(*, pending: PendingUsageImport, stream) -> str:
    """Store a binary stream, from its start, as the pending import's file; returns its SHA-256."""
    digest = hashlib.sha256()
    stream.seek(0)
    index = 0
    while chunk := stream.read(PART_BYTES):
        digest.update(chunk)
        PendingUsageImportPart.objects.create(pending=pending, index=index, data=chunk)
        index += 1
    return digest.hexdigest()


@contextlib.contextmanager
def pending_file_open(*, pending: PendingUsageImport) -> Iterator[File]:
    """The pending import's file, assembled in a temporary file that is deleted on leaving the block."""
    parts = PendingUsageImportPart.objects.filter(pending=pending)
    with tempfile.TemporaryFile() as assembled:
        for index in parts.order_by("index").values_list("index", flat=True):
            assembled.write(parts.values_list("data", flat=True).get(index=index))
        assembled.seek(0)
        yield File(assembled, name=pending.file_name)


def pending_imports_delete(*, pending_imports) -> None:
    """Delete pending imports (a queryset) with their files, without reading the files.

    A plain delete() would read every piece: Django fetches whole rows to delete when a
    post_delete receiver listens, and the page cache's listens to every model.
    """
    PendingUsageImportPart.objects.filter(pending__in=pending_imports).only("pk").delete()
    pending_imports.delete()
