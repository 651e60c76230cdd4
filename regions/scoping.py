"""Who may edit which county's data: the one rule behind the admin and the previews.

Every county-owned admin and inline goes through `CountyScopedAdminMixin` and declares the
path from its model to the county (`county_field`). The mixin applies the rule on every way
into a row: the list and its filters, view, change, delete, the history and its revert,
bulk actions (they act on the scoped list), exports (they read the scoped list), the choices
of every foreign key whose model has a known county path, and the autocomplete that fills
them. A save checks both the county the row has in the database and the one it would get.

National reference data (municipalities, contents, metrics) goes through
`ReferenceDataAdminMixin`: readable with the view permission, written only by superusers.
Both answer a row outside the user's scope with 404, and refuse a history revert to anyone
who may not change both the stored row and the state it would go back to.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.http import Http404
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


def publishable_county_ids(user) -> set[int]:
    """Primary keys of the counties whose descriptions the user may publish (every county for a national admin)."""
    cached = getattr(user, "_publishable_county_ids", None)
    if cached is None:
        cached = set(WellbeingCounty.objects.publishable_by(user).values_list("pk", flat=True))
        user._publishable_county_ids = cached
    return cached


def can_publish_county(user, county_id) -> bool:
    """Whether the user may publish, send back or archive the county's process descriptions."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or county_id in publishable_county_ids(user)


