import datetime
import operator
import uuid
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import Lexeme, SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Case, Exists, F, OuterRef, Q, StringAgg, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.translation import TranslatedNameModel, translated_value
from processes import attachments as attachment_formats
from processes import search
from regions.models import ServiceArea, WellbeingCounty


class ContentKind(models.TextChoices):
    SYMPTOM_ASSESSMENT = "symptom_assessment", _("symptom assessment")
    SERVICE_ASSESSMENT = "service_assessment", _("service-need assessment")
    HEALTH_CHECK = "health_check", _("health check")
    COACHING = "coaching", _("coaching")
    E_SERVICE = "e_service", _("e-service topic")
    PROFESSIONAL_TOOL = "professional_tool", _("professional tool")


class ContentModuleQuerySet(models.QuerySet):
    def active(self):
        """Contents that counties can still deploy."""
        return self.filter(is_active=True)

    def with_county_counts(self):
        """Annotate each content with the number of counties whose rollout of it has not ended."""
        return self.annotate(
            county_count=models.Count(
                "rollouts__county", distinct=True, filter=~Q(rollouts__status=RolloutStatus.ENDED)
            )
        )


class ContentModule(TranslatedNameModel):
    """One Omaolo content (sisältö): an assessment, a health check, a coaching or an e-service topic."""

    code = models.SlugField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("Identifier used in statistics files and addresses, e.g. “virtsatietulehdus”."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ContentKind)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick when Omaolo no longer offers this content.")
    )

    history = HistoricalRecords()
    objects = ContentModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("content module")
        verbose_name_plural = _("content modules")
        ordering = ["kind", "name_fi"]

    @property
    def description(self) -> str:
        return translated_value(self, "description")

    def get_absolute_url(self):
        return reverse("processes:module_detail", kwargs={"code": self.code})


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    ARCHIVED = "archived", _("archived")


# A description in these states is being written or reviewed; if it was published before,
# the public keeps reading its last published version meanwhile.
REVISION_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW)


class DevelopmentStage(models.TextChoices):
    IN_DEVELOPMENT = "in_development", _("in development")
    READY = "ready", _("ready")
    ESTABLISHED = "established", _("established")


class Funder(models.TextChoices):
    MINISTRY = "ministry", _("Ministry of Social Affairs and Health")
    EU = "eu", _("other EU funding")
    OTHER = "other", _("other funder")
    NONE = "none", _("no separate funding")


class ProcessDescriptionQuerySet(models.QuerySet):
    def published(self):
        """Descriptions the public may read: published, or being revised after a publication; not scheduled."""
        in_revision = Q(status__in=REVISION_STATUSES, published_version__isnull=False)
        return self.filter(Q(status=PublicationStatus.PUBLISHED) | in_revision, published_at__lte=timezone.now())

    def in_published_form(self):
        """Each description as the public sees it: the last published version's texts where one was stored."""
        queryset = self.select_related("published_version")
        queryset._iterable_class = PublishedFormIterable
        return queryset

    def for_county(self, county):
        """Descriptions owned by one county."""
        return self.filter(county=county)

    # --- search (see processes/search.py and README "Search") ----------------------------------

    def search(self, query):
        """Descriptions that contain every word of the query, in any Finnish (or Swedish, English) form.

        The words are looked for in the title, summary, sections, author, content names, the
        phases (title, goal) and their steps (title, description, role, output, checklist).
        PostgreSQL ranks the results and annotates `search_rank` and `search_headline` (the
        matching passage, marked with `processes.search.START_SEL`/`STOP_SEL`); other
        databases keep the queryset's order and match stems (`processes.search.finnish_stem`).
        """
        words = search.search_words(query)
        if not words:
            return self
        if connections[self.db].vendor == "postgresql":
            return self._full_text_search(words)
        return self._stem_search(words)

    def _full_text_search(self, words):
        config = _search_config()
        terms = [Lexeme(word, prefix=True) for word in words]
        tsquery = SearchQuery(reduce(operator.and_, terms), config=config)
        parts = _searchable_parts()
        vector = (
            SearchVector("title", config=config, weight="A")
            + SearchVector("summary", parts["modules"], "author", config=config, weight="B")
            + SearchVector(parts["phases"], parts["steps"], config=config, weight="C")
            + SearchVector(*ProcessDescription.SECTION_FIELDS, config=config, weight="D")
        )
        passage_text = Concat(
            "summary",
            *[piece for field in ProcessDescription.SECTION_FIELDS for piece in (Value("\n"), F(field))],
            Value("\n"),
            parts["phases"],
            Value("\n"),
            parts["steps"],
            Value("\n"),
            "author",
            Value("\n"),
            parts["modules"],
            output_field=models.TextField(),
        )
        return (
            self.alias(search_document=vector)
            .filter(search_document=tsquery)
            .annotate(
                search_rank=SearchRank(vector, tsquery),
                search_headline=SearchHeadline(
                    passage_text,
                    tsquery,
                    config=config,
                    start_sel=search.START_SEL,
                    stop_sel=search.STOP_SEL,
                    max_words=30,
                    min_words=12,
                    max_fragments=2,
                    fragment_delimiter=search.PASSAGE_FRAGMENT_DELIMITER,
                ),
            )
            .order_by("-search_rank", "-modified_at", "pk")
        )

    def _stem_search(self, words):
        queryset = self
        for word in words:
            stem = search.finnish_stem(word)
            # SQLite's LIKE ignores the case of ASCII letters only: try "äiti" and "Äiti" both.
            variants = {stem, stem[:1].upper() + stem[1:]}
            queryset = queryset.filter(reduce(operator.or_, [_matches_stem(variant) for variant in variants]))
        return queryset


