"""The rows edited or shown inside a description's or a phase's admin page."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from processes.concurrency import VersionCheckedForm
from processes.models import Phase, ProcessAttachment, ProcessLink, PublicationTransition, PublishedVersion, Step
from processes.services import guide_part_delete_check
from regions.scoping import CountyScopedInlineMixin


class GuidePartFormSet(BaseInlineFormSet):
    """Phases or steps of a guide: a row another county's rollout follows cannot be deleted from the form."""

    def clean(self):
        super().clean()
        refusals = []
        for form in self.deleted_forms:
            if form.instance.pk is None:
                continue
            try:
                guide_part_delete_check(part=form.instance)
            except ValidationError as refusal:
                refusals += refusal.messages
        if refusals:
            raise ValidationError(refusals)


class PhaseInline(CountyScopedInlineMixin, admin.TabularInline):
    model = Phase
    form = VersionCheckedForm
    formset = GuidePartFormSet
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
    fields = [("order", "title"), "file", ("kind", "file_size"), ("show_in_guide", "is_cover", "alt_text")]
    readonly_fields = ["kind", "file_size"]
    extra = 0

    @admin.display(description=_("size"))
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.pk else "–"


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
    fields = ["created_at", "user", "from_status", "to_status", "cause", "comment"]
    readonly_fields = fields
    verbose_name = _("transition")
    verbose_name_plural = _("transition log")


class PublishedVersionInline(ReadOnlyInlineMixin, CountyScopedInlineMixin, admin.TabularInline):
    """Every version the public has read, newest first."""

    model = PublishedVersion
    county_field = "process__county"
    fields = ["published_at", "published_by"]
    readonly_fields = fields


class StepInline(CountyScopedInlineMixin, admin.StackedInline):
    model = Step
    form = VersionCheckedForm
    formset = GuidePartFormSet
    county_field = "phase__process__county"
    fields = [
        ("order", "title"),
        ("responsible_role", "estimated_days"),
        ("anchor", "anchor_name", "offset_days"),
        "output",
        "description",
        "checklist",
        "edit_version",
    ]
    extra = 0
    ordering = ["order", "pk"]
