from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from processes.concurrency import VersionCheckedForm
from processes.models import (
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    PublicationTransition,
    PublishedVersion,
    Rollout,
    Step,
)
from processes.publishing import empty_snapshot, process_snapshot, snapshot_changes
from processes.resources import ContentModuleResource
from processes.services import (
    process_archive,
    process_copy,
    process_publish,
    process_return,
    process_revision_start,
    process_submit,
)
from regions.models import WellbeingCounty
from regions.scoping import (
    CountyScopedAdminMixin,
    CountyScopedInlineMixin,
    ReferenceDataAdminMixin,
    can_edit_county,
    can_publish_county,
    editable_county_ids,
)


@admin.register(ContentModule)
class ContentModuleAdmin(ReferenceDataAdminMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [ContentModuleResource]
    list_display = ["name_fi", "code", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    prepopulated_fields = {"code": ["name_fi"]}
    ordering = ["kind", "name_fi"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "is_active"]}),
        (_("Names"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Descriptions"), {"fields": ["description_fi", "description_sv", "description_en"]}),
    ]


class PhaseInline(CountyScopedInlineMixin, admin.TabularInline):
    model = Phase
    form = VersionCheckedForm
    county_field = "process__county"
    fields = ["order", "title", "goal", "step_total", "edit_version"]
    readonly_fields = ["step_total"]
    extra = 0
    show_change_link = True
    ordering = ["order", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("steps"))

    @admin.display(description=_("steps"))
    def step_total(self, obj):
        return getattr(obj, "step_count", 0)


class ProcessLinkInline(CountyScopedInlineMixin, admin.TabularInline):
    model = ProcessLink
    county_field = "process__county"
    fields = ["order", "kind", "title", "url"]
    extra = 0


class ProcessAttachmentInline(CountyScopedInlineMixin, admin.StackedInline):
    """Uploaded files; their type and size are read from the content when saved."""

    model = ProcessAttachment
    county_field = "process__county"
    fields = [("order", "title"), "file", ("kind", "file_size"), ("show_in_guide", "alt_text")]
    readonly_fields = ["kind", "file_size"]
    extra = 0

    @admin.display(description=_("size"))
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.pk else "–"


# --- review before publishing: edits start a revision, transitions, the reviewer's comparison, copies --------

TRANSITION_DONE = {
    "submit": _("“%(title)s” was sent to review."),
    "publish": _("“%(title)s” was published."),
    "return": _("“%(title)s” was sent back to its editors."),
    "archive": _("“%(title)s” was archived."),
}
UNKNOWN_TRANSITION = _("Choose what to do with the description.")
COPY_MADE = _("A draft copy of “%(title)s” was made for %(county)s. It is not public until it has been reviewed.")
COPY_CHOOSE = _("Choose a published description and the county to copy it into.")


class RevisionOnEditMixin:
    """An edit of a published description's phase or step makes the description a draft (a revision).

    The public keeps reading the published version until the revision is published again.
    """

    def process_ids_of(self, obj) -> set:
        raise NotImplementedError

    def revision_start(self, request, obj) -> None:
        for process in ProcessDescription.objects.filter(
            pk__in=self.process_ids_of(obj), status=PublicationStatus.PUBLISHED
        ):
            process_revision_start(process=process, user=request.user)

    def save_model(self, request, obj, form, change):
        self.ensure_editable(request, obj)
        if form.has_changed() or not change:
            self.revision_start(request, obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self.ensure_editable(request, obj)
        self.revision_start(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in self.scope_queryset(request, queryset):
            self.revision_start(request, obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        if formset.has_changed():
            self.revision_start(request, form.instance)
        super().save_formset(request, form, formset, change)


class ReadOnlyInlineMixin:
    """An inline that shows a log: nothing in it is added, changed or deleted from the admin."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PublicationTransitionInline(ReadOnlyInlineMixin, CountyScopedInlineMixin, admin.TabularInline):
    """Who moved the description from which state to which, when, and why: the review's log."""

    model = PublicationTransition
    county_field = "process__county"
    fields = ["created_at", "user", "from_status", "to_status", "comment"]
    readonly_fields = fields
    verbose_name = _("transition")
    verbose_name_plural = _("transition log")


class PublishedVersionInline(ReadOnlyInlineMixin, CountyScopedInlineMixin, admin.TabularInline):
    """Every version the public has read, newest first."""

    model = PublishedVersion
    county_field = "process__county"
    fields = ["published_at", "published_by"]
    readonly_fields = fields


# What is stored only through the review services: never from the change form or a history revert.
WORKFLOW_FIELDS = ["status", "published_at", "published_version", "based_on"]


@admin.register(ProcessDescription)
class ProcessDescriptionAdmin(RevisionOnEditMixin, CountyScopedAdminMixin, SimpleHistoryAdmin):
    form = VersionCheckedForm
    list_display = ["title", "county", "status", "development_stage", "published_at", "modified_at"]
    list_filter = ["status", "development_stage", "county", "language", "modules"]
    search_fields = ["title", "summary", "author", "county__name_fi", "county__brand"]
    autocomplete_fields = ["county", "modules"]
    date_hierarchy = "modified_at"
    list_select_related = ["county"]
    readonly_fields = ["created_by", "modified_at", "status", "published_at", "based_on"]
    inlines = [
        PhaseInline,
        ProcessLinkInline,
        ProcessAttachmentInline,
        PublicationTransitionInline,
        PublishedVersionInline,
    ]
    actions = ["submit", "publish", "archive", "use_as_model"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "county", "language", "summary", "modules", "edit_version"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "development_stage",
                    "created_at",
                    "modified_at",
                    "created_by",
                    "based_on",
                ]
            },
        ),
        (_("Metadata"), {"fields": ["author", "funder", "place_of_implementation"]}),
        (
            _("Sections"),
            {
                "description": _("Markdown is allowed: **bold**, lists with -, links as [text](https://…)."),
                "fields": list(ProcessDescription.SECTION_FIELDS),
            },
        ),
    ]
    change_form_template = "admin/processes/processdescription/change_form.html"

    def process_ids_of(self, obj) -> set:
        return {obj.pk} if obj.pk else set()

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if request.method == "POST":
            # The logs are shown, never posted: a save needs no form data for them.
            return [inline for inline in inlines if not isinstance(inline, ReadOnlyInlineMixin)]
        return inlines

    def delete_model(self, request, obj):
        CountyScopedAdminMixin.delete_model(self, request, obj)

    def delete_queryset(self, request, queryset):
        CountyScopedAdminMixin.delete_queryset(self, request, queryset)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.published_version_id is not None:
            # The public address of a published guide stays while it is revised.
            readonly += ["slug"]
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        # Not the prepopulated_fields attribute: django-simple-history's history form reads that
        # directly and fails on the slug, which is read-only once the description was published.
        if obj is not None and obj.published_version_id is not None:
            return {}
        return {"slug": ["title"]}

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        if change:
            self.ensure_editable(request, obj)
            if form.has_changed():
                self.revision_start(request, obj)
            stored = ProcessDescription.objects.filter(pk=obj.pk).values(
                *(ProcessDescription._meta.get_field(name).attname for name in WORKFLOW_FIELDS)
            )
            for attname, value in stored.get().items():
                setattr(obj, attname, value)
        else:
            obj.status = PublicationStatus.DRAFT
            obj.published_at = obj.published_version = obj.based_on = None
        CountyScopedAdminMixin.save_model(self, request, obj, form, change)

    # --- the review panel on the change form ------------------------------------------------------------

    def transitions_for(self, request, process) -> list[dict]:
        """The transition buttons the user may press on this description now."""
        may_edit = can_edit_county(request.user, process.county_id) and self.has_change_permission(request, process)
        may_publish = may_edit and can_publish_county(request.user, process.county_id)
        offered = []
        if may_edit and process.status == PublicationStatus.DRAFT:
            offered.append({"name": "submit", "label": _("Send to review")})
        if may_publish and process.status == PublicationStatus.IN_REVIEW:
            offered.append({"name": "publish", "label": _("Publish")})
            offered.append({"name": "return", "label": _("Send back")})
        if may_publish and process.status != PublicationStatus.ARCHIVED:
            offered.append({"name": "archive", "label": _("Archive")})
        return offered

    def change_view(self, request, object_id, form_url="", extra_context=None):
        process = self.get_object(request, unquote(object_id))
        if process is not None and self.has_view_permission(request, process):
            offered = self.transitions_for(request, process)
            extra_context = {
                **(extra_context or {}),
                "review": {
                    "status": process.get_status_display(),
                    "in_revision": process.is_in_revision,
                    "transitions": offered,
                    "may_comment": any(action["name"] in {"return", "archive"} for action in offered),
                    "transition_url": reverse(self._admin_url_name("transition"), args=[process.pk]),
                    "changes_url": reverse(self._admin_url_name("changes"), args=[process.pk]),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    # --- URLs of the review ------------------------------------------------------------------------------

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def _admin_url_name(self, suffix: str) -> str:
        return f"{self.admin_site.name}:{self._url_name(suffix)}"

    def get_urls(self):
        own = [
            path("copy/", self.admin_site.admin_view(self.copy_view), name=self._url_name("copy")),
            path(
                "<path:object_id>/transition/",
                self.admin_site.admin_view(self.transition_view),
                name=self._url_name("transition"),
            ),
            path(
                "<path:object_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name=self._url_name("changes"),
            ),
        ]
        return own + super().get_urls()

    def _scoped_object(self, request, object_id, *, change=False):
        process = self.get_object(request, unquote(object_id))
        if process is None:
            raise Http404
        allowed = self.has_change_permission if change else self.has_view_permission
        if not allowed(request, process):
            raise PermissionDenied
        return process

    def transition_view(self, request, object_id):
        """The review panel's buttons: one service call, then back to the change form with its outcome."""
        process = self._scoped_object(request, object_id, change=True)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        services = {
            "submit": lambda: process_submit(process=process, user=request.user),
            "publish": lambda: process_publish(process=process, user=request.user),
            "return": lambda: process_return(
                process=process, user=request.user, comment=request.POST.get("comment", "")
            ),
            "archive": lambda: process_archive(
                process=process, user=request.user, comment=request.POST.get("comment", "")
            ),
        }
        name = request.POST.get("transition")
        if name not in services:
            self.message_user(request, UNKNOWN_TRANSITION, messages.ERROR)
        else:
            try:
                services[name]()
            except (PermissionDenied, ValidationError) as refusal:
                self.message_user(request, _refusal_text(refusal), messages.ERROR)
            else:
                self.message_user(request, TRANSITION_DONE[name] % {"title": process.title}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(self._admin_url_name("change"), args=[process.pk]))

    def changes_view(self, request, object_id):
        """What changed since the last published version: fields, contents, phases, steps and links."""
        process = self._scoped_object(request, object_id)
        published = process.published_version or process.published_versions.first()
        changes = snapshot_changes(published.snapshot if published else empty_snapshot(), process_snapshot(process))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": process,
            "title": _("Changes since the last published version"),
            "published": published,
            "changes": changes,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/processes/processdescription/changes.html", context)

    # --- actions -----------------------------------------------------------------------------------------

    def _each(self, request, queryset, operation, done_message):
        done, refusals = 0, []
        for process in queryset:
            try:
                operation(process=process, user=request.user)
            except (PermissionDenied, ValidationError) as refusal:
                refusals.append(f"{process.title}: {_refusal_text(refusal)}")
            else:
                done += 1
        self.message_user(request, done_message(done), messages.SUCCESS if done else messages.WARNING)
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)

    @admin.action(description=_("Send the selected process descriptions to review"), permissions=["change"])
    def submit(self, request, queryset):
        self._each(
            request,
            queryset,
            process_submit,
            lambda done: (
                ngettext("%d process description sent to review.", "%d process descriptions sent to review.", done)
                % done
            ),
        )

    @admin.action(description=_("Publish the selected process descriptions"), permissions=["change"])
    def publish(self, request, queryset):
        self._each(
            request,
            queryset,
            process_publish,
            lambda done: (
                ngettext("%d process description published.", "%d process descriptions published.", done) % done
            ),
        )

    @admin.action(description=_("Archive the selected process descriptions"), permissions=["change"])
    def archive(self, request, queryset):
        self._each(
            request,
            queryset,
            process_archive,
            lambda done: ngettext("%d process description archived.", "%d process descriptions archived.", done) % done,
        )

    @admin.action(description=_("Use the selected published descriptions as a model…"), permissions=["add"])
    def use_as_model(self, request, queryset):
        query = urlencode([("source", pk) for pk in queryset.values_list("pk", flat=True)])
        return HttpResponseRedirect(f"{reverse(self._admin_url_name('copy'))}?{query}")

    # --- "use this model": copying another county's published description -------------------------------

    def copy_view(self, request):
        """Published descriptions of every county, each with a button that copies it as a draft of the user's county."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        counties = WellbeingCounty.objects.filter(pk__in=editable_county_ids(request.user)).order_by("code")
        if request.method == "POST":
            response = self._copy_from_post(request, counties)
            if response is not None:
                return response
        sources = ProcessDescription.objects.published().in_published_form().select_related("county")
        chosen = [value for value in request.GET.getlist("source") if value.isdigit()]
        if chosen:
            sources = sources.filter(pk__in=chosen)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Use a published description as a model"),
            "sources": sources.order_by("county__code", "title"),
            "counties": counties,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/processes/processdescription/copy.html", context)

    def _copy_from_post(self, request, counties):
        source = ProcessDescription.objects.filter(pk=_int_or_none(request.POST.get("source"))).first()
        county = WellbeingCounty.objects.filter(pk=_int_or_none(request.POST.get("county"))).first()
        if source is None or county is None:
            self.message_user(request, COPY_CHOOSE, messages.ERROR)
            return None
        try:
            copy = process_copy(source=source, county=county, user=request.user)
        except (PermissionDenied, ValidationError) as refusal:
            self.message_user(request, _refusal_text(refusal), messages.ERROR)
            return None
        self.message_user(request, COPY_MADE % {"title": copy.title, "county": county.name}, messages.SUCCESS)
        return HttpResponseRedirect(reverse(self._admin_url_name("change"), args=[copy.pk]))


def _int_or_none(value):
    return int(value) if value and value.isdigit() else None


def _refusal_text(refusal) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(refusal.messages)
    return str(refusal)


class StepInline(CountyScopedInlineMixin, admin.StackedInline):
    model = Step
    form = VersionCheckedForm
    county_field = "phase__process__county"
    fields = [
        ("order", "title"),
        ("responsible_role", "estimated_days"),
        "output",
        "description",
        "checklist",
        "edit_version",
    ]
    extra = 0
    ordering = ["order", "pk"]


@admin.register(Phase)
class PhaseAdmin(RevisionOnEditMixin, CountyScopedAdminMixin, SimpleHistoryAdmin):
    form = VersionCheckedForm
    county_field = "process__county"
    list_display = ["title", "order", "process", "step_total"]
    list_filter = ["process__county", "process"]
    search_fields = ["title", "goal", "process__title"]
    autocomplete_fields = ["process"]
    list_select_related = ["process"]
    ordering = ["process", "order"]
    inlines = [StepInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(step_count=Count("steps"))

    def process_ids_of(self, obj) -> set:
        return {obj.process_id}

    @admin.display(description=_("steps"), ordering="step_count")
    def step_total(self, obj):
        return obj.step_count


@admin.register(Step)
class StepAdmin(RevisionOnEditMixin, CountyScopedAdminMixin, SimpleHistoryAdmin):
    form = VersionCheckedForm
    county_field = "phase__process__county"
    list_display = ["title", "order", "phase", "responsible_role", "estimated_days"]
    list_filter = ["responsible_role", "phase__process"]
    search_fields = ["title", "description", "output", "checklist", "phase__title"]
    autocomplete_fields = ["phase"]
    list_select_related = ["phase", "phase__process"]
    ordering = ["phase__process", "phase__order", "order"]

    def process_ids_of(self, obj) -> set:
        stored = Step.objects.filter(pk=obj.pk).values_list("phase__process", flat=True) if obj.pk else []
        new = Phase.objects.filter(pk=obj.phase_id).values_list("process", flat=True) if obj.phase_id else []
        return {*stored, *new}


@admin.register(Rollout)
class RolloutAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["module", "county", "service_area", "status", "pilot_start", "go_live", "ended_on", "current_phase"]
    list_filter = ["status", "county", "module__kind", "module"]
    search_fields = ["module__name_fi", "module__code", "county__name_fi", "county__brand", "notes"]
    autocomplete_fields = ["county", "module", "service_area", "process", "current_phase"]
    list_select_related = ["module", "county", "service_area", "current_phase"]
    date_hierarchy = "go_live"
    filter_horizontal = ["completed_steps"]
    fieldsets = [
        (None, {"fields": ["county", "module", "service_area", "process", "status"]}),
        (_("Dates"), {"fields": ["planned_start", "pilot_start", "go_live", "ended_on"]}),
        (_("Progress"), {"fields": ["current_phase", "completed_steps", "notes"]}),
    ]

    def also_pickable(self, request, db_field):
        if db_field.name == "process":
            # A county may follow another county's published guide, such as Päijät-Häme's.
            return ProcessDescription.objects.published()
        return super().also_pickable(request, db_field)

    # --- the "steps done" picker: the steps of this rollout's process, labelled by phase and step ---

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "completed_steps":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        steps = list(_steps_of_process(self._process_id_of_request(request)))
        labels = step_labels(steps)
        kwargs["queryset"] = Step.objects.filter(pk__in=labels).order_by("phase__order", "phase__pk", "order", "pk")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label_from_instance = lambda step: labels[step.pk]
        field.help_text = STEPS_OF_THE_PROCESS_HELP
        return field

    def _process_id_of_request(self, request):
        """The process of the rollout being changed, as stored (None on the add form)."""
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id is None:
            return None
        rollout = self.get_queryset(request).filter(pk=object_id).values("process").first()
        return rollout["process"] if rollout else None


STEPS_OF_THE_PROCESS_HELP = _(
    "The steps of the rollout's process description. Choose the process and save first to tick its steps."
)
STEP_LABEL = _("Phase {phase_number}. {phase} › Step {step_number}. {step}")


def _steps_of_process(process_id):
    if process_id is None:
        return Step.objects.none()
    return (
        Step.objects.filter(phase__process=process_id)
        .select_related("phase")
        .order_by("phase__order", "phase__pk", "order", "pk")
    )


def step_labels(steps) -> dict[int, str]:
    """Step pk → "Phase N. title › Step M. title", numbered by position so that no two labels are equal."""
    labels = {}
    phase_numbers = {}
    step_numbers = {}
    for step in steps:
        phase_number = phase_numbers.setdefault(step.phase_id, len(phase_numbers) + 1)
        step_numbers[step.phase_id] = step_numbers.get(step.phase_id, 0) + 1
        labels[step.pk] = str(STEP_LABEL).format(
            phase_number=phase_number, phase=step.phase.title, step_number=step_numbers[step.phase_id], step=step.title
        )
    return labels
