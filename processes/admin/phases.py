"""A guide's phases and steps, each also editable on its own page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history_admin import ReadableHistoryAdmin
from processes.admin.inlines import StepInline
from processes.admin.revisions import RevisionOnEditMixin
from processes.concurrency import VersionCheckedForm
from processes.models import Phase, Step
from processes.services import guide_part_delete_check
from regions.scoping import CountyScopedAdminMixin


class FollowedPartDeleteMixin:
    """A phase or step that another county's rollout follows is not deleted: the delete page says who follows it."""

    def delete_view(self, request, object_id, extra_context=None):
        part = self.get_object(request, unquote(object_id))
        if part is not None and self.has_delete_permission(request, part):
            try:
                guide_part_delete_check(part=part)
            except ValidationError as refusal:
                self.message_user(request, " ".join(refusal.messages), messages.ERROR)
                opts = self.opts
                return HttpResponseRedirect(
                    reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[part.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # The bulk delete action lists the refusals where the admin lists protected rows, and deletes nothing.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for part in objs:
            try:
                guide_part_delete_check(part=part)
            except ValidationError as refusal:
                protected += refusal.messages
        return to_delete, model_count, perms_needed, protected


@admin.register(Phase)
class PhaseAdmin(FollowedPartDeleteMixin, RevisionOnEditMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
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
class StepAdmin(FollowedPartDeleteMixin, RevisionOnEditMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
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
