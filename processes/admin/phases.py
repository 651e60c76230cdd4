"""A guide's phases and steps, each also editable on its own page."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from common.history_admin import ReadableHistoryAdmin
from processes.admin.inlines import StepInline
from processes.admin.revisions import RevisionOnEditMixin
from processes.concurrency import VersionCheckedForm
from processes.models import Phase, Step
from regions.scoping import CountyScopedAdminMixin


@admin.register(Phase)
class PhaseAdmin(RevisionOnEditMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
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
        # A phase moved to another description changes both.
        stored = Phase.objects.filter(pk=obj.pk).values_list("process", flat=True) if obj.pk else []
        return {*stored, obj.process_id} - {None}

    @admin.display(description=_("steps"), ordering="step_count")
    def step_total(self, obj):
        return obj.step_count


@admin.register(Step)
class StepAdmin(RevisionOnEditMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
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
