"""Process descriptions (toimintamallit): the rollout guides counties write, review and publish."""

import datetime

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from processes.models.choices import DevelopmentStage, Funder, PublicationStatus
from processes.models.contents import ContentModule
from processes.models.description_search import DescriptionSearchQuerySet, published_field
from processes.models.history import HistoricalRecords
from processes.models.texts import MultilineTextField
from processes.models.versioning import VersionedModel
from regions.models import WellbeingCounty

# A description in these states is being written or reviewed; if it was published before,
# the public keeps reading its last published version meanwhile.
REVISION_STATUSES = (PublicationStatus.DRAFT, PublicationStatus.IN_REVIEW)


class ProcessDescriptionQuerySet(DescriptionSearchQuerySet):
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

    def with_copies_of(self, process):
        """`process` and every description copied from it (`based_on`), copies of copies too: one recursive subquery."""
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        key, parent = quote(self.model._meta.pk.column), quote(self.model._meta.get_field("based_on").column)
        # UNION, not UNION ALL: a description met twice is not followed again.
        family = RawSQL(  # noqa: S611 - names from the model, the key a parameter
            f"WITH RECURSIVE family(id) AS (SELECT {key} FROM {table} WHERE {key} = %s "  # noqa: S608
            f"UNION SELECT child.{key} FROM {table} child JOIN family ON child.{parent} = family.id) "
            "SELECT id FROM family",
            [process.pk],
        )
        return self.filter(pk__in=family)

    def covering(self, module):
        """Descriptions whose published form covers the content (a revision's contents do not count)."""
        version_modules = ProcessDescription.published_version.field.related_model.modules.through.objects.filter(
            publishedversion=OuterRef("published_version"), contentmodule=module
        )
        own_modules = ProcessDescription.modules.through.objects.filter(
            processdescription=OuterRef("pk"), contentmodule=module
        )
        return self.filter(Q(Exists(version_modules)) | Q(published_version__isnull=True) & Q(Exists(own_modules)))

    def in_stage(self, stage):
        """Descriptions whose published form is at the development stage."""
        return self.alias(published_stage=published_field("development_stage")).filter(published_stage=stage)

    def latest_published_first(self):
        """The most recently published first (a revision being written does not move a description up)."""
        return self.order_by(Coalesce("published_version__published_at", "published_at").desc(nulls_last=True), "-pk")


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
    summary = MultilineTextField(_("summary"), help_text=_("One or two sentences shown in lists and search results."))
    operating_environment = MultilineTextField(_("operating environment"), blank=True)
    starting_point = MultilineTextField(_("starting point and strategic links"), blank=True)
    goals = MultilineTextField(_("goals"), blank=True)
    # Innokylä's operating-model sections (innokyla.fi): the change sought and how it is carried out.
    target_change = MultilineTextField(
        _("target change"), blank=True, help_text=_("What should be different once the model is in use, and for whom.")
    )
    needs_resident = MultilineTextField(_("needs of residents"), blank=True)
    needs_professional = MultilineTextField(_("needs of professionals"), blank=True)
    needs_organisation = MultilineTextField(_("needs of the organisation"), blank=True)
    needs_society = MultilineTextField(_("needs of society"), blank=True)
    target_group = MultilineTextField(_("target group and customer insight"), blank=True)
    solution = MultilineTextField(_("basic idea of the solution"), blank=True)
    conditions = MultilineTextField(_("conditions for working and deployment"), blank=True)
    implementation_plan = MultilineTextField(
        _("implementation plan"), blank=True, help_text=_("Who does what and when to put the model into use.")
    )
    tips = MultilineTextField(_("tips for adopters"), blank=True)
    measuring_change = MultilineTextField(_("how change is measured"), blank=True)
    evaluation_results = MultilineTextField(_("evaluation results"), blank=True)
    people_involved = MultilineTextField(
        _("people involved"),
        blank=True,
        help_text=_("The people and organisations who developed and deployed the model, with their roles."),
    )

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
        "target_change",
        "needs_resident",
        "needs_professional",
        "needs_organisation",
        "needs_society",
        "target_group",
        "solution",
        "conditions",
        "implementation_plan",
        "tips",
        "measuring_change",
        "evaluation_results",
        "people_involved",
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
        if created_at := version.snapshot.get("created_at"):
            self.created_at = datetime.datetime.fromisoformat(created_at)
        self.__dict__["_published_form"] = True


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
