"""Published versions as data: the snapshot of a description and the reviewer's comparison with it.

`process_snapshot()` turns a description, its contents, phases, steps and links into plain
JSON; a `PublishedVersion` keeps one per publication. `published_form()` turns a snapshot back
into unsaved model instances for the public guide, and `snapshot_changes()` compares two
snapshots field by field, phase by phase and step by step for the reviewer.
`review_fingerprint()` names exactly the state a reviewer was shown, so that a publication
publishes that state or nothing.
"""

import datetime
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from processes.models import (
    PUBLISHED_FORM_FIELDS,
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    PublishedVersion,
    Step,
)
from processes.models.texts import normalise_line_endings
from processes.search import snapshot_process_text

PHASE_FIELDS = ("order", "title", "goal")
STEP_FIELDS = (
    "order",
    "title",
    "description",
    "responsible_role",
    "estimated_days",
    "output",
    "checklist",
    "anchor",
    "anchor_name",
    "offset_days",
)
LINK_FIELDS = ("order", "kind", "title", "url")
# An attached file as published: its texts, and the stored file the public downloads (a later
# replacement is stored under a new name, so the published file stays until it is published over).
ATTACHMENT_FIELDS = ("order", "title", "alt_text", "show_in_guide", "is_cover", "kind", "size")
# A text of several lines is compared line by line; a longer one-line text than this, word by word.
LONG_TEXT_CHARACTERS = 120


def process_snapshot(process: ProcessDescription) -> dict:
    """The description as it is stored now, with its contents, phases, steps and links, as JSON-ready data."""
    process = (
        ProcessDescription.objects.filter(pk=process.pk)
        .prefetch_related(
            "modules",
            Prefetch("links", queryset=ProcessLink.objects.order_by("order", "pk")),
            Prefetch("attachments", queryset=ProcessAttachment.objects.order_by("order", "pk")),
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("steps", queryset=Step.objects.order_by("order", "pk"))
                ),
            ),
        )
        .get()
    )
    return {
        "fields": {name: getattr(process, name) for name in PUBLISHED_FORM_FIELDS},
        "modules": sorted(module.pk for module in process.modules.all()),
        "modified_at": process.modified_at.isoformat(),
        "created_at": process.created_at.isoformat(),
        "phases": [
            {
                "id": phase.pk,
                **{name: getattr(phase, name) for name in PHASE_FIELDS},
                "steps": [
                    {"id": step.pk, **{name: getattr(step, name) for name in STEP_FIELDS}} for step in phase.steps.all()
                ],
            }
            for phase in process.phases.all()
        ],
        "links": [
            {"id": link.pk, **{name: getattr(link, name) for name in LINK_FIELDS}} for link in process.links.all()
        ],
        "attachments": [attachment_snapshot(attachment) for attachment in process.attachments.all()],
    }


