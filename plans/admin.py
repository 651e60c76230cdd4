"""Rollout plans in the admin: a plan with its dates, timeline and tasks, what is due this week and overdue.

Every write goes through `plans.services`: the anchors' dates through `plan_reschedule`, a task's
form through `task_update` / `task_complete`. The plan's page shows its timeline and its tasks as
a table (`plans.progress`, with owners; each task links to its form), and offers its XLSX export,
an A4 landscape print, the pull of a newer published version of the guide, and "revoke and make
a new calendar address". The county timeline shows the editor's county's running plans.
A rollout's "make a plan" action is added to the rollouts' admin from here, the app above it, and
the step's form of the guide gets the step's experiences under its estimate the same way.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from common.admin_notices import ChangePageNoticesMixin
from common.history_admin import ReadableHistoryAdmin
from plans.experiences import step_experiences
from plans.exporting import XLSX_CONTENT_TYPE, plan_workbook
from plans.models import (
    LESSON_MAX_LENGTH,
    OPEN_STATUSES,
    PlanAnchor,
    PlanPhaseLesson,
    PlanTask,
    RolloutPlan,
    TaskKind,
    TaskStatus,
)
from plans.phases import plan_phases
from plans.progress import county_plans, plan_progress, week_of
from plans.services import (
    DONE_IN_THE_FUTURE,
    GO_LIVE_BEFORE_PILOT,
    GO_NO_GO_NEEDS_PUBLISHER,
    PHASE_STILL_OPEN,
    phase_lesson_write,
    plan_create,
    plan_feed_token_renew,
    plan_pull,
    plan_reschedule,
    task_complete,
    task_update,
)
from processes.admin.phases import StepAdmin
from processes.admin.rollouts import RolloutAdmin
from processes.models import Rollout, Step, StepAnchor
from regions.models import WellbeingCounty
from regions.scoping import CountyScopedAdminMixin, CountyScopedInlineMixin, can_publish_county, editable_county_ids

PLAN_MADE = _("A plan was made for {rollout}.")
PLAN_NOT_MADE = _("No plan for {rollout}: {reason}")
FEED_ADDRESS_MADE = _(
    "The new calendar address is below. Copy it now: it is shown only once, and the old address no longer works. {url}"
)
FEED_ADDRESS_NONE = _("No calendar address yet.")
FEED_ADDRESS_SINCE = _("An address made {date} is in use.")
PULL_DONE = _("The plan now follows the guide's latest published version.")
RESCHEDULED = _("The tasks counting from “{anchor}” were recomputed.")
KEPT_BY_HAND = _("Kept as set by hand: {tasks}.")
OVERDUE = _("⚠ overdue")
DUE_THIS_WEEK = _("due this week")
NO_DATE = "–"
COUNTY_TIMELINE_TITLE = _("Running plans of {county}")
ANCHOR_DATE_LABEL = _("Date: {anchor}")
STEP_EXPERIENCES = ngettext_lazy(
    "Experiences from %(count)d rollout: actually %(actual)s working days (median; range %(range)s), "
    "against the estimate of %(planned)s.",
    "Experiences from %(count)d rollouts: actually %(actual)s working days (median; range %(range)s), "
    "against the estimate of %(planned)s.",
    "count",
)
LESSON_SAVED = _("The lesson of the phase “{phase}” was saved.")
LESSON_LABEL = _("Lesson of the phase “{phase}”")


class DeadlineFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("overdue")), ("this_week", _("due this week"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "this_week":
            return queryset.due_between(*week_of(today))
        return queryset


def deadline_label(task, today: datetime.date) -> str:
    """ "⚠ overdue" or "due this week" for an open task; empty otherwise (a word and a sign, never colour alone)."""
    if task.status not in OPEN_STATUSES or task.due is None:
        return ""
    if task.due < today:
        return str(OVERDUE)
    monday, sunday = week_of(today)
    return str(DUE_THIS_WEEK) if monday <= task.due <= sunday else ""


class AnchorFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        dates = {}
        for form in self.forms:
            if form.instance.kind in (StepAnchor.GO_LIVE, StepAnchor.PILOT_START):
                dates[form.instance.kind] = form.cleaned_data.get("date")
        pilot, go_live = dates.get(StepAnchor.PILOT_START), dates.get(StepAnchor.GO_LIVE)
        if pilot and go_live and pilot > go_live:
            raise ValidationError(GO_LIVE_BEFORE_PILOT)


class PlanAnchorForm(forms.ModelForm):
    class Meta:
        model = PlanAnchor
        fields = ["date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A table's cell has no <label>: the input says which date it is.
        self.fields["date"].widget.attrs["aria-label"] = str(ANCHOR_DATE_LABEL).format(anchor=self.instance)


class PlanAnchorInline(CountyScopedInlineMixin, admin.TabularInline):
    model = PlanAnchor
    form = PlanAnchorForm
    formset = AnchorFormSet
    county_field = "plan__rollout__county"
    fields = ["kind", "name", "date"]
    readonly_fields = ["kind", "name"]
    extra = 0
    can_delete = False
    verbose_name = _("date of the plan")
    verbose_name_plural = _("dates of the plan (moving one recomputes its open tasks)")

    def has_add_permission(self, request, obj=None):
        return False


class PlanChangeList(ChangeList):
    """The plans' list, counting each plan's tasks: only here, so that the plan's page does not pay for the counts."""

    def get_queryset(self, request, exclude_parameters=None):
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .annotate(
                task_total=Count("tasks", distinct=True),
                done_total=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE), distinct=True),
                overdue_count=Count(
                    "tasks", filter=Q(tasks__status__in=OPEN_STATUSES, tasks__due__lt=today), distinct=True
                ),
            )
        )


