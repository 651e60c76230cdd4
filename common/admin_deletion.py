"""Delete confirmations that count the rows a deletion would meet instead of listing them.

Django's confirmation collects every related row and renders a line for each: for a
metric with millions of statistics that is a page of tens of megabytes built for
minutes. `SummarisedDeletionMixin` first counts, with one query per relation, the rows
that point at the objects; when any of them protects the objects (on_delete=PROTECT or
RESTRICT), the deletion cannot happen and the page says how many rows of each kind stand
in its way. Otherwise Django's own confirmation runs, unless more than
`DELETION_LIST_MAX_ROWS` rows would be deleted with the objects: then it lists the counts.
"""

from django.db import models
from django.utils.formats import number_format
from django.utils.text import capfirst

# The largest number of related rows a confirmation lists one by one.
DELETION_LIST_MAX_ROWS = 1_000


def _relation_counts(objs):
    """(related model, on_delete, rows pointing at objs) for each reverse relation with rows."""
    model = objs[0]._meta.model
    keys = [obj.pk for obj in objs]
    counts = []
    for relation in model._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        related_model = relation.related_model
        count = related_model._base_manager.filter(**{f"{relation.field.name}__in": keys}).count()
        if count:
            counts.append((related_model, relation.on_delete, count))
    return counts


def _count_line(related_model, count) -> str:
    return f"{capfirst(related_model._meta.verbose_name_plural)}: {number_format(count, force_grouping=True)}"


class SummarisedDeletionMixin:
    """A ModelAdmin whose delete confirmation summarises large or protected relations as counts."""

    def get_deleted_objects(self, objs, request):
        objs = list(objs)
        if not objs:
            return super().get_deleted_objects(objs, request)
        counts = _relation_counts(objs)
        protecting = [
            (model, count) for model, on_delete, count in counts if on_delete in (models.PROTECT, models.RESTRICT)
        ]
        deleted_with = [(model, count) for model, on_delete, count in counts if on_delete is models.CASCADE]
        if not protecting and sum(count for _model, count in deleted_with) <= DELETION_LIST_MAX_ROWS:
            return super().get_deleted_objects(objs, request)
        opts = self.model._meta
        to_delete = [f"{capfirst(opts.verbose_name)}: {obj}" for obj in objs]
        to_delete += [_count_line(model, count) for model, count in deleted_with]
        model_count = {opts.verbose_name_plural: len(objs)}
        model_count |= {model._meta.verbose_name_plural: count for model, count in deleted_with}
        protected = [_count_line(model, count) for model, count in protecting]
        perms_needed = {opts.verbose_name} if not self.has_delete_permission(request) else set()
        for model, _count in deleted_with:
            registered = self.admin_site.is_registered(model)
            if registered and not self.admin_site.get_model_admin(model).has_delete_permission(request):
                perms_needed.add(model._meta.verbose_name)
        return to_delete, model_count, perms_needed, protected
