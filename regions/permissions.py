"""The editor-group permission policy: the model permissions a county's main users need.

`EDITOR_PERMISSIONS` is the policy as data; `editor_group_ensure()` makes the group
`County editors` hold exactly those permissions. Which rows an editor may touch is a
separate rule, `regions.scoping`: the group says what kinds of data, the county's
`editors` say whose.
"""

from django.contrib.auth.models import Group, Permission

EDITOR_GROUP = "County editors"
EDITOR_PERMISSIONS = [
    ("regions", "view_wellbeingcounty"),
    ("regions", "change_wellbeingcounty"),
    ("regions", "view_servicearea"),
    ("regions", "add_servicearea"),
    ("regions", "change_servicearea"),
    ("processes", "view_contentmodule"),
    ("processes", "view_processdescription"),
    ("processes", "add_processdescription"),
    ("processes", "change_processdescription"),
    ("processes", "view_phase"),
    ("processes", "add_phase"),
    ("processes", "change_phase"),
    ("processes", "delete_phase"),
    ("processes", "view_step"),
    ("processes", "add_step"),
    ("processes", "change_step"),
    ("processes", "delete_step"),
    ("processes", "view_processlink"),
    ("processes", "add_processlink"),
    ("processes", "change_processlink"),
    ("processes", "delete_processlink"),
    ("processes", "view_rollout"),
    ("processes", "add_rollout"),
    ("processes", "change_rollout"),
    ("metrics", "view_metric"),
    ("metrics", "view_usagestatistic"),
    ("metrics", "add_usagestatistic"),
    ("metrics", "change_usagestatistic"),
    ("metrics", "import_usagestatistic"),
    ("metrics", "view_importbatch"),
    ("followup", "view_usagealert"),
    ("followup", "change_usagealert"),
    ("followup", "view_alertfollowup"),
]


def editor_group_ensure() -> Group:
    """The group that gives a county's main users their model permissions."""
    group, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    wanted_codes = set(EDITOR_PERMISSIONS)
    wanted = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in={app for app, _codename in wanted_codes},
            codename__in={codename for _app, codename in wanted_codes},
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted_codes
    ]
    group.permissions.set(wanted)
    return group
