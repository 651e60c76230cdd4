"""Rollouts in the admin, with the picker of the steps done."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.history_admin import ReadableHistoryAdmin
from processes.models import ProcessDescription, Rollout, Step
from regions.scoping import CountyScopedAdminMixin


@admin.register(Rollout)
class RolloutAdmin(CountyScopedAdminMixin, ReadableHistoryAdmin):
    list_display = ["module", "county", "service_area", "status", "pilot_start", "go_live", "ended_on", "current_phase"]
    list_filter = ["status", "county", "module__kind", "module"]
    search_fields = ["module__name_fi", "module__code", "county__name_fi", "county__brand", "notes"]
    autocomplete_fields = ["county", "module", "service_area", "process", "current_phase"]
    list_select_related = ["module", "county", "service_area", "current_phase"]
    date_hierarchy = "go_live"
    filter_horizontal = ["completed_steps"]
    fieldsets = [
        (None, {"fields": ["county", "module", "service_area", "process", "status"]}),
        (_("Dates"), {"fields": ["planned_start", "pilot_start", "go_live", "ended_on"]}),
        (_("Progress"), {"fields": ["current_phase", "completed_steps", "notes"]}),
    ]

    def also_pickable(self, request, db_field):
        if db_field.name == "process":
            # A county may follow another county's published guide, such as Päijät-Häme's.
            return ProcessDescription.objects.published()
        return super().also_pickable(request, db_field)

    # --- the "steps done" picker: the steps of this rollout's process, labelled by phase and step ---

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "completed_steps":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        steps = list(_steps_of_process(self._process_id_of_request(request)))
        labels = step_labels(steps)
        kwargs["queryset"] = Step.objects.filter(pk__in=labels).order_by("phase__order", "phase__pk", "order", "pk")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        field.label_from_instance = lambda step: labels[step.pk]
        field.help_text = STEPS_OF_THE_PROCESS_HELP
        return field

    def _process_id_of_request(self, request):
        """The process of the rollout being changed, as stored (None on the add form)."""
        match = request.resolver_match
        object_id = match.kwargs.get("object_id") if match else None
        if object_id is None:
            return None
        rollout = self.get_queryset(request).filter(pk=object_id).values("process").first()
        return rollout["process"] if rollout else None


STEPS_OF_THE_PROCESS_HELP = _(
    "The steps of the rollout's process description. Choose the process and save first to tick its steps."
)
STEP_LABEL = _("Phase {phase_number}. {phase} › Step {step_number}. {step}")


def _steps_of_process(process_id):
    if process_id is None:
        return Step.objects.none()
    return (
        Step.objects.filter(phase__process=process_id)
        .select_related("phase")
        .order_by("phase__order", "phase__pk", "order", "pk")
    )


def step_labels(steps) -> dict[int, str]:
    """Step pk → "Phase N. title › Step M. title", numbered by position so that no two labels are equal."""
    labels = {}
    phase_numbers = {}
    step_numbers = {}
    for step in steps:
        phase_number = phase_numbers.setdefault(step.phase_id, len(phase_numbers) + 1)
        step_numbers[step.phase_id] = step_numbers.get(step.phase_id, 0) + 1
        labels[step.pk] = str(STEP_LABEL).format(
            phase_number=phase_number, phase=step.phase.title, step_number=step_numbers[step.phase_id], step=step.title
        )
    return labels
