"""The route check before a rollout's go-live, on the rollout's admin page and its plan's go/no-go task.

Registered by `RoutingConfig.ready()` through `common.admin_notices`: `processes` and `plans`
lie below `routing` in the import layers and show the notices without importing it.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.admin_notices import Notice
from plans.models import TaskKind
from processes.models import RolloutStatus
from routing.services import route_check_run

GO_LIVE_TITLE = _("Route check before go-live")
BEFORE_GO_LIVE = (RolloutStatus.PLANNED, RolloutStatus.PILOTING)


def go_live_notices(rollout) -> list[Notice]:
    """The route check's findings for the rollout's county and content, until the rollout has gone live."""
    today = timezone.localdate()
    if rollout.status not in BEFORE_GO_LIVE or (rollout.go_live is not None and rollout.go_live < today):
        return []
    findings = route_check_run(counties=[rollout.county], today=today)
    return [
        Notice(
            title=str(GO_LIVE_TITLE),
            message=finding.message,
            fix=finding.fix,
            url=reverse("admin:routing_route_change", args=[finding.route_id]) if finding.route_id else "",
        )
        for finding in findings
        if finding.module_id == rollout.module_id
    ]


def rollout_notices(*, obj, request) -> list[Notice]:
    return go_live_notices(obj)


def go_no_go_notices(*, obj, request) -> list[Notice]:
    return go_live_notices(obj.plan.rollout) if obj.kind == TaskKind.GO_NO_GO else []
