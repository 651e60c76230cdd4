"""Admin for metrics, usage statistics and import batches, and the file import with preview.

The import is two requests: the upload shows the preview (`usage_import_preview`), the
confirm queues the import for a background worker (`metrics.tasks.usage_import_queue`)
and leads to the import batch's page, which shows its progress. A large upload is
checked by a worker too (`metrics.tasks.background_check_queue`): its page shows the
rows checked, then the same preview. The views only call those services and render
their results.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportExportModelAdmin
from import_export.forms import ExportForm

from common.history_admin import ReadableHistoryAdmin
from metrics.importing.importer import IMPORT_PERMISSION, import_limits, usage_upload_too_large
from metrics.importing.lifecycle import (
    TooManyWaitingImports,
    background_check_get,
    background_check_needed,
    usage_import_cancel,
    usage_import_preview,
)
from metrics.importing.parsing import ImportIssue
from metrics.importing.progress import import_progress_text
from metrics.importing.upload import UploadSizeLimitHandler, UsageImportForm
from metrics.models import CHECK_STATES, UNFINISHED_STATES, ImportBatch, Metric, PendingUsageImport, UsageStatistic
from metrics.resources import MetricResource, UsageStatisticResource
from metrics.tasks import NOT_RETRYABLE, background_check_queue, usage_import_queue, usage_import_retry
from metrics.templatetags.figures import figure
from processes.models import ContentModule
from regions.models import ServiceArea, WellbeingCounty
from regions.scoping import AdminScopeMixin, CountyScopedAdminMixin, ReferenceDataAdminMixin


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows: past that the list offers the pages up to the cap.

    Counting a national table whole takes longer than showing a page of it.
    """

    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.COUNT_CAP].count()


# How often the page of an unfinished import reloads itself, in seconds.
PROGRESS_REFRESH_SECONDS = 2

IMPORT_QUEUED = _("The import of %(file)s has started. This page shows how far it has got; you may leave it.")
IMPORT_RETRIED = _("The import of %(file)s was started again from the first row.")
CHECK_QUEUED = _("%(file)s is being checked. This page shows how far the check has got; you may leave it.")
CHECK_RETRIED = _("The check of %(file)s was started again from the first row.")
IMPORT_CANCELLED = _("The import of %(file)s was cancelled; nothing was written.")
EXPORT_TOO_LARGE = _(
    "The selection has more than {limit} statistics, too many to export at once. "
    "Filter the list by county, content, metric or period type, then export again."
)
# The admin's export builds its file in memory (django-import-export): about 3 KB a row for
# XLSX, so this bounds a request to some 150 MB and a few seconds (docs/deployment.md).
ADMIN_EXPORT_MAX_ROWS = 50_000


@admin.register(Metric)
class MetricAdmin(ReferenceDataAdminMixin, ImportExportModelAdmin, ReadableHistoryAdmin):
    resource_classes = [MetricResource]
    list_display = ["code", "name_fi", "name_sv", "name_en"]
    search_fields = ["code", "name_fi", "name_sv", "name_en"]
    ordering = ["code"]
    fieldsets = [
        (None, {"fields": ["code"]}),
        (_("Names"), {"fields": ["name_fi", "name_sv", "name_en"]}),
        (_("Descriptions"), {"fields": ["description_fi", "description_sv", "description_en"]}),
    ]


