from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Declining usage follow-up")

    def ready(self):
        from followup.services import alerts_refresh_after_import
        from metrics.signals import usage_import_applied

        usage_import_applied.connect(alerts_refresh_after_import, dispatch_uid="followup_alerts_after_import")
