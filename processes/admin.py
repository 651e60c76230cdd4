from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from processes.models import (
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    Rollout,
    Step,
)
from processes.resources import ContentModuleResource
from processes.services import process_archive, process_publish
from regions.scoping import CountyScopedAdminMixin, CountyScopedInlineMixin, ReferenceDataAdminMixin


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
    county_field = "process__county"
    fields = ["order", "title", "goal", "step_total"]
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


@admin.register(ProcessDescription)
class ProcessDescriptionAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "county", "status", "development_stage", "published_at", "modified_at"]
    list_filter = ["status", "development_stage", "county", "language", "modules"]
    search_fields = ["title", "summary", "author", "county__name_fi", "county__brand"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["county", "modules"]
    date_hierarchy = "modified_at"
    list_select_related = ["county"]
    readonly_fields = ["created_by", "modified_at"]
    inlines = [PhaseInline, ProcessLinkInline, ProcessAttachmentInline]
    actions = ["publish", "archive"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "county", "language", "summary", "modules"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "development_stage", "created_at", "modified_at", "created_by"]},
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

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Publish the selected process descriptions"), permissions=["change"])
    def publish(self, request, queryset):
        updated = sum(process_publish(process=process, user=request.user) for process in queryset)
        self.message_user(
            request,
            ngettext("%d process description published.", "%d process descriptions published.", updated) % updated,
            messages.SUCCESS,
        )

    @admin.action(description=_("Archive the selected process descriptions"), permissions=["change"])
    def archive(self, request, queryset):
        updated = sum(process_archive(process=process, user=request.user) for process in queryset)
        self.message_user(
            request,
            ngettext("%d process description archived.", "%d process descriptions archived.", updated) % updated,
            messages.SUCCESS,
        )


class StepInline(CountyScopedInlineMixin, admin.StackedInline):
    model = Step
    county_field = "phase__process__county"
    fields = [("order", "title"), ("responsible_role", "estimated_days"), "output", "description", "checklist"]
    extra = 0
    ordering = ["order", "pk"]


@admin.register(Phase)
class PhaseAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
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

    @admin.display(description=_("steps"), ordering="step_count")
    def step_total(self, obj):
        return obj.step_count


@admin.register(Step)
class StepAdmin(CountyScopedAdminMixin, SimpleHistoryAdmin):
    county_field = "phase__process__county"
    list_display = ["title", "order", "phase", "responsible_role", "estimated_days"]
    list_filter = ["responsible_role", "phase__process"]
    search_fields = ["title", "description", "output", "checklist", "phase__title"]
    autocomplete_fields = ["phase"]
    list_select_related = ["phase", "phase__process"]
    ordering = ["phase__process", "phase__order", "order"]


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
