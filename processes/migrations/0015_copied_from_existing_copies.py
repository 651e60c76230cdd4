"""Link the phases and steps of guides copied before `copied_from` existed to the ones they were copied from.

A copy's phases are matched to its source's in order (the n-th to the n-th), and a matched
phase's steps likewise, wherever the titles are still the same: an edited copy keeps what it
can prove and leaves the rest unlinked, as a step of its own.
"""

from django.db import migrations


def _by_order(rows):
    return sorted(rows, key=lambda row: (row.order, row.pk))


def link_existing_copies(apps, schema_editor):
    ProcessDescription = apps.get_model("processes", "ProcessDescription")
    Phase = apps.get_model("processes", "Phase")
    Step = apps.get_model("processes", "Step")
    phases_linked, steps_linked = [], []
    for copy in ProcessDescription.objects.filter(based_on__isnull=False).only("pk", "based_on_id"):
        copied = _by_order(Phase.objects.filter(process_id=copy.pk))
        sources = _by_order(Phase.objects.filter(process_id=copy.based_on_id))
        for phase, source in zip(copied, sources, strict=False):
            if phase.copied_from_id is not None or phase.title != source.title:
                continue
            phase.copied_from_id = source.pk
            phases_linked.append(phase)
            source_steps = _by_order(Step.objects.filter(phase_id=source.pk))
            for step, source_step in zip(_by_order(Step.objects.filter(phase_id=phase.pk)), source_steps, strict=False):
                if step.copied_from_id is None and step.title == source_step.title:
                    step.copied_from_id = source_step.pk
                    steps_linked.append(step)
    # Written without save(): the rows' versions (edit conflicts) and history stay as they were.
    Phase.objects.bulk_update(phases_linked, ["copied_from"])
    Step.objects.bulk_update(steps_linked, ["copied_from"])


class Migration(migrations.Migration):
    dependencies = [("processes", "0014_copied_from")]

    operations = [migrations.RunPython(link_existing_copies, migrations.RunPython.noop)]
