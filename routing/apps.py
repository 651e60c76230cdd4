from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = _("Service processes and routings")

    def ready(self):
        from common.admin_notices import change_page_notices_register
        from plans.models import PlanTask
        from processes.models import Rollout
        from routing.notices import go_no_go_notices, rollout_notices

        change_page_notices_register(model=Rollout, provider=rollout_notices)
        change_page_notices_register(model=PlanTask, provider=go_no_go_notices)