@admin.register(UsageStatistic)
class UsageStatisticAdmin(CountyScopedAdminMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [UsageStatisticResource]
    # Every column of the import format, always: a file without one would not import back.
    export_form_class = ExportForm
    import_export_change_list_template = "admin/metrics/usagestatistic/change_list.html"
    list_display = [
        "county",
        "service_area",
        "module",
        "metric",
        "period_type",
        "period_start",
        "shown_value",
        "import_batch",
    ]
    # A national table has millions of rows: the list reads one page through an index
    # (usage_admin_order_idx, or the county's, content's or metric's when filtered), counts
    # at most COUNT_CAP rows, and offers filters instead of a search or date hierarchy,
    # which would join and scan the whole table.
    list_filter = ["county", "module", "metric", "period_type"]
    list_select_related = ["county", "service_area", "module", "metric", "import_batch"]
    ordering = ["-period_start", "-id"]
    autocomplete_fields = ["county", "service_area", "module", "metric"]
    readonly_fields = ["import_batch"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("import-file/", wrap(self.import_upload_view), name="metrics_usagestatistic_import_file"),
            path(
                "import-file/check/<int:batch_id>/",
                wrap(self.import_check_view),
                name="metrics_usagestatistic_import_check",
            ),
            path(
                "import-file/<uuid:token>/confirm/",
                wrap(require_POST(self.import_confirm_view)),
                name="metrics_usagestatistic_import_confirm",
            ),
            path(
                "import-file/<uuid:token>/cancel/",
                wrap(require_POST(self.import_cancel_view)),
                name="metrics_usagestatistic_import_cancel",
            ),
            *super().get_urls(),
        ]

    def has_import_file_permission(self, request) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_file_permission": self.has_import_file_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        # Counting through a LIMIT stops at the cap instead of counting a national table.
        if queryset[: ADMIN_EXPORT_MAX_ROWS + 1].count() > ADMIN_EXPORT_MAX_ROWS:
            limit = number_format(ADMIN_EXPORT_MAX_ROWS, force_grouping=True)
            messages.error(request, str(EXPORT_TOO_LARGE).format(limit=limit))
            return HttpResponseRedirect(request.get_full_path())
        return super()._do_file_export(file_format, request, queryset, export_form=export_form)

    @admin.display(description=_("value"), ordering="value")
    def shown_value(self, obj):
        return figure(obj.value, obj.metric)

    def save_model(self, request, obj, form, change):
        # A hand edit is not an import: the value no longer comes from the batch.
        if change and "value" in form.changed_data:
            obj.import_batch = None
        super().save_model(request, obj, form, change)

    # --- the file import: upload and preview, confirm, cancel ---------------------------

    def _render(self, request, template, context):
        result = context.get("result")
        if template == "admin/metrics/import_preview.html" and result is not None:
            context = {**context, "changes": named_changes(result.changes)}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import usage statistics"),
            **context,
        }
        return TemplateResponse(request, template, context)

    # The upload handler can only be added before the request body is read, which
    # CsrfViewMiddleware would do: the CSRF check runs inside, in _import_upload.
    # https://docs.djangoproject.com/en/stable/topics/http/file-uploads/#modifying-upload-handlers-on-the-fly
    @method_decorator(csrf_exempt)
    def import_upload_view(self, request):
        if not self.has_import_file_permission(request):
            raise PermissionDenied
        size_limit = UploadSizeLimitHandler(request, max_bytes=import_limits().max_bytes)
        request.upload_handlers.insert(0, size_limit)
        return self._import_upload(request, size_limit)

    @method_decorator(csrf_protect)
    def _import_upload(self, request, size_limit):
        form = UsageImportForm(request.POST or None, request.FILES or None, max_bytes=size_limit.max_bytes)
        context = {"form": form}
        if request.method == "POST" and size_limit.refused_file_name is not None:
            context["form"] = UsageImportForm(max_bytes=size_limit.max_bytes)
            context["result"] = usage_upload_too_large(user=request.user, file_name=size_limit.refused_file_name)
        elif request.method == "POST" and form.is_valid():
            file = form.cleaned_data["file"]
            try:
                if background_check_needed(file=file):
                    batch = background_check_queue(file=file, user=request.user)
                    messages.success(request, CHECK_QUEUED % {"file": batch.file_name})
                    return HttpResponseRedirect(reverse("admin:metrics_usagestatistic_import_check", args=[batch.pk]))
                context["result"], context["pending"] = usage_import_preview(file=file, user=request.user)
            except TooManyWaitingImports as refused:
                form.add_error("file", str(refused))
                return self._render(request, "admin/metrics/import_upload.html", context)
            if context["pending"] is not None:
                return self._render(request, "admin/metrics/import_preview.html", context)
        return self._render(request, "admin/metrics/import_upload.html", context)

    def _check_import_permission(self, request):
        if not self.has_import_file_permission(request):
            raise PermissionDenied

    def import_check_view(self, request, batch_id):
        """The check of a large upload: its progress while a worker checks it, then its preview or errors."""
        self._check_import_permission(request)
        try:
            check = background_check_get(batch_id=batch_id, user=request.user)
        except ImportBatch.DoesNotExist:
            raise Http404 from None
        context = {"batch": check.batch, "result": check.result, "pending": check.pending}
        if check.result is None:
            context |= {"progress": import_progress_text(check.batch), "refresh_seconds": PROGRESS_REFRESH_SECONDS}
            return self._render(request, "admin/metrics/import_check.html", context)
        if check.pending is not None:
            return self._render(request, "admin/metrics/import_preview.html", context)
        if not check.result.ok:
            context["form"] = UsageImportForm(max_bytes=import_limits().max_bytes)
            return self._render(request, "admin/metrics/import_upload.html", context)
        # Confirmed or cancelled already: the record of the check says what became of it.
        return HttpResponseRedirect(reverse("admin:metrics_importbatch_change", args=[check.batch.pk]))

    def import_confirm_view(self, request, token):
        self._check_import_permission(request)
        try:
            batch = usage_import_queue(token=token, user=request.user)
        except PendingUsageImport.DoesNotExist:
            raise Http404 from None
        messages.success(request, IMPORT_QUEUED % {"file": batch.file_name})
        return HttpResponseRedirect(reverse("admin:metrics_importbatch_change", args=[batch.pk]))

    def import_cancel_view(self, request, token):
        self._check_import_permission(request)
        try:
            file_name = usage_import_cancel(token=token, user=request.user)
        except PendingUsageImport.DoesNotExist:
            raise Http404 from None
        messages.info(request, IMPORT_CANCELLED % {"file": file_name})
        return HttpResponseRedirect(reverse("admin:metrics_usagestatistic_changelist"))


