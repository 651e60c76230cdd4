"""Limits on a zip archive (an XLSX, DOCX or PPTX file) checked from its directory, before any part is unpacked.

Shared by the statistics import's workbook check (metrics.importing.workbooks) and the check of
attached Office files (processes.attachments), each of which words its own refusal.
Every check reads only the zip's directory: entries are counted from the end record
before `zipfile` loads the directory, and the unpacked sizes are the ones it declares
(zipfile refuses to unpack a part past its declared size).
"""

import io
import struct
import zipfile
from dataclasses import dataclass

_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_END_RECORD_FORMAT = struct.Struct("<4s4H2LH")
# A directory entry with an ordinary name is well under this many bytes.
_DIRECTORY_BYTES_PER_ENTRY = 1024


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_unpacked_bytes: int
    max_compression_ratio: int
    # Small parts may pack far better than large ones (a few repeated tags): not checked.
    ratio_checked_from_bytes: int


# The limits of every Office file the portal reads or accepts (docs/deployment.md):
# a real workbook, document or presentation has tens of parts, packs 5 to 20 times, and
# unpacks to a few hundred megabytes at most; a zip bomb packs hundreds or thousands of times.
OFFICE_ZIP_LIMITS = ZipLimits(
    max_entries=1_000,
    max_unpacked_bytes=1024 * 1024 * 1024,
    max_compression_ratio=100,
    ratio_checked_from_bytes=1024 * 1024,
)


class ZipLimitExceeded(Exception):
    """The archive is beyond one of its limits; subclasses say which."""


class TooManyEntries(ZipLimitExceeded):
    pass


class UnpacksTooLarge(ZipLimitExceeded):
    pass


class SuspiciousCompression(ZipLimitExceeded):
    def __init__(self, part: str):
        self.part = part
        super().__init__(part)


def zip_entries_check(stream, limits: ZipLimits) -> None:
    """Refuse (TooManyEntries) a zip whose end record lists more entries than allowed, before zipfile reads them.

    A stream that is not a zip at all passes: zipfile says so when it opens it.
    """
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    tail_size = min(size, _ZIP_END_RECORD_FORMAT.size + 65_535)
    stream.seek(size - tail_size)
    tail = stream.read(tail_size)
    stream.seek(0)
    position = tail.rfind(_ZIP_END_RECORD)
    if position < 0 or position + _ZIP_END_RECORD_FORMAT.size > len(tail):
        return
    entries, directory_size = _ZIP_END_RECORD_FORMAT.unpack_from(tail, position)[4:6]
    # 0xFFFF entries means a zip64 directory, which no Office file of this size needs.
    if entries > limits.max_entries or directory_size > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        raise TooManyEntries


def zip_parts_check(parts: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse an opened archive's parts: too many, unpacking to too much in all, or one packed like a zip bomb."""
    if len(parts) > limits.max_entries:
        raise TooManyEntries
    zip_unpacked_size_check(parts, limits)
    zip_compression_check(parts, limits)


def zip_unpacked_size_check(parts: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if sum(part.file_size for part in parts) > limits.max_unpacked_bytes:
        raise UnpacksTooLarge


def zip_compression_check(parts: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    for part in parts:
        if part.file_size > limits.ratio_checked_from_bytes and part.file_size > limits.max_compression_ratio * max(
            part.compress_size, 1
        ):
            raise SuspiciousCompression(part.filename)
