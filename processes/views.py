from itertools import groupby

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from processes.filters import ProcessDescriptionFilter
from processes.guide_sections import guide_sections
from processes.models import (
    ContentKind,
    ContentModule,
    Phase,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    Rollout,
    Step,
)
from processes.publishing import published_form
from processes.search import passage_from_texts, passage_html, search_words, word_stem
from processes.services import process_copy
from regions.models import WellbeingCounty
from regions.scoping import can_edit_county, editable_county_ids

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
    published = (
        ProcessDescription.objects.published().in_published_form().select_related("county").latest_published_first()
    )
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
    """Give each result `search_passage`: where the words matched in its published form, the words marked.

    PostgreSQL wrote it (`search_headline`); elsewhere it is cut here from the same texts: the
    published version's phases and steps, or (never revised since publishing) those of the shown
    page read in two queries.
    """
    processes = list(processes)
    if not query or not processes:
        return
    if all(hasattr(process, "search_headline") for process in processes):
        for process in processes:
            process.search_passage = passage_html(process.search_headline)
        return
    words = search_words(query)
    texts = _texts_by_process(processes)
    for process in processes:
        stems = [word_stem(word, process.language) for word in words]
        process.search_passage = passage_html(passage_from_texts(texts[process.pk], stems, process.language))