@dataclass(frozen=True)
class NamedChange:
    """A row of the preview with the names a reader knows instead of the file's codes."""

    change: object
    county: str
    service_area: str
    module: str
    metric: str


def named_changes(changes) -> list[NamedChange]:
    """The preview's sample with county, service area, content and metric names (four queries at most)."""
    if not changes:
        return []
    counties = {
        county.code: county.name
        for county in WellbeingCounty.objects.filter(code__in={change.county for change in changes})
    }
    areas = {
        (area.county.code, area.code): area.name
        for area in ServiceArea.objects.filter(
            code__in={change.service_area for change in changes if change.service_area}
        ).select_related("county")
    }
    modules = {
        module.code: module.name
        for module in ContentModule.objects.filter(code__in={change.module for change in changes})
    }
    metrics = {
        metric.code: metric.name for metric in Metric.objects.filter(code__in={change.metric for change in changes})
    }
    return [
        NamedChange(
            change=change,
            county=counties.get(change.county, change.county),
            service_area=areas.get((change.county, change.service_area), change.service_area),
            module=modules.get(change.module, change.module),
            metric=metrics.get(change.metric, change.metric),
        )
        for change in changes
    ]


@admin.register(ImportBatch)
class ImportBatchAdmin(AdminScopeMixin, admin.ModelAdmin):
    """Read-only record of every import. Editors see their own imports; superusers all."""

    list_display = [
        "created_at",
        "file_name",
        "user",
        "outcome",
        "progress",
        "rows_read",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_rejected",
    ]
    list_filter = ["outcome", "created_at"]
    actions = ["retry_stalled_imports"]
    # The page of an unfinished import reloads itself (templates/admin/metrics/importbatch/change_form.html).
    change_form_template = "admin/metrics/importbatch/change_form.html"
    search_fields = ["file_name", "sha256", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    fields = [
        "created_at",
        "user",
        "file_name",
        "sha256",
        "outcome",
        "progress",
        ("rows_read", "rows_created", "rows_updated", "rows_unchanged", "rows_rejected"),
        "duration_seconds",
        "error_report",
    ]
    readonly_fields = [
        "created_at",
        "user",
        "file_name",
        "sha256",
        "outcome",
        "progress",
        "rows_read",
        "rows_created",
        "rows_updated",
        "rows_unchanged",
        "rows_rejected",
        "duration_seconds",
        "error_report",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj) or request.user.has_perm(IMPORT_PERMISSION)
        return allowed and (obj is None or request.user.is_superuser or obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        unfinished = batch is not None and batch.outcome in UNFINISHED_STATES
        extra_context = {**(extra_context or {}), "refresh_seconds": PROGRESS_REFRESH_SECONDS if unfinished else None}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return import_progress_text(obj)

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    @admin.action(description=_("Retry the selected stalled imports"), permissions=["import"])
    def retry_stalled_imports(self, request, queryset):
        for batch in queryset:
            was_check = batch.outcome in CHECK_STATES
            try:
                usage_import_retry(batch=batch, user=request.user)
            except ValueError:
                messages.warning(request, f"{batch.file_name}: {NOT_RETRYABLE}")
            else:
                messages.success(request, (CHECK_RETRIED if was_check else IMPORT_RETRIED) % {"file": batch.file_name})

    @admin.display(description=_("errors"))
    def error_report(self, obj):
        if not obj.errors:
            return "–"
        return format_html_join(
            "\n",
            "<div>{}</div>",
            ((self._issue_text(line, column, message),) for line, column, message in obj.errors),
        )

    @staticmethod
    def _issue_text(line, column, message):
        return str(ImportIssue(line, column, message))
