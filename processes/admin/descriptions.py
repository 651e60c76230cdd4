"""Process descriptions in the admin: the change form; the review lives in `review.py`."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.history_admin import ReadableHistoryAdmin
from processes.admin.inlines import (
    PhaseInline,
    ProcessAttachmentInline,
    ProcessLinkInline,
    PublicationTransitionInline,
    PublishedVersionInline,
    ReadOnlyInlineMixin,
)
from processes.admin.review import ProcessReviewAdminMixin
from processes.admin.revisions import RevisionOnInlineEditMixin
from processes.admin.rollouts import foreign_descriptions_as_published, published_title_search
from processes.concurrency import VersionCheckedForm
from processes.models import ProcessDescription, PublicationStatus
from processes.services import process_delete_check, process_followers_check, process_has_publication_history
from regions.scoping import CountyScopedAdminMixin

# What is stored only through the review services: never from the change form or a history revert.
WORKFLOW_FIELDS = ["status", "published_at", "published_version", "based_on"]


@admin.register(ProcessDescription)
class ProcessDescriptionAdmin(
    ProcessReviewAdminMixin, RevisionOnInlineEditMixin, CountyScopedAdminMixin, ReadableHistoryAdmin
):
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
    # No bulk publish: a description is published from its changes page, as it was shown there.
    actions = ["submit", "archive", "use_as_model"]
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

    def get_search_results(self, request, queryset, search_term):
        matches, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        choices = self._autocomplete_choices(request)
        if choices is not None:
            # The rollout form's guide picker: another county's guide as the public reads it.
            matches = published_title_search(
                matches=matches, choices=choices, search_term=search_term, user=request.user
            )
            matches = foreign_descriptions_as_published(matches, request.user)
        return matches, may_have_duplicates

    # --- deleting: a published description is archived; only a superuser deletes it ----------------

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and process_has_publication_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        process = self.get_object(request, unquote(object_id))
        if process is not None and self.has_change_permission(request, process):
            try:
                process_delete_check(process=process, user=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return HttpResponseRedirect(reverse(self._admin_url_name("change"), args=[process.pk]))
        return super().delete_view(request, object_id, extra_context)

    def get_deleted_objects(self, objs, request):
        # The bulk delete lists the other counties' rollouts where the admin lists protected rows.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for process in objs:
            try:
                process_followers_check(process=process)
            except PermissionDenied as refusal:
                protected.append(str(refusal))
        return to_delete, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        process_delete_check(process=obj, user=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for process in queryset:
            process_delete_check(process=process, user=request.user)
        super().delete_queryset(request, queryset)

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
            if form.has_changed() or self.is_restoring(request):
                self.revision_start(request, obj)
            stored = ProcessDescription.objects.filter(pk=obj.pk).values(
                *(ProcessDescription._meta.get_field(name).attname for name in WORKFLOW_FIELDS)
            )
            for attname, value in stored.get().items():
                setattr(obj, attname, value)
        else:
            obj.status = PublicationStatus.DRAFT
            obj.published_at = obj.published_version = obj.based_on = None
        super().save_model(request, obj, form, change)
