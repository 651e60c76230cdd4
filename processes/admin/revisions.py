"""Editing a published or reviewed guide, its phases and steps starts a revision of the guide."""

from processes.models import ProcessDescription, TransitionCause
from processes.services import REVISION_STARTING_STATUSES, process_revision_start


class RevisionOnInlineEditMixin:
    """An edit of a page's inlines, or a restore, makes a published or reviewed description a draft.

    The public keeps reading the published version until the revision is reviewed and published.
    A past state restored from the history is such an edit, and is logged as a transition even
    when the description was a draft already: a restore never changes what the public reads.
    A save of the page's own object starts the revision in `RevisionOnEditMixin` (a phase or a
    step) or in `ProcessDescriptionAdmin.save_model` (the description, with rules of its own).
    """

    def process_ids_of(self, obj) -> set:
        raise NotImplementedError

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.restoring_past_state = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def is_restoring(self, request) -> bool:
        """Whether the request saves a past state from django-simple-history's revert form."""
        return getattr(request, "restoring_past_state", False)

    def revision_start(self, request, obj) -> None:
        restoring = self.is_restoring(request)
        processes = ProcessDescription.objects.filter(pk__in=self.process_ids_of(obj))
        if not restoring:
            processes = processes.filter(status__in=REVISION_STARTING_STATUSES)
        cause = TransitionCause.RESTORE if restoring else TransitionCause.EDIT
        for process in processes:
            process_revision_start(process=process, user=request.user, cause=cause)

    def save_formset(self, request, form, formset, change):
        if formset.has_changed():
            self.revision_start(request, form.instance)
        super().save_formset(request, form, formset, change)


class RevisionOnEditMixin(RevisionOnInlineEditMixin):
    """A phase or step saved or deleted makes its published or reviewed description a draft too."""

    def save_model(self, request, obj, form, change):
        self.ensure_editable(request, obj)
        if form.has_changed() or not change or self.is_restoring(request):
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
