from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete


class OmaoloPortalConfig(AppConfig):
    name = "omaolo_portal"
    verbose_name = "Omaolo rollout portal"

    def ready(self):
        from omaolo_portal import caching
        from omaolo_portal.cache_backend import cache_reachable_again

        # Every save and delete of any model (an applied import saves its batch in the
        # import's transaction) makes the cached public pages unreachable.
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(caching.model_changed, dispatch_uid=f"omaolo-data-version-{signal!r}")
        # Bumps lost while Redis was unreachable are made up for when it answers again.
        cache_reachable_again.connect(caching.cache_reachable_again, dispatch_uid="omaolo-data-version-cache-back")
        self._hide_task_queue_from_the_admin()
        self._keep_users_named_in_the_audit_trail()

    @staticmethod
    def _keep_users_named_in_the_audit_trail():
        from omaolo_portal import user_records

        user_records.user_admin_install()
        pre_delete.connect(
            user_records.refuse_deleting_named_user, sender=settings.AUTH_USER_MODEL, dispatch_uid="omaolo-user-records"
        )

    @staticmethod
    def _hide_task_queue_from_the_admin():
        """The job queue's rows hold other users' task arguments: editors follow an import on its batch page."""
        from django.contrib import admin
        from django_tasks_db.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)
