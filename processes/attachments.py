"""What an uploaded attachment really is, read from its content, never from its name.

`attachment_kind_detect(file, name=...)` reads the file's first bytes and, for the
formats that need it, its structure: a PDF starts with `%PDF-`; a DOCX, XLSX or PPTX is a
zip whose `[Content_Types].xml` declares the format's main part (and the part exists), so
a macro-enabled document or any other zip is refused; a PNG or JPEG must carry its
signature and decode completely with Pillow. Anything else (SVG, HTML, scripts,
executables) is refused, whatever its name says. The name's extension must then agree
with the detected kind, and the size stays within `settings.ATTACHMENT_MAX_MB`.
"""

import re
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from common.zip_limits import (
    OFFICE_ZIP_LIMITS,
    SuspiciousCompression,
    TooManyEntries,
    UnpacksTooLarge,
    zip_entries_check,
    zip_parts_check,
)

ATTACHMENT_TOO_LARGE = _("The file is larger than {limit} MB.")
ATTACHMENT_TYPE_NOT_ALLOWED = _(
    "Only PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), PNG and JPEG files can be attached, "
    "and the content of this file is none of them."
)
ATTACHMENT_EXTENSION_MISMATCH = _(
    "The file name ends in “{extension}” but the file is a {kind} file. "
    "Give it the right extension or choose another file."
)
ATTACHMENT_TOO_MANY_PARTS = _(
    "The file has more than {limit} parts; a real Word, Excel or PowerPoint file has far fewer."
)
ATTACHMENT_UNPACKS_TOO_LARGE = _(
    "The file unpacks to more than {limit}, more than an attachment may. Save it again, or split it."
)
ATTACHMENT_SUSPICIOUS_COMPRESSION = _(
    "The part “{part}” of the file unpacks to more than {ratio} times its packed size, which a real "
    "Office file does not."
)
ATTACHMENT_ACTIVE_CONTENT = _(
    "The file contains macros or ActiveX controls, which may not be attached. "
    "Save it again as a plain document without macros (DOCX, XLSX or PPTX)."
)
ATTACHMENT_IMAGE_UNREADABLE = _("The image cannot be read: it is damaged or not a real PNG or JPEG image.")

HEADER_BYTES = 16
# Office files are small zips; a [Content_Types].xml this large is not one (or is a zip bomb).
CONTENT_TYPES_MAX_BYTES = 1_000_000
# Parts that carry code run by Office: a VBA project (macros) or ActiveX controls, whatever
# the [Content_Types].xml calls the file.
ACTIVE_PART_NAMES = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"}
ACTIVE_PART_FOLDER = "activex/"
ACTIVE_CONTENT_TYPES = re.compile(rb"vbaProject|activeX", re.IGNORECASE)
# Pillow refuses images over twice this many pixels; a larger one is refused here too.
IMAGE_MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class AttachmentFormat:
    kind: str
    label: str
    content_type: str
    extensions: tuple[str, ...]
    is_image: bool = False


