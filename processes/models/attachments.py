"""What a description points readers to: links, and uploaded files whose type is read from their content."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from processes import attachments as attachment_formats
from processes.models.choices import AttachmentKind
from processes.models.descriptions import ProcessDescription
from processes.models.history import HistoricalRecords


class ProcessLink(models.Model):
    """An attachment or a link that belongs to a process description."""

    class Kind(models.TextChoices):
        LINK = "link", _("link")
        ATTACHMENT = "attachment", _("attachment")

    process = models.ForeignKey(
        ProcessDescription, verbose_name=_("process description"), on_delete=models.CASCADE, related_name="links"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.LINK)
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address"), max_length=500)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment or link")
        verbose_name_plural = _("attachments and links")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


IMAGE_KINDS = (AttachmentKind.PNG, AttachmentKind.JPEG)
ALT_TEXT_REQUIRED = _("An image shown in the guide needs an alternative text that says what the image shows.")
ONLY_IMAGES_IN_GUIDE = _("Only PNG and JPEG images can be shown in the guide; other files are listed as attachments.")
COVER_IS_AN_IMAGE = _("The cover image must be a PNG or JPEG image.")
COVER_NEEDS_ALT_TEXT = _("The cover image needs an alternative text that says what the image shows.")


def attachment_storage_name(instance, filename):
    """A generated name: never the uploaded path, and the extension of the detected kind."""
    extension = attachment_formats.FORMATS[instance.kind].extensions[0]
    return f"attachments/{uuid.uuid4().hex}{extension}"


class ProcessAttachment(models.Model):
    """A file that belongs to a process description: the process picture, slides, a PDF, a spreadsheet."""

    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200, help_text=_("The name readers see, e.g. “Process picture”."))
    file = models.FileField(
        _("file"),
        upload_to=attachment_storage_name,
        max_length=200,
        help_text=_("PDF, DOCX, XLSX, PPTX, PNG or JPEG. The type is checked from the file's content."),
    )
    kind = models.CharField(_("file type"), max_length=10, choices=AttachmentKind, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=300,
        blank=True,
        help_text=_("For an image shown in the guide: what the image shows, for readers who cannot see it."),
    )
    show_in_guide = models.BooleanField(
        _("show in the guide"),
        default=False,
        help_text=_("Show this image on the guide's page, not only as a file to download."),
    )
    is_cover = models.BooleanField(
        _("cover image"),
        default=False,
        help_text=_("Show this image at the top of the guide, as the operating model's cover (one image a guide)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(show_in_guide=False) | ~Q(alt_text=""),
                name="attachment_shown_in_guide_has_alt_text",
            ),
            models.CheckConstraint(
                condition=Q(show_in_guide=False) | Q(kind__in=IMAGE_KINDS),
                name="attachment_shown_in_guide_is_an_image",
            ),
            models.CheckConstraint(
                condition=Q(is_cover=False) | (Q(kind__in=IMAGE_KINDS) & ~Q(alt_text="")),
                name="attachment_cover_is_an_image_with_alt_text",
            ),
            models.UniqueConstraint(fields=["process"], condition=Q(is_cover=True), name="one_cover_image_per_process"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    @property
    def content_type(self) -> str:
        return attachment_formats.FORMATS[self.kind].content_type

    @property
    def download_name(self) -> str:
        """The name a download is saved under: the title, with the extension of the detected kind."""
        stem = slugify(self.title) or "attachment"
        return f"{stem}{attachment_formats.FORMATS[self.kind].extensions[0]}"

    def get_absolute_url(self):
        return reverse("processes:attachment", kwargs={"slug": self.process.slug, "pk": self.pk})

    def _has_new_upload(self) -> bool:
        return bool(self.file) and not self.file._committed

    def detect_kind(self):
        """Read a newly uploaded file's kind and size from its content; ValidationError when not allowed."""
        if not self._has_new_upload() or self.__dict__.get("_checked_upload") is self.file.file:
            return
        try:
            detected = attachment_formats.attachment_kind_detect(self.file, name=self.file.name)
        except ValidationError as error:
            raise ValidationError({"file": error.error_list}) from None
        self.kind = detected.kind
        self.size = self.file.size
        self.__dict__["_checked_upload"] = self.file.file

    def clean(self):
        self.detect_kind()
        errors = {}
        if self.show_in_guide and self.kind and self.kind not in IMAGE_KINDS:
            errors["show_in_guide"] = ONLY_IMAGES_IN_GUIDE
        if self.show_in_guide and not self.alt_text.strip():
            errors["alt_text"] = ALT_TEXT_REQUIRED
        if self.is_cover and self.kind and self.kind not in IMAGE_KINDS:
            errors["is_cover"] = COVER_IS_AN_IMAGE
        if self.is_cover and not self.alt_text.strip():
            errors["alt_text"] = COVER_NEEDS_ALT_TEXT
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Every way in (admin, shell, a service) checks the content before the file is stored.
        self.detect_kind()
        super().save(*args, **kwargs)
