"""Who may edit which county's data: the one rule behind the admin and the previews."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from regions.models import WellbeingCounty

FOREIGN_COUNTY_ERROR = _("You can only change data of your own county.")


def editable_county_ids(user) -> set[int]:
    """Primary keys of the counties the user may edit (every county for a superuser)."""
    cached = getattr(user, "_editable_county_ids", None)
    if cached is None:
        cached = set(WellbeingCounty.objects.editable_by(user).values_list("pk", flat=True))
        user._editable_county_ids = cached
    return cached


def can_edit_county(user, county_id) -> bool:
    """Whether the user may change data owned by the county."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or county_id in editable_county_ids(user)


class CountyScopedAdminMixin:
    """Limit an admin to the rows of the editor's counties; superusers see everything.

    `county_field` is the lookup from the model to its county ("county", or e.g.
    "phase__process__county" for a step).
    """

    county_field = "county"

    def _county_id_of(self, obj):
        target = obj
        *path, last = self.county_field.split("__")
        for part in path:
            target = getattr(target, part)
        return getattr(target, f"{last}_id")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.county_field}__in": editable_county_ids(request.user)})

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_county(request.user, self._county_id_of(obj)))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_edit_county(request.user, self._county_id_of(obj)))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            ids = editable_county_ids(request.user)
            if db_field.related_model is WellbeingCounty:
                kwargs["queryset"] = WellbeingCounty.objects.filter(pk__in=ids)
            elif hasattr(db_field.related_model, "county"):
                kwargs["queryset"] = db_field.related_model._default_manager.filter(county__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not can_edit_county(request.user, self._county_id_of(obj)):
            raise PermissionDenied(FOREIGN_COUNTY_ERROR)
        super().save_model(request, obj, form, change)