@admin.register(RolloutPlan)
class RolloutPlanAdmin(CountyScopedAdminMixin, ReadableHistoryAdmin):
    county_field = "rollout__county"
    change_form_template = "admin/plans/rolloutplan/change_form.html"
    list_display = ["rollout", "progress", "overdue_total", "finished_on"]
    # Meta.ordering is not applied to a query with GROUP BY (the counts below): say it here.
    ordering = ["rollout__county__code", "pk"]
    list_filter = ["rollout__county", "finished_on"]
    search_fields = ["rollout__module__name_fi", "rollout__county__name_fi", "tasks__title"]
    list_select_related = ["rollout__county", "rollout__module", "rollout__service_area"]
    fields = ["rollout", "source_version", "created_at", "created_by", "finished_on", "feed_address"]
    readonly_fields = fields
    inlines = [PlanAnchorInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "rollout__county",
                "rollout__module",
                "rollout__service_area",
                "source_version__process",
                "created_by",
            )
        )

    def get_changelist(self, request, **kwargs):
        return PlanChangeList

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("done"))
    def progress(self, plan):
        return f"{plan.done_total} / {plan.task_total}"

    @admin.display(description=_("overdue"))
    def overdue_total(self, plan):
        return plan.overdue_count

    @admin.display(description=_("calendar address"))
    def feed_address(self, plan):
        if not plan.feed_token_created_at:
            return FEED_ADDRESS_NONE
        return str(FEED_ADDRESS_SINCE).format(
            date=timezone.localtime(plan.feed_token_created_at).strftime("%-d.%-m.%Y")
        )

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/feed/", self.admin_site.admin_view(self.feed_view), name=f"{info}_feed"),
            path("<path:object_id>/xlsx/", self.admin_site.admin_view(self.xlsx_view), name=f"{info}_xlsx"),
            path("<path:object_id>/pull/", self.admin_site.admin_view(self.pull_view), name=f"{info}_pull"),
            path("<path:object_id>/print/", self.admin_site.admin_view(self.print_view), name=f"{info}_print"),
            path("<path:object_id>/lesson/", self.admin_site.admin_view(self.lesson_view), name=f"{info}_lesson"),
            path("timeline/", self.admin_site.admin_view(self.county_timeline_view), name=f"{info}_county_timeline"),
            *super().get_urls(),
        ]

    def _plan_or_404(self, request, object_id, *, change: bool) -> RolloutPlan:
        plan = self.get_object(request, object_id)
        if plan is None:
            raise Http404
        allowed = self.has_change_permission(request, plan) if change else self.has_view_permission(request, plan)
        if not allowed:
            raise PermissionDenied
        return plan

    def _change_url(self, plan):
        return reverse("admin:plans_rolloutplan_change", args=[plan.pk])

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Reached only once the admin has found the plan and checked the user may see it.
        if obj is not None:
            context.update(self._progress_context(obj))
            context["phase_lessons"] = phase_lesson_forms(obj, [line.task for line in context["progress"].lines])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _progress_context(self, plan) -> dict:
        return {
            "progress": plan_progress(plan, today=timezone.localdate(), with_owners=True),
            "task_url_name": "admin:plans_plantask_change",
            "language": plan.source_version.process.language if plan.source_version.process_id else "fi",
        }

    def print_view(self, request, object_id):
        """The plan with its owners on A4 landscape, for the team's wall."""
        plan = self._plan_or_404(request, object_id, change=False)
        context = {"plan": plan, **self._progress_context(plan)}
        return TemplateResponse(request, "admin/plans/rolloutplan/print.html", context)

    def county_timeline_view(self, request):
        """The running plans of one county the user edits (`?county=<code>`, the first of theirs by default)."""
        counties = list(WellbeingCounty.objects.filter(pk__in=editable_county_ids(request.user)).order_by("code"))
        if not counties:
            raise PermissionDenied
        code = request.GET.get("county")
        county = next((county for county in counties if county.code == code), None) if code else counties[0]
        if county is None:
            raise Http404
        plans = RolloutPlan.objects.for_county(county).current()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(COUNTY_TIMELINE_TITLE).format(county=county.name),
            "county": county,
            "counties": counties,
            "timeline": county_plans(plans, today=timezone.localdate()),
            "plan_url_name": "admin:plans_rolloutplan_change",
        }
        return TemplateResponse(request, "admin/plans/rolloutplan/county_timeline.html", context)

    def feed_view(self, request, object_id):
        plan = self._plan_or_404(request, object_id, change=True)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        token = plan_feed_token_renew(plan=plan, user=request.user)
        url = request.build_absolute_uri(reverse("plans:feed", args=[token]))
        messages.warning(request, str(FEED_ADDRESS_MADE).format(url=url))
        return redirect(self._change_url(plan))

    def xlsx_view(self, request, object_id):
        plan = self._plan_or_404(request, object_id, change=False)
        response = HttpResponse(plan_workbook(plan), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.xlsx"'
        return response

    def lesson_view(self, request, object_id):
        """Write or change the lesson of one done phase: the form of the plan's page posts here; errors show here."""
        plan = self._plan_or_404(request, object_id, change=True)
        try:
            source_phase_id = int(request.POST.get("phase") or request.GET.get("phase") or "")
        except ValueError:
            raise Http404 from None
        item = next(
            (
                item
                for item in phase_lesson_forms(plan, list(plan.tasks.all()))
                if item.source_phase_id == source_phase_id
            ),
            None,
        )
        if item is None:
            raise Http404
        if request.method == "POST":
            item.form = PhaseLessonForm(request.POST, source_phase_id=source_phase_id, phase_title=item.title)
            if item.form.is_valid():
                try:
                    phase_lesson_write(
                        plan=plan,
                        source_phase_id=source_phase_id,
                        lesson=item.form.cleaned_data["lesson"],
                        user=request.user,
                    )
                except ValidationError as error:
                    item.form.add_error(None, error)
                else:
                    messages.success(request, str(LESSON_SAVED).format(phase=item.title))
                    return redirect(f"{self._change_url(plan)}#phase-lessons")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": plan,
            "title": str(LESSON_LABEL).format(phase=item.title),
            "item": item,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/plans/rolloutplan/lesson.html", context)

    def pull_view(self, request, object_id):
        plan = self._plan_or_404(request, object_id, change=True)
        apply = request.method == "POST"
        try:
            result = plan_pull(plan=plan, user=request.user, apply=apply)
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
            return redirect(self._change_url(plan))
        if apply:
            messages.success(request, PULL_DONE)
            return redirect(self._change_url(plan))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": plan,
            "title": _("Pull the guide's latest published version"),
            "result": result,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/plans/rolloutplan/pull.html", context)

    def save_formset(self, request, form, formset, change):
        # Lists what changed for the admin's log, saving nothing: both inlines write through the services.
        formset.save(commit=False)
        if formset.model is not PlanAnchor:
            return None
        for anchor_form in formset.forms:
            if "date" not in anchor_form.changed_data:
                continue
            anchor = anchor_form.instance
            result = plan_reschedule(
                plan=form.instance, anchor=anchor, date=anchor_form.cleaned_data["date"], user=request.user
            )
            messages.info(request, str(RESCHEDULED).format(anchor=anchor))
            if result.kept_by_hand:
                messages.info(request, str(KEPT_BY_HAND).format(tasks=", ".join(result.kept_by_hand)))
        return None

    def save_model(self, request, obj, form, change):
        # The plan's own fields are read-only; its anchors are saved by save_formset().
        self.ensure_editable(request, obj)


class PhaseLessonForm(forms.Form):
    """The lesson of one phase; `phase_lesson_write` checks the rest (the phase done, the user's county)."""

    lesson = forms.CharField(
        label=_("lesson learned"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LESSON_MAX_LENGTH,
        help_text=PlanPhaseLesson._meta.get_field("lesson").help_text,
    )

    def __init__(self, *args, source_phase_id: int, phase_title: str, **kwargs):
        kwargs.setdefault("auto_id", f"id_phase_{source_phase_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["lesson"].label = str(LESSON_LABEL).format(phase=phase_title)
        # The plan's page is one big form: the textarea belongs to its phase's own form, outside it.
        self.fields["lesson"].widget.attrs["form"] = self.html_id = f"phase-lesson-{source_phase_id}"


@dataclass
class PhaseLessonItem:
    """A phase of the plan on its page: done with its lesson's form, or open with the reason it must wait."""

    source_phase_id: int
    title: str
    lesson: PlanPhaseLesson | None
    form: PhaseLessonForm | None
    still_open: str


def phase_lesson_forms(plan: RolloutPlan, tasks) -> list[PhaseLessonItem]:
    """Each phase of the plan with its lesson (one query): a form when the phase is done, the reason when open."""
    lessons = {lesson.source_phase_id: lesson for lesson in PlanPhaseLesson.objects.filter(plan=plan)}
    items = []
    for phase in plan_phases(tasks, plan.source_version.snapshot):
        lesson = lessons.get(phase.source_phase_id)
        form = None
        if phase.is_done:
            form = PhaseLessonForm(
                initial={"lesson": lesson.lesson if lesson else ""},
                source_phase_id=phase.source_phase_id,
                phase_title=phase.title,
            )
        still_open = "" if phase.is_done else PHASE_STILL_OPEN % {"phase": phase.title, "count": phase.open_count}
        items.append(PhaseLessonItem(phase.source_phase_id, phase.title, lesson, form, str(still_open)))
    return items


class PlanTaskForm(forms.ModelForm):
    class Meta:
        model = PlanTask
        fields = [
            "owner",
            "owner_name",
            "owner_role",
            "status",
            "started_on",
            "planned_start",
            "due",
            "done_on",
            "notes",
            "lesson",
        ]

    def clean(self):
        cleaned = super().clean()
        task, user = self.instance, self.acting_user
        if cleaned.get("status") == TaskStatus.DONE and task.status != TaskStatus.DONE:
            if task.kind == TaskKind.GO_NO_GO and not can_publish_county(user, task.plan.rollout.county_id):
                raise ValidationError({"status": GO_NO_GO_NEEDS_PUBLISHER})
            done_on = cleaned.get("done_on")
            if done_on and done_on > timezone.localdate():
                raise ValidationError({"done_on": DONE_IN_THE_FUTURE})
        return cleaned


@admin.register(PlanTask)
class PlanTaskAdmin(ChangePageNoticesMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
    form = PlanTaskForm
    county_field = "plan__rollout__county"
    list_display = ["title", "plan", "phase_title", "owner_shown", "status", "due", "deadline"]
    list_filter = [DeadlineFilter, "status", "kind", "plan__rollout__county"]
    search_fields = ["title", "phase_title", "owner_name", "owner_role", "notes", "lesson"]
    list_select_related = ["plan__rollout__county", "plan__rollout__module", "plan__rollout__service_area", "owner"]
    ordering = ["due", "plan", "order"]
    readonly_fields = [
        "plan",
        "kind",
        "phase_title",
        "title",
        "description",
        "responsible_role",
        "output",
        "checklist",
        "anchor",
        "offset_days",
        "estimated_days",
        "date_set_by_hand",
        "actual_days",
        "signed_off_by",
    ]
    fieldsets = [
        (None, {"fields": ["plan", "kind", "phase_title", "title", "description", "responsible_role"]}),
        (_("What the step produces"), {"fields": ["output", "checklist"]}),
        (_("Owner"), {"fields": ["owner", ("owner_name", "owner_role")]}),
        (
            _("Status and dates"),
            {
                "fields": [
                    "status",
                    ("anchor", "offset_days", "estimated_days"),
                    ("planned_start", "due", "date_set_by_hand"),
                    ("started_on", "done_on", "actual_days"),
                    "signed_off_by",
                ]
            },
        ),
        (_("Notes and lessons"), {"fields": ["notes", "lesson"]}),
    ]

    def has_add_permission(self, request):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.acting_user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            county_ids = editable_county_ids(request.user)
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    Q(editable_counties__in=county_ids) | Q(publishable_counties__in=county_ids), is_active=True
                )
                .distinct()
                .order_by("last_name", "first_name", "username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("owner"))
    def owner_shown(self, task):
        return task.owner_label or NO_DATE

    @admin.display(description=_("deadline"))
    def deadline(self, task):
        return deadline_label(task, timezone.localdate()) or NO_DATE

    def save_model(self, request, obj, form, change):
        self.ensure_editable(request, obj)
        data = {name: form.cleaned_data.get(name) for name in form.changed_data}
        if data.get("status") == TaskStatus.DONE:
            task_complete(
                task=obj,
                user=request.user,
                done_on=form.cleaned_data.get("done_on"),
                lesson=form.cleaned_data["lesson"],
            )
            data = {name: value for name, value in data.items() if name not in ("status", "done_on", "lesson")}
        data.pop("done_on", None)
        if data:
            task_update(task=obj, user=request.user, **data)
        obj.refresh_from_db()


@admin.action(description=_("Make a plan from the rollout's published guide"))
def make_plans(modeladmin, request, queryset):
    made = 0
    for rollout in queryset.select_related("county", "module", "service_area"):
        try:
            plan_create(rollout=rollout, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, str(PLAN_NOT_MADE).format(rollout=rollout, reason=reason))
            continue
        made += 1
    if made:
        messages.success(
            request,
            ngettext("A plan was made for %(count)d rollout.", "Plans were made for %(count)d rollouts.", made)
            % {"count": made},
        )


MAKE_PLAN_LABEL = _("Make a plan")
MAKE_PLAN_HELP = _(
    "When the rollout follows a published guide, copy the guide's phases and steps into the rollout's plan now."
)


class RolloutAddForm(forms.ModelForm):
    make_plan = forms.BooleanField(label=MAKE_PLAN_LABEL, help_text=MAKE_PLAN_HELP, required=False, initial=True)


class RolloutWithPlanAdmin(RolloutAdmin):
    """The rollouts' admin with the plans' part: the "make a plan" action, and the offer on the add form."""

    actions = [*RolloutAdmin.actions, make_plans]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RolloutAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [*fieldsets, (_("Plan"), {"fields": ["make_plan"]})]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rollout = form.instance
        if change or not form.cleaned_data.get("make_plan") or not rollout.process_id:
            return
        if rollout.process.published_version_id is None:
            return
        plan_create(rollout=rollout, user=request.user)
        messages.success(request, str(PLAN_MADE).format(rollout=rollout))


def step_experiences_help(figures) -> str:
    """The sentence the step's form adds under its estimate: how long the step really took in the ended plans."""
    if figures is None or figures.actual_median is None:
        return ""
    low, high = figures.actual_range
    return str(
        STEP_EXPERIENCES
        % {
            "count": figures.count,
            "actual": figures.actual_median,
            "range": str(low) if low == high else f"{low}–{high}",
            "planned": NO_DATE if figures.planned_median is None else figures.planned_median,
        }
    )


class StepWithExperiencesAdmin(StepAdmin):
    """The steps' admin with the plans' part: the step's experiences under its estimate, to improve it."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or "estimated_days" not in form.base_fields:
            return form
        if experiences := step_experiences_help(step_experiences(step=obj)):
            # A form class of this request's own (modelform_factory): changing its field touches no other.
            field = form.base_fields["estimated_days"]
            field.help_text = f"{field.help_text} {experiences}"
        return form


admin.site.unregister(Step)
admin.site.register(Step, StepWithExperiencesAdmin)
admin.site.unregister(Rollout)
admin.site.register(Rollout, RolloutWithPlanAdmin)