FORMATS = {
    fmt.kind: fmt
    for fmt in (
        AttachmentFormat("pdf", "PDF", "application/pdf", (".pdf",)),
        AttachmentFormat(
            "docx",
            "Word (DOCX)",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        AttachmentFormat(
            "xlsx",
            "Excel (XLSX)",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        AttachmentFormat(
            "pptx",
            "PowerPoint (PPTX)",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        AttachmentFormat("png", "PNG", "image/png", (".png",), is_image=True),
        AttachmentFormat("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), is_image=True),
    )
}

# The part each Office format's [Content_Types].xml must declare, and its content type.
OFFICE_MAIN_PARTS = {
    "docx": ("/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": (
        "/ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
}
OVERRIDE_ELEMENT = re.compile(rb"<(?:\w+:)?Override\b([^>]*)>")
XML_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(["'])(.*?)\2""")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
ZIP_SIGNATURE = b"PK\x03\x04"


def attachment_max_bytes() -> int:
    return settings.ATTACHMENT_MAX_MB * 1024 * 1024


def attachment_kind_detect(file, *, name: str) -> AttachmentFormat:
    """The format of an uploaded file, read from its content; ValidationError when it may not be attached."""
    if file.size > attachment_max_bytes():
        raise ValidationError(str(ATTACHMENT_TOO_LARGE).format(limit=settings.ATTACHMENT_MAX_MB), code="too_large")
    kind = _kind_from_content(file)
    if kind is None:
        raise ValidationError(ATTACHMENT_TYPE_NOT_ALLOWED, code="type_not_allowed")
    detected = FORMATS[kind]
    extension = _extension(name)
    if extension not in detected.extensions:
        raise ValidationError(
            str(ATTACHMENT_EXTENSION_MISMATCH).format(extension=extension or name, kind=detected.label),
            code="extension_mismatch",
        )
    if detected.is_image:
        _check_image_decodes(file, expected=kind)
    return detected


def _extension(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return f".{base.rsplit('.', 1)[-1].lower()}" if "." in base else ""


def _kind_from_content(file) -> str | None:
    file.seek(0)
    header = file.read(HEADER_BYTES)
    file.seek(0)
    if header.startswith(PDF_SIGNATURE):
        return "pdf"
    if header.startswith(PNG_SIGNATURE):
        return "png"
    if header.startswith(JPEG_SIGNATURE):
        return "jpeg"
    if header.startswith(ZIP_SIGNATURE):
        return _office_kind(file)
    return None


def _office_kind(file) -> str | None:
    """docx, xlsx or pptx when the zip declares that format's main part and holds it.

    The zip is checked first with the limits of every Office file the portal reads
    (common.zip_limits, the same as the statistics import's workbooks), and refused
    with its reason (ValidationError) when it is beyond them or carries macros or ActiveX.
    """
    try:
        zip_entries_check(file, OFFICE_ZIP_LIMITS)
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            zip_parts_check(parts, OFFICE_ZIP_LIMITS)
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return None
            if info.file_size > CONTENT_TYPES_MAX_BYTES:
                return None
            content_types_xml = archive.read(info)
            _active_content_check(parts, content_types_xml)
            declared = _declared_parts(content_types_xml)
            names = {f"/{part.filename}" for part in parts}
    except TooManyEntries:
        raise ValidationError(
            str(ATTACHMENT_TOO_MANY_PARTS).format(limit=OFFICE_ZIP_LIMITS.max_entries), code="too_many_parts"
        ) from None
    except UnpacksTooLarge:
        limit = filesizeformat(OFFICE_ZIP_LIMITS.max_unpacked_bytes)
        raise ValidationError(str(ATTACHMENT_UNPACKS_TOO_LARGE).format(limit=limit), code="unpacks_too_large") from None
    except SuspiciousCompression as suspicious:
        raise ValidationError(
            str(ATTACHMENT_SUSPICIOUS_COMPRESSION).format(
                part=suspicious.part, ratio=OFFICE_ZIP_LIMITS.max_compression_ratio
            ),
            code="suspicious_compression",
        ) from None
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return None
    finally:
        file.seek(0)
    for kind, (part, content_type) in OFFICE_MAIN_PARTS.items():
        if declared.get(part) == content_type and part in names:
            return kind
    return None


def _active_content_check(parts, content_types_xml: bytes) -> None:
    """Refuse a zip with a VBA project or ActiveX controls, by part name or declared content type."""
    for part in parts:
        name = part.filename.replace("\\", "/").lower()
        if name.rsplit("/", 1)[-1] in ACTIVE_PART_NAMES or f"/{ACTIVE_PART_FOLDER}" in f"/{name}":
            raise ValidationError(ATTACHMENT_ACTIVE_CONTENT, code="active_content")
    if ACTIVE_CONTENT_TYPES.search(content_types_xml):
        raise ValidationError(ATTACHMENT_ACTIVE_CONTENT, code="active_content")


def _declared_parts(content_types_xml: bytes) -> dict[str, str]:
    """PartName → ContentType of each <Override> (read with a pattern: no XML parser meets the file)."""
    declared = {}
    for element in OVERRIDE_ELEMENT.finditer(content_types_xml):
        attributes = {name: value for name, _quote, value in XML_ATTRIBUTE.findall(element.group(1))}
        declared[attributes.get(b"PartName", b"").decode("utf-8", "replace")] = attributes.get(
            b"ContentType", b""
        ).decode("utf-8", "replace")
    return declared


def _check_image_decodes(file, *, expected: str) -> None:
    """Decode every pixel: a signature followed by anything else (HTML, SVG, a script) fails here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            file.seek(0)
            with Image.open(file) as image:
                if image.format != expected.upper() or image.width * image.height > IMAGE_MAX_PIXELS:
                    raise ValidationError(ATTACHMENT_IMAGE_UNREADABLE, code="image_unreadable")
                image.verify()
            file.seek(0)
            with Image.open(file) as image:
                image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ):
        raise ValidationError(ATTACHMENT_IMAGE_UNREADABLE, code="image_unreadable") from None
    finally:
        file.seek(0)