class AdminScopeMixin:
    """What every admin of the project does with a row outside the user's scope."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # The admin answers a row missing from get_queryset() with a 302 to its index and
        # "… does not exist". Rows of another county are missing on purpose: answer them
        # with the same 404 as every other way into them, not with a page of their own.
        raise Http404

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's form of one past state, whose POST reverts the row to it."""
        state = self._history_state(object_id, version_id)
        if (
            self.model._default_manager.filter(pk=state.pk).exists()
            and not self.get_queryset(request).filter(pk=state.pk).exists()
        ):
            # A stored row outside the user's scope: the same 404 as its change page.
            raise Http404
        # django-simple-history 3.13 saves a posted revert for anyone who may merely view the
        # history. Reverting changes the row, so it needs change permission on the past state
        # (whose county the row would get back) as well as on the stored row.
        if request.method == "POST" and not self.has_change_history_permission(request, state):
            raise PermissionDenied
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # Its save runs outside the admin's usual transaction: the row locks a revert takes
        # (VersionCheckedForm, the review's transitions) need one, and a failure keeps nothing.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _history_state(self, object_id, version_id):
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        try:
            record = history_model._default_manager.get(
                **{self.opts.pk.attname: unquote(object_id), "history_id": version_id}
            )
        except (history_model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        state = record.instance
        state._state.adding = False
        return state


class ReferenceDataAdminMixin(AdminScopeMixin):
    """National reference data: editors may read it (autocomplete needs it); only superusers write it."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_history_permission(request, obj)

    def has_import_permission(self, request):
        return request.user.is_superuser and super().has_import_permission(request)


class CountyScopedAdminMixin(AdminScopeMixin):
    """Limit an admin to the rows of the editor's counties; superusers see everything.

    `county_field` is the lookup from the model to its county: "county", "phase__process__county"
    for a step, or "pk" for the county itself.
    """

    county_field = "county"

    # --- the rule ---------------------------------------------------------------------------

    def county_ids_of(self, obj, *, refresh=False) -> set:
        """The county the row would have as it is in memory, and the one stored for it in the database."""
        if refresh or "_county_scope_ids" not in obj.__dict__:
            ids = {self._county_id_in_memory(obj)}
            if obj.pk is not None:
                stored = self.model._default_manager.filter(pk=obj.pk)
                ids.update(stored.values_list(self.county_field, flat=True))
            obj.__dict__["_county_scope_ids"] = ids
        return obj.__dict__["_county_scope_ids"]

    def _county_id_in_memory(self, obj):
        if self.county_field == "pk":
            return obj.pk
        first, _, rest = self.county_field.partition("__")
        field = self.model._meta.get_field(first)
        related_id = getattr(obj, field.attname)
        if not rest or related_id is None:
            return related_id
        return field.related_model._default_manager.filter(pk=related_id).values_list(rest, flat=True).first()

    def in_county_scope(self, request, obj, *, refresh=False) -> bool:
        """Whether the user may touch the row: every county it has or would have is theirs."""
        if obj is None or request.user.is_superuser:
            return True
        return all(can_edit_county(request.user, county_id) for county_id in self.county_ids_of(obj, refresh=refresh))

    def ensure_editable(self, request, obj):
        """Refuse to write a row whose stored or new county is not the user's."""
        if not self.in_county_scope(request, obj, refresh=True):
            raise PermissionDenied(FOREIGN_COUNTY_ERROR)

    def scope_queryset(self, request, queryset):
        """The rows of the queryset that belong to the user's counties."""
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.county_field}__in": editable_county_ids(request.user)})

    # --- rows and permissions ------------------------------------------------------------------

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.in_county_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.in_county_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.in_county_scope(request, obj)

    # django-simple-history can be told to check its own history-model permissions instead
    # of the model's (SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS); the county still counts.
    def has_view_history_permission(self, request, obj=None):
        return super().has_view_history_permission(request, obj) and self.in_county_scope(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return super().has_change_history_permission(request, obj) and self.in_county_scope(request, obj)

    def has_import_permission(self, request):
        # django-import-export writes rows without save_model(), past every county check.
        return request.user.is_superuser and super().has_import_permission(request)

    def save_model(self, request, obj, form, change):
        self.ensure_editable(request, obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self.ensure_editable(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, self.scope_queryset(request, queryset))

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "county_scope", None)
        if inline is None:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            inline.ensure_editable(request, obj)
            obj.delete()
        for obj in instances:
            inline.ensure_editable(request, obj)
            obj.save()
        formset.save_m2m()

    # --- choices of related rows ----------------------------------------------------------------

    def also_pickable(self, request, db_field):
        """Rows of other counties the user may still choose in this field; None for none."""
        return None

    def pickable(self, request, db_field, queryset):
        """The rows of the related model the user may choose in the field."""
        related_scope = self._scope_admin_of(db_field.related_model)
        if related_scope is None or request.user.is_superuser:
            return queryset
        own = Q(**{f"{related_scope.county_field}__in": editable_county_ids(request.user)})
        also = self.also_pickable(request, db_field)
        return queryset.filter(own if also is None else own | Q(pk__in=also.values("pk")))

    def _scope_admin_of(self, model):
        related_admin = self.admin_site._registry.get(model)
        return related_admin if isinstance(related_admin, CountyScopedAdminMixin) else None

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        if request.user.is_superuser or self._scope_admin_of(db_field.related_model) is None:
            return queryset
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(db)
        return self.pickable(request, db_field, queryset)

    def get_list_filter(self, request):
        """Filters by a county-owned relation offer only the values of the user's own rows."""
        list_filter = super().get_list_filter(request)
        if request.user.is_superuser:
            return list_filter
        return [self._related_only(entry) for entry in list_filter]

    def _related_only(self, entry):
        if not isinstance(entry, str):
            return entry
        last = get_fields_from_path(self.model, entry)[-1]
        if last.is_relation and self._scope_admin_of(last.related_model) is not None:
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    def get_search_results(self, request, queryset, search_term):
        autocomplete_choices = self._autocomplete_choices(request)
        if autocomplete_choices is not None:
            queryset = autocomplete_choices
        return super().get_search_results(request, queryset, search_term)

    def _autocomplete_choices(self, request):
        """For the admin's autocomplete, the choices of the field being filled, by that field's admin."""
        match = request.resolver_match
        if request.user.is_superuser or match is None or match.view_name != f"{self.admin_site.name}:autocomplete":
            return None
        try:
            source_model = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            source_field = source_model._meta.get_field(request.GET["field_name"])
        except (KeyError, LookupError, FieldDoesNotExist):
            return None
        source_admin = self._scope_admin_of(source_model)
        if source_admin is None:
            return None
        unscoped = super().get_queryset(request)
        return source_admin.pickable(request, source_field, unscoped).complex_filter(
            source_field.get_limit_choices_to()
        )

    # --- configuration checks --------------------------------------------------------------------

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_county_field(), *self._check_inlines_scoped()]

    def _check_county_field(self):
        if self.county_field == "pk" and self.model is WellbeingCounty:
            return []
        try:
            last = get_fields_from_path(self.model, self.county_field)[-1]
        except (FieldDoesNotExist, NotRelationField):
            last = None
        if last is not None and last.related_model is WellbeingCounty:
            return []
        return [
            checks.Error(
                f"county_field {self.county_field!r} does not lead from {self.model._meta.label} to its county.",
                obj=type(self),
                id="regions.E001",
            )
        ]

    def _check_inlines_scoped(self):
        return [
            checks.Error(
                f"{inline.__name__} edits rows under a county-scoped admin without the county scope.",
                hint="Base it on CountyScopedInlineMixin and declare its county_field.",
                obj=type(self),
                id="regions.E002",
            )
            for inline in getattr(self, "inlines", ())
            if not issubclass(inline, CountyScopedInlineMixin)
        ]


class CountyScopedInlineMixin(CountyScopedAdminMixin):
    """The county scope for an inline: its rows, its choices, and a check of every row it saves."""

    def in_county_scope(self, request, obj, *, refresh=False) -> bool:
        if obj is None or isinstance(obj, self.model):
            return super().in_county_scope(request, obj, refresh=refresh)
        # The admin asks an inline about the row it sits in: that row's own admin decides.
        parent_admin = self._scope_admin_of(type(obj))
        if parent_admin is None:
            return request.user.is_superuser
        return parent_admin.in_county_scope(request, obj, refresh=refresh)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.county_scope = self
        return formset
