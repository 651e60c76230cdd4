from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _

from processes.filters import ProcessDescriptionFilter
from processes.models import (
    ContentKind,
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    Rollout,
    Step,
)
from processes.search import finnish_stem, passage_from_texts, passage_html, search_words
from regions.scoping import can_edit_county

PROCESSES_PER_PAGE = 20
# Every word searches every section with LIKE: more would make one search a heavy query
# (and SQLite refuses very long patterns or very deep expressions).
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARACTERS = 200
SEARCH_TOO_LONG = _("Search with at most {words} words and {characters} characters.")

# Geometry of the phase diagram, in SVG user units.
DIAGRAM_WIDTH = 320
DIAGRAM_BOX_HEIGHT = 56
DIAGRAM_GAP = 28
DIAGRAM_TITLE_CHARS = 34


def _limit_search(filterset):
    """A search that is too long becomes an error on the search field, and the list is shown unsearched."""
    if not filterset.is_bound:
        return
    filterset.form.full_clean()
    # Checked even when another filter is invalid: the valid ones, the search among them, still apply.
    query = filterset.form.cleaned_data.get("q") or ""
    if len(query) > SEARCH_MAX_CHARACTERS or len(query.split()) > SEARCH_MAX_WORDS:
        message = str(SEARCH_TOO_LONG).format(words=SEARCH_MAX_WORDS, characters=SEARCH_MAX_CHARACTERS)
        filterset.form.add_error("q", message)


def process_list(request):
    """Published process descriptions, filtered by county, content and stage and searched by words."""
    published = ProcessDescription.objects.published().select_related("county")
    filterset = ProcessDescriptionFilter(request.GET or None, queryset=published)
    _limit_search(filterset)
    page = Paginator(filterset.qs.distinct(), PROCESSES_PER_PAGE).get_page(request.GET.get("page"))
    _add_search_passages(page.object_list, _applied_search(filterset))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "processes/process_list.html",
        {"filter": filterset, "page": page, "query_without_page": query.urlencode()},
    )


# --- search results: the passage that matched ----------------------------------------------------


def _applied_search(filterset) -> str:
    """The search words the list was filtered with ('' when none or when the search was refused)."""
    if not filterset.is_bound or "q" in filterset.form.errors:
        return ""
    return filterset.form.cleaned_data.get("q") or ""


def _add_search_passages(processes, query):
    """Give each result `search_passage`: where the words matched, with the words marked.

    PostgreSQL wrote it (`search_headline`); elsewhere it is cut here from the same texts,
    the phases and steps of the shown page read in two queries.
    """
    processes = list(processes)
    if not query or not processes:
        return
    if all(hasattr(process, "search_headline") for process in processes):
        for process in processes:
            process.search_passage = passage_html(process.search_headline)
        return
    stems = [finnish_stem(word) for word in search_words(query)]
    texts = _texts_by_process(processes)
    for process in processes:
        process.search_passage = passage_html(passage_from_texts(texts[process.pk], stems))


def _texts_by_process(processes) -> dict[int, list[str]]:
    texts = {
        process.pk: [process.summary, *(getattr(process, field) for field in ProcessDescription.SECTION_FIELDS)]
        for process in processes
    }
    for process_id, title, goal in Phase.objects.filter(process__in=texts).values_list("process", "title", "goal"):
        texts[process_id] += [title, goal]
    steps = Step.objects.filter(phase__process__in=texts).values_list(
        "phase__process", "title", "output", "description", "checklist"
    )
    for process_id, *step_texts in steps:
        texts[process_id] += step_texts
    for process in processes:
        texts[process.pk].append(process.author)
    return texts


# --------------------------------------------------------------------------------------------------


def _may_preview(user, process) -> bool:
    return user.has_perm("processes.change_processdescription") and can_edit_county(user, process.county_id)


