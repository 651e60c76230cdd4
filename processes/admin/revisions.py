"""Editing a published or reviewed guide, its phases and steps starts a revision of the guide."""

from processes.models import ProcessDescription
from processes.services import REVISION_STARTING_STATUSES, process_revision_start


class RevisionOnEditMixin:
    """An edit of a published or reviewed description, or of its phase or step, makes the description a draft.

    The public keeps reading the published version until the revision is reviewed and published.
    """

    def process_ids_of(self, obj) -> set:
        raise NotImplementedError

    def revision_start(self, request, obj) -> None:
        for process in ProcessDescription.objects.filter(
            pk__in=self.process_ids_of(obj), status__in=REVISION_STARTING_STATUSES
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
