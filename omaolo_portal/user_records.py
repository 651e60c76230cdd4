"""A user named in the audit trail is kept: deactivated, never deleted, so that "who" never goes blank.

Every record that names a user by a foreign key counts: django-simple-history's `history_user`
on every history table, the review log and published versions, import batches and pending
imports, follow-ups, the admin's own log. Such a user cannot be deleted, from the admin or
from code (a `pre_delete` receiver raises `ProtectedError`); a user who never did anything can.
"""

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

USER_HAS_RECORDS = _(
    "%(user)s is named in the audit trail and cannot be deleted: deactivate the account instead "
    "(untick “Active”), so that the records keep their name."
)


def user_reference_fields():
    """(model, field name) of every foreign key to the user model, m2m link tables left out."""
    user_model = get_user_model()
    return [
        (model, field.name)
        for model in apps.get_models()
        if not model._meta.auto_created
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model is user_model
    ]


def user_records(user) -> list[tuple[type, int]]:
    """(model, number of its rows) naming the user, for each model that has any."""
    found = []
    for model, name in user_reference_fields():
        count = model._default_manager.filter(**{name: user}).count()
        if count:
            found.append((model, count))
    return found


def user_records_summary(user) -> list[str]:
    """The user's records as the admin's delete page lists what protects a row: "import batches: 3"."""
    return [f"{model._meta.verbose_name_plural}: {count}" for model, count in user_records(user)]


def refuse_deleting_named_user(sender, instance, **kwargs):
    """`pre_delete` of the user model: a user the audit trail names is deactivated, not deleted."""
    if user_records(instance):
        raise ProtectedError(str(USER_HAS_RECORDS % {"user": instance}), set())


class AuditedUserAdmin(UserAdmin):
    """Django's user admin, whose delete refuses users named in the audit trail and says why."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for user in objs:
            summary = user_records_summary(user)
            if summary:
                protected += [f"{user}: {entry}" for entry in summary]
        return to_delete, model_count, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None and user_records(user):
            self.message_user(request, USER_HAS_RECORDS % {"user": user}, messages.ERROR)
        return super().delete_view(request, object_id, extra_context)


def user_admin_install() -> None:
    """Put `AuditedUserAdmin` in place of Django's user admin."""
    user_model = get_user_model()
    if admin.site.is_registered(user_model):
        admin.site.unregister(user_model)
    admin.site.register(user_model, AuditedUserAdmin)
