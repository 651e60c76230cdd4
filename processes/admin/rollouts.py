"""Rollouts in the admin, with the picker of the steps done."""

from django.contrib import admin
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _

from common.admin_notices import ChangePageNoticesMixin
from common.history_admin import ReadableHistoryAdmin
from processes.models import Phase, ProcessDescription, PublishedFormIterable, Rollout, Step
from regions.scoping import CountyScopedAdminMixin, can_edit_county, editable_county_ids


def published_form_outside(county_ids):
    """An iterable showing every description of a county not in `county_ids` in its last published form.

    Editors follow other counties' guides: they read those as the public does, never a revision
    under review; their own county's descriptions they read as stored.
    """
    own = frozenset(county_ids)

    class PublishedFormOutside(PublishedFormIterable):
        def __iter__(self):
            for process in super(PublishedFormIterable, self).__iter__():
                if process.county_id not in own:
                    process.show_published_form()
                yield process

    return PublishedFormOutside


def foreign_descriptions_as_published(queryset, user):
    """The descriptions of a queryset, those of counties the user does not edit in their published form."""
    if user.is_superuser:
        return queryset
    queryset = queryset.select_related("published_version")
    queryset._iterable_class = published_form_outside(editable_county_ids(user))
    return queryset


def published_title_search(*, matches, choices, search_term, user):
    """An autocomplete's matches, where another county's guide matches by its published title only.

    `matches` are the choices the admin's search found in the stored texts, `choices` all the user may pick.
    """
    if user.is_superuser:
        return matches
    own = editable_county_ids(user)
    published_title = Q()
    for word in search_term.split():
        published_title &= Q(published_version__snapshot__fields__title__icontains=word)
    return matches.filter(Q(county__in=own) | Q(published_version__isnull=True)) | choices.filter(
        published_title, published_version__isnull=False
    ).exclude(county__in=own)


@admin.register(Rollout)
class RolloutAdmin(ChangePageNoticesMixin, CountyScopedAdminMixin, ReadableHistoryAdmin):
    list_display = [
        "module",
        "county",
        "service_area",
        "status",
        "pilot_start",
        "go_live",
        "ended_on",
        "current_phase_title",
    ]
    list_filter = ["status", "county", "module__kind", "module"]
    search_fields = ["module__name_fi", "module__code", "county__name_fi", "county__brand", "notes"]
    autocomplete_fields = ["county", "module", "service_area", "process", "current_phase"]
    list_select_related = ["module", "county", "service_area", "current_phase", "process__published_version"]
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

    @admin.display(description=_("current phase"), ordering="current_phase__order")
    def current_phase_title(self, rollout):
        """The stored title; `get_list_display` puts in its place the column that knows the user."""
        return str(rollout.current_phase) if rollout.current_phase_id else None

    def get_list_display(self, request):
        # The column needs the user: another county's guide names its phase as last published.
        return [
            _current_phase_column(request.user) if name == "current_phase_title" else name
            for name in super().get_list_display(request)
        ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "process" and field is not None:
            field.queryset = foreign_descriptions_as_published(field.queryset, request.user)
        return field

    # --- the "steps done" picker: the steps of this rollout's process, labelled by phase and step ---

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name != "completed_steps":
            return super().formfield_for_manytomany(db_field, request, **kwargs)
        steps = _steps_offered(self._process_id_of_request(request), request.user)
        labels = step_labels(steps)
        in_label_order = Case(*(When(pk=pk, then=position) for position, pk in enumerate(labels)), default=len(labels))
        kwargs["queryset"] = Step.objects.filter(pk__in=labels).order_by(in_label_order)
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


def _current_phase_column(user):
    @admin.display(description=_("current phase"), ordering="current_phase__order")
    def current_phase_title(rollout):
        """The current phase; of another county's guide, as its last published version names it."""
        phase, process = rollout.current_phase, rollout.process
        if phase is None:
            return None
        if process is None or process.published_version_id is None or can_edit_county(user, process.county_id):
            return str(phase)
        published = {item["id"]: item for item in process.published_version.snapshot.get("phases", [])}
        item = published.get(phase.pk)
        return f"{item['order']}. {item['title']}" if item else None

    return current_phase_title


def _steps_offered(process_id, user) -> list:
    """The steps to tick: as stored for one's own county's guide, as last published for another county's."""
    process = ProcessDescription.objects.select_related("published_version").filter(pk=process_id).first()
    if process is None or process.published_version_id is None or can_edit_county(user, process.county_id):
        return list(_steps_of_process(process_id))
    stored = set(Step.objects.filter(phase__process=process).values_list("pk", flat=True))
    steps = []
    for phase_data in process.published_version.snapshot.get("phases", []):
        phase = Phase(pk=phase_data["id"], title=phase_data["title"])
        steps += [
            Step(pk=step["id"], phase=phase, title=step["title"])
            for step in phase_data["steps"]
            if step["id"] in stored
        ]
    return steps


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
