"""The groups' permission policies: the model permissions a county's main users and the national admins need.

`EDITOR_PERMISSIONS` is the policy as data; `editor_group_ensure()` makes the group
`County editors` hold exactly those permissions. Which rows an editor may touch is a
separate rule, `regions.scoping`: the group says what kinds of data, the county's
`editors` and `publishers` say whose. A county's publishers hold the same model
permissions (they are in the same group); being listed as a county's publisher is what
lets them publish, send back and archive (`regions.scoping.can_publish_county`).

`NATIONAL_ADMIN_GROUP` is the national administrators: its members act on every county as
editors and publishers at once, without being superusers (national reference data and
who edits which county stay with superusers). `NATIONAL_ADMIN_PERMISSIONS` is their policy,
held exactly by `national_admin_group_ensure()`.
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
    ("processes", "view_processattachment"),
    ("processes", "add_processattachment"),
    ("processes", "change_processattachment"),
    ("processes", "delete_processattachment"),
    ("processes", "view_publicationtransition"),
    ("processes", "view_publishedversion"),
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
    # Rollout plans: made and run by the county's team (plans.services), never deleted by an editor.
    ("plans", "view_rolloutplan"),
    ("plans", "change_rolloutplan"),
    ("plans", "view_plananchor"),
    ("plans", "change_plananchor"),
    ("plans", "view_plantask"),
    ("plans", "change_plantask"),
    ("routing", "view_outcome"),
    ("routing", "view_careguaranteerule"),
    ("routing", "view_receivingunit"),
    ("routing", "add_receivingunit"),
    ("routing", "change_receivingunit"),
    ("routing", "view_openinghours"),
    ("routing", "add_openinghours"),
    ("routing", "change_openinghours"),
    ("routing", "delete_openinghours"),
    ("routing", "view_openingexception"),
    ("routing", "add_openingexception"),
    ("routing", "change_openingexception"),
    ("routing", "delete_openingexception"),
    ("routing", "view_route"),
    ("routing", "add_route"),
    ("routing", "change_route"),
    ("routing", "view_publishedrouteset"),
]


def editor_group_ensure() -> Group:
    """The group that gives a county's main users their model permissions."""
    return _group_with_exactly(EDITOR_GROUP, EDITOR_PERMISSIONS)


NATIONAL_ADMIN_GROUP = "National administrators"
NATIONAL_ADMIN_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    ("regions", "view_municipality"),
    ("regions", "delete_servicearea"),
    ("processes", "delete_processdescription"),
    ("processes", "delete_rollout"),
    ("metrics", "delete_usagestatistic"),
    ("routing", "delete_receivingunit"),
    ("routing", "delete_route"),
]


def _group_with_exactly(name: str, codes) -> Group:
    group, _ = Group.objects.get_or_create(name=name)
    wanted_codes = set(codes)
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


def national_admin_group_ensure() -> Group:
    """The group whose members see and do everything a county's editors and publishers do, in every county."""
    return _group_with_exactly(NATIONAL_ADMIN_GROUP, NATIONAL_ADMIN_PERMISSIONS)