def _phase_diagram(phases):
    """Boxes and arrows of the phases, one under the other, positioned for the SVG template."""
    boxes = []
    for index, phase in enumerate(phases):
        top = 1 + index * (DIAGRAM_BOX_HEIGHT + DIAGRAM_GAP)
        boxes.append(
            {
                "phase": phase,
                "y": top,
                "title_y": top + 24,
                "detail_y": top + 44,
                "arrow_from": top + DIAGRAM_BOX_HEIGHT,
                "arrow_to": top + DIAGRAM_BOX_HEIGHT + DIAGRAM_GAP - 4,
                "is_last": index == len(phases) - 1,
            }
        )
    height = max(len(phases) * (DIAGRAM_BOX_HEIGHT + DIAGRAM_GAP) - DIAGRAM_GAP + 2, 0)
    return {
        "boxes": boxes,
        "width": DIAGRAM_WIDTH,
        "height": height,
        "center": DIAGRAM_WIDTH // 2,
        "box_width": DIAGRAM_WIDTH - 2,
        "box_height": DIAGRAM_BOX_HEIGHT,
        "title_chars": DIAGRAM_TITLE_CHARS,
    }


# --- attachments: served by the portal, never straight from MEDIA_URL ------------------------------

# A file served from the portal's origin must not be able to run anything there.
ATTACHMENT_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def attachment_download(request, slug, pk):
    """One attached file of a guide the user may read: inline for PNG and JPEG, a download otherwise."""
    attachment = get_object_or_404(ProcessAttachment.objects.select_related("process"), pk=pk, process__slug=slug)
    process = attachment.process
    if not process.is_public and not _may_preview(request.user, process):
        raise Http404
    try:
        opened = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        opened,
        as_attachment=not attachment.is_image,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if not process.is_public:
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


# --------------------------------------------------------------------------------------------------


def process_detail(request, slug):
    """One process description as a readable, printable guide; drafts only for the county's editors."""
    process = get_object_or_404(
        ProcessDescription.objects.select_related("county").prefetch_related(
            "modules",
            Prefetch("links", queryset=ProcessLink.objects.order_by("order", "pk")),
            Prefetch("attachments", queryset=ProcessAttachment.objects.order_by("order", "pk")),
            Prefetch(
                "phases",
                queryset=Phase.objects.order_by("order", "pk").prefetch_related(
                    Prefetch("steps", queryset=Step.objects.order_by("order", "pk"))
                ),
            ),
        ),
        slug=slug,
    )
    is_preview = not process.is_public
    if is_preview and not _may_preview(request.user, process):
        raise Http404
    phases = list(process.phases.all())
    for phase in phases:
        phase.step_list = list(phase.steps.all())
        phase.total_days = sum(step.estimated_days or 0 for step in phase.step_list)
    sections = [
        {"id": f"section-{field}", "title": ProcessDescription._meta.get_field(field).verbose_name, "text": text}
        for field in ProcessDescription.SECTION_FIELDS
        if (text := getattr(process, field))
    ]
    links = list(process.links.all())
    attachments = list(process.attachments.all())
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "is_preview": is_preview,
            "sections": sections,
            "phases": phases,
            "links": links,
            "attachments": attachments,
            "guide_images": [attachment for attachment in attachments if attachment.show_in_guide],
            "diagram": _phase_diagram(phases),
        },
    )


def module_list(request):
    """The Omaolo content catalogue grouped by kind, with how many counties use each content."""
    modules = ContentModule.objects.with_county_counts().order_by("kind", "name_fi")
    kind_labels = dict(ContentKind.choices)
    groups = [
        {"kind": kind, "label": kind_labels.get(kind, kind), "modules": list(items)}
        for kind, items in groupby(modules, key=lambda module: module.kind)
    ]
    return render(request, "processes/module_list.html", {"groups": groups})


def module_detail(request, code):
    """One content: which counties use it, since when and in which phase, and the guides about it."""
    module = get_object_or_404(ContentModule, code=code)
    rollouts = (
        Rollout.objects.filter(module=module)
        .select_related("county", "service_area", "current_phase", "process")
        .with_step_progress()
        .with_public_current_phase()
        .order_by("county__code", "service_area__name_fi")
    )
    processes = ProcessDescription.objects.published().filter(modules=module).select_related("county")
    return render(
        request,
        "processes/module_detail.html",
        {"module": module, "rollouts": rollouts, "processes": processes},
    )
