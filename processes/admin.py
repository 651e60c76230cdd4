from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from processes.models import (
    ContentModule,
    Phase,
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
    inlines = [PhaseInline, ProcessLinkInline]
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