def _texts_by_process(processes) -> dict[int, list[str]]:
    """Each description's searched texts in its published form (`processes` show it already)."""
    texts = {
        process.pk: [process.summary, *(getattr(process, field) for field in ProcessDescription.SECTION_FIELDS)]
        for process in processes
    }
    live = [process.pk for process in processes if not process.published_version_id]
    for process in processes:
        if process.published_version_id:
            for phase in published_form(process.published_version.snapshot).phases:
                texts[process.pk] += [phase.title, phase.goal]
                for step in phase.step_list:
                    texts[process.pk] += [step.title, step.output, step.description, step.checklist]
    for process_id, title, goal in Phase.objects.filter(process__in=live).values_list("process", "title", "goal"):
        texts[process_id] += [title, goal]
    steps = Step.objects.filter(phase__process__in=live).values_list(
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


def _published_attachment(process, pk):
    """The attached file `pk` as the public reads it: from the published version, if the guide has one."""
    if not process.published_version_id:
        return process.attachments.filter(pk=pk).first()
    attachment = next(
        (file for file in published_form(process.published_version.snapshot).attachments if file.pk == pk), None
    )
    if attachment is not None:
        attachment.process = process
    return attachment


def attachment_download(request, slug, pk):
    """One attached file of a guide the user may read: inline for PNG and JPEG, a download otherwise.

    The public gets the file as it was published (a file attached, replaced or removed in a
    revision changes nothing until it is published); the guide's editors get the stored one.
    """
    process = get_object_or_404(ProcessDescription.objects.select_related("published_version"), slug=slug)
    may_edit = _may_preview(request.user, process)
    attachment = None
    if may_edit:
        attachment = process.attachments.filter(pk=pk).first()
    if attachment is None and process.is_public:
        attachment = _published_attachment(process, pk)
    if attachment is None:
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
    if may_edit:
        # What an editor gets may be unpublished: never kept by a shared cache.
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
    return response


# --------------------------------------------------------------------------------------------------


def _adopting_county_count():
    """How many other counties hold a copy of the description (archived copies do not count)."""
    copies = (
        ProcessDescription.objects.filter(based_on=OuterRef("pk"))
        .exclude(county=OuterRef("county"))
        .exclude(status=PublicationStatus.ARCHIVED)
        .order_by()
        .values("based_on")
        .annotate(counties=Count("county", distinct=True))
        .values("counties")
    )
    return Coalesce(Subquery(copies), 0)


def _guide_queryset():
    return ProcessDescription.objects.select_related(
        "county", "published_version", "based_on__county", "based_on__published_version"
    ).annotate(adopting_county_count=_adopting_county_count())


def _live_contents(process):
    """The description's own contents, links, phases and steps: what a preview shows."""
    prefetch_related_objects(
        [process],
        "modules",
        Prefetch("links", queryset=ProcessLink.objects.order_by("order", "pk")),
        Prefetch(
            "phases",
            queryset=Phase.objects.order_by("order", "pk").prefetch_related(
                Prefetch("steps", queryset=Step.objects.order_by("order", "pk"))
            ),
        ),
    )
    phases = list(process.phases.all())
    for phase in phases:
        phase.step_list = list(phase.steps.all())
    attachments = list(process.attachments.order_by("order", "pk"))
    return list(process.modules.all()), phases, list(process.links.all()), attachments


def _published_contents(process):
    """The contents, phases, steps, links and attached files of the description's last published version."""
    form = published_form(process.published_version.snapshot)
    process.show_published_form()
    for attachment in form.attachments:
        attachment.process = process
    return list(ContentModule.objects.filter(pk__in=form.module_ids)), form.phases, form.links, form.attachments


def _public_source(process):
    """The description this one was copied from, in its published form, when the public may read it."""
    source = process.based_on if process.based_on_id else None
    if source is None or not source.is_public:
        return None
    source.show_published_form()
    return source


def copy_target_counties(user, source):
    """The counties the user may copy a published description into; none for anonymous users."""
    if not user.is_authenticated or not user.has_perm("processes.add_processdescription"):
        return []
    return list(WellbeingCounty.objects.filter(pk__in=editable_county_ids(user)).order_by("code"))


def process_detail(request, slug):
    """One process description as a readable, printable guide; drafts only for the county's editors.

    While a published description is being revised, the public reads its last published version.
    """
    process = get_object_or_404(_guide_queryset(), slug=slug)
    is_preview = not process.is_public
    if is_preview and not _may_preview(request.user, process):
        raise Http404
    if process.is_public and process.published_version_id:
        modules, phases, links, attachments = _published_contents(process)
    else:
        modules, phases, links, attachments = _live_contents(process)
    for phase in phases:
        phase.total_days = sum(step.estimated_days or 0 for step in phase.step_list)
    sections = [
        {"id": f"section-{field}", "title": ProcessDescription._meta.get_field(field).verbose_name, "text": text}
        for field in ProcessDescription.SECTION_FIELDS
        if (text := getattr(process, field))
    ]
    return render(
        request,
        "processes/process_detail.html",
        {
            "process": process,
            "is_preview": is_preview,
            "sections": sections,
            "modules": modules,
            "phases": phases,
            "links": links,
            "attachments": attachments,
            "guide_images": [attachment for attachment in attachments if attachment.show_in_guide],
            "cover": next((attachment for attachment in attachments if attachment.is_cover), None),
            "diagram": _phase_diagram(phases),
            "based_on": _public_source(process),
            "copy_counties": [] if is_preview else copy_target_counties(request.user, process),
            "guide_sections": guide_sections(process=process, phases=phases),
        },
    )


COPY_FORBIDDEN_TEXT = _("Only an editor or a publisher of a county can copy a model into it.")


@require_http_methods(["GET", "POST"])
def process_copy_view(request, slug):
    """ "Use this model": copy a published description as a draft of a county the user edits."""
    source = get_object_or_404(ProcessDescription.objects.published().in_published_form(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("admin:login"))
    counties = copy_target_counties(request.user, source)
    error, status = None, 200
    if request.method == "POST":
        county = next((c for c in counties if str(c.pk) == request.POST.get("county")), None)
        try:
            if county is None:
                raise PermissionDenied(COPY_FORBIDDEN_TEXT)
            copy = process_copy(source=source, county=county, user=request.user)
        except PermissionDenied as refusal:
            error, status = str(refusal), 403
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
        else:
            return HttpResponseRedirect(reverse("admin:processes_processdescription_change", args=[copy.pk]))
    elif not counties:
        error, status = str(COPY_FORBIDDEN_TEXT), 403
    return render(
        request,
        "processes/process_copy.html",
        {"process": source, "copy_counties": counties, "error": error},
        status=status,
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
    processes = (
        ProcessDescription.objects.published()
        .in_published_form()
        .covering(module)
        .select_related("county")
        .latest_published_first()
    )
    return render(
        request,
        "processes/module_detail.html",
        {"module": module, "rollouts": rollouts, "processes": processes},
    )