def review_fingerprint(process: ProcessDescription, *, snapshot: dict | None = None) -> str:
    """A hash of the description's reviewable state: its snapshot and its attached files (their names and texts).

    The changes page puts it in its Publish form, and `process_publish` compares it with the
    stored state under the row's lock: any edit of the description, a phase, a step, a link or
    an attachment in between changes it. The time of the last save is left out: a transition
    saves the row without changing what is reviewed.
    """
    snapshot = process_snapshot(process) if snapshot is None else snapshot
    attachments = [
        {name: str(value) if name == "file" else value for name, value in attachment.items()}
        for attachment in ProcessAttachment.objects.filter(process=process.pk)
        .order_by("pk")
        .values("pk", "file", *ATTACHMENT_FIELDS)
    ]
    reviewed = {
        **{key: value for key, value in snapshot.items() if key != "modified_at"},
        "attachment_rows": attachments,
    }
    encoded = json.dumps(reviewed, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def attachment_snapshot(attachment: ProcessAttachment) -> dict:
    """One attached file as a published version keeps it."""
    return {
        "id": attachment.pk,
        **{name: getattr(attachment, name) for name in ATTACHMENT_FIELDS},
        "file": attachment.file.name,
    }


def published_version_create(*, process: ProcessDescription, snapshot: dict, user, **fields) -> PublishedVersion:
    """Store a published version with what the search and the content filter read of it."""
    version = PublishedVersion.objects.create(
        process=process,
        snapshot=snapshot,
        search_text=snapshot_process_text(snapshot),
        step_count=sum(len(phase["steps"]) for phase in snapshot.get("phases", [])),
        published_by=user,
        **fields,
    )
    version.modules.set(snapshot.get("modules", []))
    return version


@dataclass
class PublishedForm:
    """A snapshot as unsaved model instances, ready for the guide's template."""

    phases: list
    links: list
    attachments: list
    module_ids: list[int]
    modified_at: datetime.datetime | None


def published_form(snapshot: dict) -> PublishedForm:
    """The phases (each with `step_list`), links, files and content ids a snapshot holds, as the guide shows them.

    The attached files are unsaved `ProcessAttachment`s naming the stored file that was published.
    """
    phases = []
    for phase_data in snapshot.get("phases", []):
        phase = Phase(pk=phase_data["id"], **{name: phase_data.get(name) for name in PHASE_FIELDS})
        phase.step_list = [
            Step(pk=step["id"], **{name: step.get(name) for name in STEP_FIELDS}) for step in phase_data["steps"]
        ]
        phases.append(phase)
    links = [ProcessLink(pk=link["id"], **{name: link.get(name) for name in LINK_FIELDS}) for link in snapshot["links"]]
    attachments = [
        ProcessAttachment(
            pk=attachment["id"],
            file=attachment["file"],
            **{name: attachment.get(name, False if name == "is_cover" else "") for name in ATTACHMENT_FIELDS},
        )
        for attachment in snapshot.get("attachments", [])
    ]
    modified_at = snapshot.get("modified_at")
    return PublishedForm(
        phases=phases,
        links=links,
        attachments=attachments,
        module_ids=list(snapshot.get("modules", [])),
        modified_at=datetime.datetime.fromisoformat(modified_at) if modified_at else None,
    )


# --- the reviewer's comparison ------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    label: str
    old: object
    new: object
    lines: list[tuple[str, str]] | None = None  # ("same" | "removed" | "added", line) for texts of several lines
    words: list[tuple[str, str]] | None = None  # the same, word by word, for a long text of one line


@dataclass
class ItemChange:
    """A phase, step or link that was added, removed or changed."""

    kind: str  # "added", "removed" or "changed"
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    steps: list["ItemChange"] = field(default_factory=list)


@dataclass
class SnapshotChanges:
    fields: list[FieldChange]
    modules_added: list
    modules_removed: list
    phases: list[ItemChange]
    links: list[ItemChange]
    attachments: list[ItemChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.fields or self.modules_added or self.modules_removed or self.phases or self.links or self.attachments
        )


def line_changes(old: str, new: str) -> list[tuple[str, str]]:
    """The lines of two texts marked as kept, removed or added (difflib's longest matching blocks)."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    marked = []
    for tag, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
        a=old_lines, b=new_lines, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            marked += [("same", line) for line in old_lines[old_start:old_end]]
            continue
        marked += [("removed", line) for line in old_lines[old_start:old_end]]
        marked += [("added", line) for line in new_lines[new_start:new_end]]
    return marked


def word_changes(old: str, new: str) -> list[tuple[str, str]]:
    """The words of two one-line texts marked as kept, removed or added (each word keeps its trailing space)."""
    old_words, new_words = re.findall(r"\S+\s*", old or ""), re.findall(r"\S+\s*", new or "")
    marked = []
    for tag, old_start, old_end, new_start, new_end in difflib.SequenceMatcher(
        a=old_words, b=new_words, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            marked.append(("same", "".join(old_words[old_start:old_end])))
            continue
        if old_end > old_start:
            marked.append(("removed", "".join(old_words[old_start:old_end])))
        if new_end > new_start:
            marked.append(("added", "".join(new_words[new_start:new_end])))
    return marked


def _is_several_lines(value) -> bool:
    return isinstance(value, str) and "\n" in value.strip()


def _is_long(value) -> bool:
    return isinstance(value, str) and len(value) > LONG_TEXT_CHARACTERS


def _field_changes(model, names, old: dict, new: dict) -> list[FieldChange]:
    changes = []
    for name in names:
        # Line endings are not a change: older versions may hold a browser's CRLF.
        before, after = normalise_line_endings(old.get(name)), normalise_line_endings(new.get(name))
        if (before or None) == (after or None):
            continue
        model_field = model._meta.get_field(name)
        if model_field.choices:
            labels = dict(model_field.flatchoices)
            before, after = labels.get(before, before or ""), labels.get(after, after or "")
        lines = words = None
        if _is_several_lines(before) or _is_several_lines(after):
            lines = line_changes(before, after)
        elif _is_long(before) or _is_long(after):
            words = word_changes(before, after)
        changes.append(FieldChange(name, str(model_field.verbose_name), before, after, lines, words))
    return changes


def _item_changes(model, names, old_items: list[dict], new_items: list[dict], *, children=None) -> list[ItemChange]:
    """Items matched by their id: added, removed, or changed in a field (or, for phases, in their steps)."""
    old_by_id = {item["id"]: item for item in old_items}
    new_ids = {item["id"] for item in new_items}
    changes = []
    for item in new_items:
        before = old_by_id.get(item["id"])
        if before is None:
            changes.append(ItemChange("added", item["title"], _field_changes(model, names, {}, item)))
            continue
        fields = _field_changes(model, names, before, item)
        steps = children(before, item) if children else []
        if fields or steps:
            changes.append(ItemChange("changed", item["title"], fields, steps))
    changes += [ItemChange("removed", item["title"]) for item in old_items if item["id"] not in new_ids]
    return changes


def _step_changes(old_phase: dict, new_phase: dict) -> list[ItemChange]:
    return _item_changes(Step, STEP_FIELDS, old_phase["steps"], new_phase["steps"])


def snapshot_changes(old: dict, new: dict) -> SnapshotChanges:
    """What changed from the `old` snapshot (the last published version) to the `new` one (the revision)."""
    old_modules, new_modules = set(old.get("modules", [])), set(new.get("modules", []))
    names = {
        module.pk: str(module)
        for module in ContentModule.objects.filter(pk__in=old_modules | new_modules).order_by("name_fi")
    }
    return SnapshotChanges(
        fields=_field_changes(ProcessDescription, PUBLISHED_FORM_FIELDS, old.get("fields", {}), new["fields"]),
        modules_added=sorted(names.get(pk, pk) for pk in new_modules - old_modules),
        modules_removed=sorted(names.get(pk, pk) for pk in old_modules - new_modules),
        phases=_item_changes(Phase, PHASE_FIELDS, old.get("phases", []), new["phases"], children=_step_changes),
        links=_item_changes(ProcessLink, LINK_FIELDS, old.get("links", []), new["links"]),
        # A replaced file is stored under a new name, so "file" names the replacement.
        attachments=_item_changes(
            ProcessAttachment, ("file", *ATTACHMENT_FIELDS), old.get("attachments", []), new.get("attachments", [])
        ),
    )


def empty_snapshot() -> dict:
    """What a never-published description is compared with: nothing."""
    return {"fields": {}, "modules": [], "phases": [], "links": [], "attachments": []}