def _search_config():
    """The text-search configuration of each description's own language."""
    return Case(
        When(language="sv", then=Value("swedish")),
        When(language="en", then=Value("english")),
        default=Value("finnish"),
        output_field=models.CharField(),
    )


def _role_labels():
    """Each responsible role's label in the reader's language, as SQL: what the guide shows."""
    return Case(
        *[When(responsible_role=code, then=Value(str(label))) for code, label in ResponsibleRole.choices],
        default=Value(""),
        output_field=models.CharField(),
    )


def _text_of(queryset, group_by, *fields):
    """One text per description: the fields of every row of the queryset, joined."""
    pieces = []
    for field in fields:
        pieces += [Coalesce(field, Value(""), output_field=models.TextField()), Value(" ")]
    joined = Concat(*pieces, output_field=models.TextField())
    aggregated = queryset.order_by().values(group_by).annotate(text=StringAgg(joined, delimiter=Value("\n")))
    return Coalesce(Subquery(aggregated.values("text")), Value(""), output_field=models.TextField())


def _searchable_parts():
    """The texts of a description that live in other tables: its phases, steps and contents."""
    return {
        "phases": _text_of(Phase.objects.filter(process=OuterRef("pk")), "process", "title", "goal"),
        "steps": _text_of(
            Step.objects.filter(phase__process=OuterRef("pk")),
            "phase__process",
            "title",
            _role_labels(),
            "output",
            "description",
            "checklist",
        ),
        "modules": _text_of(
            ProcessDescription.modules.through.objects.filter(processdescription=OuterRef("pk")),
            "processdescription",
            "contentmodule__name_fi",
            "contentmodule__name_sv",
            "contentmodule__name_en",
        ),
    }


def _matches_stem(stem):
    """The SQLite fallback: the stem occurs in a description's text, a phase, a step or a content name."""
    own_fields = ("title", "summary", "author", *ProcessDescription.SECTION_FIELDS)
    own = reduce(operator.or_, [Q(**{f"{field}__icontains": stem}) for field in own_fields])
    roles = [code for code, label in ResponsibleRole.choices if stem.casefold() in str(label).casefold()]
    phases = Phase.objects.filter(process=OuterRef("pk")).filter(Q(title__icontains=stem) | Q(goal__icontains=stem))
    steps = Step.objects.filter(phase__process=OuterRef("pk")).filter(
        Q(title__icontains=stem)
        | Q(description__icontains=stem)
        | Q(output__icontains=stem)
        | Q(checklist__icontains=stem)
        | Q(responsible_role__in=roles)
    )
    modules = ContentModule.objects.filter(process_descriptions=OuterRef("pk")).filter(
        Q(name_fi__icontains=stem) | Q(name_sv__icontains=stem) | Q(name_en__icontains=stem)
    )
    return own | Q(Exists(phases)) | Q(Exists(steps)) | Q(Exists(modules))


# --------------------------------------------------------------------------------------------------


