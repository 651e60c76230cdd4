"""A plan as an XLSX workbook: its tasks with their phases, owners, dates and statuses; then its phases' lessons."""

import io

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.styles import Font

from plans.models import PlanPhaseLesson, RolloutPlan

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    _("phase"),
    _("task"),
    _("responsible role"),
    _("owner"),
    _("status"),
    _("planned start"),
    _("due"),
    _("date set by hand"),
    _("done on"),
    _("actual duration (working days)"),
    _("notes"),
    _("lesson learned"),
]
SHEET_TITLE = _("Plan")
LESSONS_SHEET_TITLE = _("Lessons of the phases")
LESSON_COLUMNS = [_("phase"), _("lesson learned"), _("written"), _("written by")]
YES = _("yes")


def plan_workbook(plan: RolloutPlan) -> bytes:
    """The plan's tasks in the guide's order, one row each; dates as real dates, missing values as empty cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(SHEET_TITLE)
    sheet.append([str(column) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_format = "D.M.YYYY"
    for task in plan.tasks.select_related("owner").order_by("order", "pk"):
        sheet.append(
            [
                task.phase_title,
                task.title,
                task.get_responsible_role_display() if task.responsible_role else "",
                task.owner_label,
                task.get_status_display(),
                task.planned_start,
                task.due,
                str(YES) if task.date_set_by_hand else "",
                task.done_on,
                task.actual_days,
                task.notes,
                task.lesson,
            ]
        )
    for column in ("F", "G", "I"):
        for cell in sheet[column][1:]:
            cell.number_format = date_format
    sheet.freeze_panes = "A2"
    _lessons_sheet(workbook.create_sheet(str(LESSONS_SHEET_TITLE)), plan, date_format)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _lessons_sheet(sheet, plan: RolloutPlan, date_format: str) -> None:
    """The phases' lessons, in the order they were first written; a plan without any has the heading row only."""
    sheet.append([str(column) for column in LESSON_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for lesson in PlanPhaseLesson.objects.filter(plan=plan).select_related("written_by").order_by("pk"):
        writer = lesson.written_by
        sheet.append(
            [
                lesson.phase_title,
                lesson.lesson,
                timezone.localtime(lesson.written_at).date(),
                (writer.get_full_name() or writer.get_username()) if writer else "",
            ]
        )
    for cell in sheet["C"][1:]:
        cell.number_format = date_format
    sheet.freeze_panes = "A2"
