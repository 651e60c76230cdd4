"""Reference rows (counties, contents, metrics) read once per data version in a process, not once a request.

A statistics page names every county, content and metric in its filter's selects and
checks its parameters against them; `/api/series` looks up its metric, county and
content by code. On PostgreSQL that was eight queries and server-side cursors and some
sixty model instances on every request the page cache could not answer, for rows that
change a few times a year. Every save of them bumps the data version, which already keys
every cached page (omaolo_portal.caching). So while a request runs with its data version
known (`data_version_known`, which the page cache sets around the view) each model's rows
are read once for that version in this process and shared by the requests that follow;
a new version reads them anew. Without a known version (a signed-in editor, the page cache
off or unreachable, code outside a request) every call reads the database, as before.

The rows are shared between requests: read them, never change them.
"""

import contextlib
import contextvars

import django_filters
from django import forms
from django_filters.fields import ModelChoiceField as FilterModelChoiceField
from django_filters.fields import ModelChoiceIterator as FilterModelChoiceIterator

_data_version = contextvars.ContextVar("reference_rows_data_version", default=None)
# model -> (data version, its rows in the model's default order); only the latest version is kept.
_held: dict = {}


@contextlib.contextmanager
def data_version_known(version):
    """Within the block, reference rows are read once for `version` (None: read on every call)."""
    token = _data_version.set(version)
    try:
        yield
    finally:
        _data_version.reset(token)


def reference_rows(model) -> list | None:
    """Every row of `model` in its default order, read once per data version; None while no version is known."""
    version = _data_version.get()
    if version is None:
        return None
    held = _held.get(model)
    if held is None or held[0] != version:
        held = _held[model] = (version, list(model._default_manager.all()))
    return held[1]


def _matching(rows, model, field_name: str, value):
    """The row whose `field_name` equals `value` as the database would compare them; None when there is none."""
    field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
    wanted = field.to_python(value)
    attribute = field.attname
    return next((row for row in rows if getattr(row, attribute) == wanted), None)


def reference_row(model, field_name: str, value):
    """The row of `model` whose unique `field_name` is `value`, or None (`filter(...).first()` of the rows)."""
    rows = reference_rows(model)
    if rows is None:
        return model._default_manager.filter(**{field_name: value}).first()
    return _matching(rows, model, field_name, value)


def _every_row(queryset) -> bool:
    """Whether `queryset` is the default manager's unfiltered, unordered `all()`: the rows `reference_rows` holds."""
    query = queryset.query
    return not (
        query.where
        or query.order_by
        or query.is_sliced
        or query.select_related
        or query.annotations
        or query.distinct
        or queryset._prefetch_related_lookups
        or queryset._db
    )


class ReferenceChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices of a `ReferenceChoiceField`: from the rows read for the data version, or from its queryset."""

    def __iter__(self):
        rows = reference_rows(self.queryset.model) if _every_row(self.queryset) else None
        if rows is None:
            yield from super().__iter__()
            return
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in rows:
            yield self.choice(obj)


class ReferenceChoiceMixin:
    """A model choice field over every row of a reference model, whose choices and chosen row are read
    from the rows held for the request's data version (`reference_rows`) instead of a query each.

    The field's queryset must be the model's `objects.all()`; any other queryset is read as Django reads it.
    """

    iterator = ReferenceChoiceIterator

    def to_python(self, value):
        if value in self.empty_values or not _every_row(self.queryset):
            return super().to_python(value)
        rows = reference_rows(self.queryset.model)
        if rows is None:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        model = self.queryset.model
        key = self.to_field_name or "pk"
        if isinstance(value, model):
            value = getattr(value, key)
        try:
            row = _matching(rows, model, key, value)
        except (ValueError, TypeError, forms.ValidationError):
            row = None
        if row is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return row


class ReferenceChoiceField(ReferenceChoiceMixin, forms.ModelChoiceField):
    """`forms.ModelChoiceField` over a reference model's rows (`ReferenceChoiceMixin`)."""


class _FilterReferenceChoiceIterator(FilterModelChoiceIterator, ReferenceChoiceIterator):
    """django-filter's iterator (its null choice) over `ReferenceChoiceIterator`'s rows."""


class ReferenceChoiceFilterField(ReferenceChoiceMixin, FilterModelChoiceField):
    iterator = _FilterReferenceChoiceIterator


class ReferenceChoiceFilter(django_filters.ModelChoiceFilter):
    """`django_filters.ModelChoiceFilter` over a reference model's rows (`ReferenceChoiceMixin`)."""

    field_class = ReferenceChoiceFilterField