class VersionedModel(models.Model):
    """A row whose every save raises its `version`: an editor's form carries the version it showed.

    The next version is read from the database, so a stale instance (a history revert, a
    form opened long ago) never writes a version that was already used.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            stored = type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True).first()
            self.version = max(stored or 0, self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)


class ProcessDescription(VersionedModel):
    """An operating model (toimintamalli): the rollout guide a county follows and publishes."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="process_descriptions"
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=settings.LANGUAGES,
        default="fi",
        help_text=_("The language this description is written in."),
    )
    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in lists and search results."))
    operating_environment = models.TextField(_("operating environment"), blank=True)
    starting_point = models.TextField(_("starting point and strategic links"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    needs_resident = models.TextField(_("needs of residents"), blank=True)
    needs_professional = models.TextField(_("needs of professionals"), blank=True)
    needs_organisation = models.TextField(_("needs of the organisation"), blank=True)
    needs_society = models.TextField(_("needs of society"), blank=True)
    target_group = models.TextField(_("target group and customer insight"), blank=True)
    solution = models.TextField(_("basic idea of the solution"), blank=True)
    conditions = models.TextField(_("conditions for working and deployment"), blank=True)
    tips = models.TextField(_("tips for adopters"), blank=True)
    measuring_change = models.TextField(_("how change is measured"), blank=True)
    evaluation_results = models.TextField(_("evaluation results"), blank=True)

    author = models.CharField(_("author"), max_length=200, blank=True)
    funder = models.CharField(_("funder"), max_length=20, choices=Funder, blank=True)
    place_of_implementation = models.CharField(_("place of implementation"), max_length=200, blank=True)
    development_stage = models.CharField(
        _("development stage"), max_length=20, choices=DevelopmentStage, default=DevelopmentStage.IN_DEVELOPMENT
    )
    status = models.CharField(
        _("publication status"),
        max_length=20,
        choices=PublicationStatus,
        default=PublicationStatus.DRAFT,
        help_text=_("Only published descriptions are shown to the public."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        help_text=_("When the description becomes public. Filled in on publishing; a future time schedules it."),
    )
    modules = models.ManyToManyField(
        ContentModule, verbose_name=_("content modules"), blank=True, related_name="process_descriptions"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("last modified"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The published description of another county this one was copied from."),
    )
    published_version = models.ForeignKey(
        "PublishedVersion",
        verbose_name=_("published version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The version the public reads while a revision is being written and reviewed."),
    )

    history = HistoricalRecords(m2m_fields=[modules])
    objects = ProcessDescriptionQuerySet.as_manager()

    SECTION_FIELDS = (
        "operating_environment",
        "starting_point",
        "goals",
        "needs_resident",
        "needs_professional",
        "needs_organisation",
        "needs_society",
        "target_group",
        "solution",
        "conditions",
        "tips",
        "measuring_change",
        "evaluation_results",
    )

    class Meta:
        verbose_name = _("process description")
        verbose_name_plural = _("process descriptions")
        ordering = ["-modified_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="published_process_has_publication_time",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("processes:process_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        has_public_version = self.status == PublicationStatus.PUBLISHED or (
            self.status in REVISION_STATUSES and self.published_version_id is not None
        )
        return has_public_version and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_in_revision(self) -> bool:
        """Being rewritten or reviewed while the public still reads the last published version."""
        return self.status in REVISION_STATUSES and self.published_version_id is not None

    def save(self, *args, **kwargs):
        if self.__dict__.get("_published_form"):
            raise ValueError("A description shown in its published form is read-only.")
        if self.status == PublicationStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def show_published_form(self) -> None:
        """Show the texts of the last published version instead of the row's own (which may be a revision)."""
        version = self.published_version if self.published_version_id else None
        if version is None:
            return
        fields = version.snapshot.get("fields", {})
        for name in PUBLISHED_FORM_FIELDS:
            if name in fields:
                setattr(self, name, fields[name])
        if modified_at := version.snapshot.get("modified_at"):
            self.modified_at = datetime.datetime.fromisoformat(modified_at)
        self.__dict__["_published_form"] = True


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


# --- Uploaded attachments -------------------------------------------------------------------------


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PPTX = "pptx", "PowerPoint (PPTX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


IMAGE_KINDS = (AttachmentKind.PNG, AttachmentKind.JPEG)
ALT_TEXT_REQUIRED = _("An image shown in the guide needs an alternative text that says what the image shows.")
ONLY_IMAGES_IN_GUIDE = _("Only PNG and JPEG images can be shown in the guide; other files are listed as attachments.")


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
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Every way in (admin, shell, a service) checks the content before the file is stored.
        self.detect_kind()
        super().save(*args, **kwargs)


# --------------------------------------------------------------------------------------------------


class Phase(VersionedModel):
    """One phase of a rollout process, such as planning or the pilot."""

    process = models.ForeignKey(
        ProcessDescription, verbose_name=_("process description"), on_delete=models.CASCADE, related_name="phases"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Phases are shown in this order."))
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), blank=True, help_text=_("What the phase achieves. Markdown is allowed."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["process", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class ResponsibleRole(models.TextChoices):
    MAIN_USER = "main_user", _("main user")
    MANAGER = "manager", _("manager")
    PROFESSIONAL = "professional", _("professional")
    COMMUNICATIONS = "communications", _("communications")
    STEERING_GROUP = "steering_group", _("steering group")
    IT_SUPPORT = "it_support", _("ICT support")
    TRAINER = "trainer", _("trainer or change coach")


class Step(VersionedModel):
    """A step inside a phase: who does it, how long it takes, what it produces."""

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    responsible_role = models.CharField(_("responsible role"), max_length=30, choices=ResponsibleRole)
    estimated_days = models.PositiveSmallIntegerField(
        _("estimated duration (days)"), null=True, blank=True, help_text=_("Working days the step usually takes.")
    )
    output = models.CharField(
        _("produces"), max_length=300, blank=True, help_text=_("What exists when the step is done.")
    )
    checklist = models.TextField(_("checklist"), blank=True, help_text=_("One item a line."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["phase", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def checklist_items(self) -> list[str]:
        return [line.strip(" -*•\t") for line in self.checklist.splitlines() if line.strip(" -*•\t")]


class RolloutStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    PILOTING = "piloting", _("piloting")
    IN_USE = "in_use", _("in use")
    ENDED = "ended", _("ended")


class RolloutQuerySet(models.QuerySet):
    def for_county(self, county):
        """Rollouts of one county."""
        return self.filter(county=county)

    def current(self):
        """Rollouts that have not ended."""
        return self.exclude(status=RolloutStatus.ENDED)

    def with_public_current_phase(self):
        """Annotate `current_phase_is_public`: the current phase belongs to the rollout's published guide.

        A draft's phases are never shown publicly; "published" is `ProcessDescription.objects.published()`.
        """
        published_guide_with_phase = ProcessDescription.objects.published().filter(
            pk=OuterRef("process"), phases=OuterRef("current_phase")
        )
        queryset = self.annotate(current_phase_is_public=Exists(published_guide_with_phase)).select_related(
            "process__published_version", "current_phase"
        )
        # While the guide is revised, the phase is named as the published version names it.
        queryset._iterable_class = PublishedPhaseIterable
        return queryset

    def with_step_progress(self):
        """Annotate each rollout with its completed steps and the number of steps its process has."""
        total_steps = (
            Step.objects.filter(phase__process=OuterRef("process"))
            .order_by()
            .values("phase__process")
            .annotate(total=models.Count("pk"))
            .values("total")
        )
        return self.annotate(
            completed_step_count=models.Count("completed_steps"),
            total_step_count=Coalesce(Subquery(total_steps), 0),
        )


def county_rollout_counts() -> dict:
    """Annotations for a county queryset: how many of its rollouts are in each status (`rollouts_<status>`)."""
    return {
        f"rollouts_{status}": models.Count("rollouts", filter=Q(rollouts__status=status))
        for status in RolloutStatus.values
    }


SERVICE_AREA_OF_OTHER_COUNTY = _("This service area belongs to another county.")
PHASE_OF_OTHER_PROCESS = _("The current phase must be a phase of the chosen process description.")
GO_LIVE_BEFORE_PILOT = _("Go-live cannot be before the pilot starts.")
END_BEFORE_GO_LIVE = _("A rollout cannot end before it went live.")
ENDED_WITHOUT_DATE = _("An ended rollout needs the date it ended.")


class Rollout(models.Model):
    """One county deploying one content, optionally in one service area, following a process."""

    county = models.ForeignKey(
        WellbeingCounty, verbose_name=_("county"), on_delete=models.PROTECT, related_name="rollouts"
    )
    module = models.ForeignKey(
        ContentModule, verbose_name=_("content module"), on_delete=models.PROTECT, related_name="rollouts"
    )
    service_area = models.ForeignKey(
        ServiceArea,
        verbose_name=_("service area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rollouts",
        help_text=_("Leave empty when the content is deployed in the whole county."),
    )
    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rollouts",
        help_text=_("The operating model this rollout follows."),
    )
    status = models.CharField(_("status"), max_length=20, choices=RolloutStatus, default=RolloutStatus.PLANNED)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    pilot_start = models.DateField(_("pilot start"), null=True, blank=True)
    go_live = models.DateField(_("go-live"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    current_phase = models.ForeignKey(
        Phase,
        verbose_name=_("current phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_steps = models.ManyToManyField(
        Step, verbose_name=_("completed steps"), blank=True, related_name="completed_in_rollouts"
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[completed_steps])
    objects = RolloutQuerySet.as_manager()

    class Meta:
        verbose_name = _("rollout")
        verbose_name_plural = _("rollouts")
        ordering = ["county__code", "module__name_fi"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pilot_start__isnull=True)
                | Q(go_live__isnull=True)
                | Q(pilot_start__lte=models.F("go_live")),
                name="rollout_pilot_start_before_go_live",
            ),
            models.CheckConstraint(
                condition=Q(go_live__isnull=True) | Q(ended_on__isnull=True) | Q(go_live__lte=models.F("ended_on")),
                name="rollout_go_live_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(status=RolloutStatus.ENDED) | Q(ended_on__isnull=False),
                name="rollout_ended_has_end_date",
            ),
        ]

    def clean(self):
        errors = {}
        if self.service_area_id and self.county_id and self.service_area.county_id != self.county_id:
            errors["service_area"] = SERVICE_AREA_OF_OTHER_COUNTY
        if self.current_phase_id and self.current_phase.process_id != self.process_id:
            errors["current_phase"] = PHASE_OF_OTHER_PROCESS
        if self.pilot_start and self.go_live and self.pilot_start > self.go_live:
            errors["go_live"] = GO_LIVE_BEFORE_PILOT
        if self.go_live and self.ended_on and self.go_live > self.ended_on:
            errors["ended_on"] = END_BEFORE_GO_LIVE
        if self.status == RolloutStatus.ENDED and not self.ended_on:
            errors["ended_on"] = ENDED_WITHOUT_DATE
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        where = f" – {self.service_area.name}" if self.service_area_id else ""
        return f"{self.county.name}: {self.module.name}{where}"


# --- review and publication: published versions and the transition log -------------------------

# The description's own fields that a published version keeps and the public pages show.
PUBLISHED_FORM_FIELDS = (
    "title",
    "summary",
    "language",
    *ProcessDescription.SECTION_FIELDS,
    "author",
    "funder",
    "place_of_implementation",
    "development_stage",
)


class PublishedFormIterable(ModelIterable):
    """Yields descriptions showing their last published version (see `ProcessDescription.show_published_form`)."""

    def __iter__(self):
        for process in super().__iter__():
            process.show_published_form()
            yield process


class PublishedPhaseIterable(ModelIterable):
    """Yields rollouts whose current phase reads as in the guide's last published version, if there is one."""

    def __iter__(self):
        for rollout in super().__iter__():
            version = rollout.process.published_version if rollout.process_id else None
            if version is not None and rollout.current_phase_id and rollout.current_phase_is_public:
                published = {phase["id"]: phase for phase in version.snapshot.get("phases", [])}
                phase = published.get(rollout.current_phase_id)
                if phase is None:
                    rollout.current_phase_is_public = False
                else:
                    rollout.current_phase.title = phase["title"]
            yield rollout


class PublishedVersion(models.Model):
    """What the public read of a description when it was published: its fields, contents, phases, steps, links.

    `snapshot` is made by `processes.publishing.process_snapshot`; the public pages render it
    while the description itself is being revised, and the reviewer's comparison starts from it.
    """

    process = models.ForeignKey(
        ProcessDescription,
        verbose_name=_("process description"),
        on_delete=models.CASCADE,
        related_name="published_versions",
    )
    snapshot = models.JSONField(_("published content"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.snapshot.get('fields', {}).get('title', '')} ({self.published_at:%Y-%m-%d %H:%M})"


class PublicationTransition(models.Model):
    """One change of a description's publication state: who, when, from what to what, and why."""

    process = models.ForeignKey(
        ProcessDescription, verbose_name=_("process description"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=PublicationStatus)
    to_status = models.CharField(_("to"), max_length=20, choices=PublicationStatus)
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("publication transition")
        verbose_name_plural = _("publication transitions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
