"""What the public must not see: a draft's phases, a revision's texts and files, links that leave the site.

`test_a_marked_revision_appears_nowhere_public_until_it_is_published` enumerates every public
route from the URL resolver (parameters from the demo data) and every GET operation of the open
API schema, so a new public page is covered without anyone adding it here.
"""

import datetime
import io
import re
import zipfile
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import URLResolver, get_resolver
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from common.csv_rows import REFERENCE_DATA_DIR, read_rows
from plans.models import PlanTask, RolloutPlan
from plans.services import plan_feed_token_renew
from processes.models import (
    ContentModule,
    Phase,
    ProcessAttachment,
    ProcessDescription,
    ProcessLink,
    PublicationStatus,
    RolloutStatus,
    Step,
    StepAnchor,
)
from processes.services import process_publish, process_revision_start, process_submit
from processes.tests.factories import ContentModuleFactory, PhaseFactory, ProcessDescriptionFactory, RolloutFactory
from processes.tests.files import image_bytes, pdf_bytes, upload
from regions.models import WellbeingCounty
from regions.permissions import editor_group_ensure
from regions.tests.factories import WellbeingCountyFactory
from routing.models import OpeningException, PublishedRouteSet, ReceivingUnit, Route
from routing.services import route_set_publish

pytestmark = pytest.mark.django_db

UNPUBLISHED = {
    "draft": {"status": PublicationStatus.DRAFT, "published_at": None},
    "archived": {"status": PublicationStatus.ARCHIVED},
    "scheduled": {"published_at": timezone.now() + datetime.timedelta(days=1)},
}


@pytest.fixture
def county():
    return WellbeingCountyFactory(code="14", name_fi="Pohjois-Karjalan hyvinvointialue")


@pytest.fixture
def module():
    return ContentModuleFactory(code="kurkkukipu", name_fi="Kurkkukipu")


def rollout_following(county, module, **guide_fields):
    guide = ProcessDescriptionFactory(county=county, slug="opas", **guide_fields)
    phase = PhaseFactory(process=guide, order=1, title="Salainen suunnitteluvaihe")
    RolloutFactory(county=county, module=module, process=guide, current_phase=phase, status=RolloutStatus.PILOTING)
    return guide, phase


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("page", ["/en/counties/14/", "/en/modules/kurkkukipu/"])
def test_the_current_phase_of_an_unpublished_guide_is_never_shown(client, county, module, state, page):
    rollout_following(county, module, **UNPUBLISHED[state])

    response = client.get(page)

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Piloting")
    assertNotContains(response, "Salainen suunnitteluvaihe")
    assertNotContains(response, "/processes/opas/")


@pytest.mark.parametrize("page", ["/en/counties/14/", "/en/modules/kurkkukipu/"])
def test_the_current_phase_of_a_published_guide_links_into_the_guide(client, county, module, page):
    _guide, phase = rollout_following(county, module)

    response = client.get(page)

    assertContains(
        response,
        f'<a href="/en/processes/opas/#phase-{phase.pk}" lang="fi">Salainen suunnitteluvaihe</a>',
        html=True,
    )


def test_a_phase_of_a_draft_is_hidden_even_when_the_rollout_follows_a_published_guide(client, county, module):
    published = ProcessDescriptionFactory(county=county, slug="julkinen")
    draft = ProcessDescriptionFactory(county=county, slug="luonnos", status=PublicationStatus.DRAFT, published_at=None)
    draft_phase = PhaseFactory(process=draft, title="Luonnoksen vaihe")
    # Saved past the form's check, as an import or a script could.
    RolloutFactory(county=county, module=module, process=published, current_phase=draft_phase)

    response = client.get("/en/counties/14/")

    assertNotContains(response, "Luonnoksen vaihe")


def language_hrefs(response) -> list[str]:
    switcher = response.content.decode().split('<nav class="language-switcher"', 1)[1].split("</nav>", 1)[0]
    alternates = re.findall(r'<link rel="alternate" hreflang="\w+" href="([^"]*)"', response.content.decode())
    return re.findall(r'href="([^"]*)"', switcher) + alternates


def get_raw_path(client, path, **headers):
    """A request whose path is exactly `path`, as a browser or curl sends `GET //evil.example/x`.

    The test client would read `//host/…` as a host and a path, so PATH_INFO is set directly.
    """
    return client.get("/", PATH_INFO=path, headers=headers)


OFF_SITE_PATHS = [
    "//evil.example/x",
    "/\\evil.example/x",
    "///evil.example/",
    "/http://evil.example/",
    "/fi//evil.example/x",
]


@pytest.mark.parametrize("path", OFF_SITE_PATHS)
@pytest.mark.parametrize("language", ["fi", "sv"])
def test_language_links_of_a_missing_page_stay_on_the_site(client, path, language):
    response = get_raw_path(client, path, accept_language=language)

    assert response.status_code == HTTPStatus.NOT_FOUND
    hrefs = language_hrefs(response)
    assert len(hrefs) == 5
    for href in hrefs:
        parts = urlsplit(href)
        assert (parts.scheme, parts.netloc) == ("", ""), href
        assert href.startswith("/") and href[1:2] not in ("/", "\\"), href


def test_the_language_links_of_an_off_site_address_lead_to_each_languages_home(client):
    response = get_raw_path(client, "//evil.example/x", accept_language="sv")

    assertContains(
        response, '<a href="/fi/" lang="fi" hreflang="fi">suomi</a>', html=True, status_code=HTTPStatus.NOT_FOUND
    )
    assertContains(
        response, '<a href="/en/" lang="en" hreflang="en">English</a>', html=True, status_code=HTTPStatus.NOT_FOUND
    )
    assertNotContains(response, "evil.example", status_code=HTTPStatus.NOT_FOUND)


def test_the_language_links_of_a_missing_page_under_a_prefix_keep_its_path(client):
    response = get_raw_path(client, "/sv//evil.example/x")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "/fi//evil.example/x" in language_hrefs(response)


def test_the_county_code_help_text_names_north_karelias_real_code():
    north_karelia = next(
        row for row in read_rows(REFERENCE_DATA_DIR / "counties.csv") if row["name_en"].startswith("North Karelia")
    )

    with translation.override("en"):
        help_text = str(WellbeingCounty._meta.get_field("code").help_text)

    assert f"e.g. {north_karelia['code']} for North Karelia" in help_text


# --- every public page and API endpoint, with a marked revision of a published guide ---------------

LEAK_GUIDE = "omaolo-pohjois-karjala"
MARKER_SHAPE = re.compile(r"QZX[A-Z]+QZX")
# Where a route's parameters come from in the demo data, by the route's text before them.
# A new public route with another parameter fails `test_every_public_route_has_demo_parameters`.
PARAMETER_SOURCES = {
    "counties/<str:code>/": "county_codes",
    "processes/<slug:slug>/": "guide_slugs",
    "processes/<slug:slug>/attachments/<int:pk>/": "attachment_keys",
    "processes/<slug:slug>/copy/": "guide_slugs",
    # A plan's calendar is public to whoever holds its secret address: a fresh address per demo plan.
    "plans/feed/<str:token>.ics": "plan_feed_tokens",
    # A plan's public progress and a county's plans on one timeline.
    "plans/<int:pk>/": "plan_keys",
    "counties/<str:code>/plans/": "county_codes",
    "modules/<slug:code>/": "module_codes",
    "routes/counties/<str:code>/": "county_codes",
    "routes/counties/<str:code>/deck.pptx": "county_codes",
    "routes/counties/<str:code>/<slug:module>/": "route_set_keys",
    "routes/contents/<slug:code>/": "module_codes",
}
# A task's texts the public reads: copied from the published guide, or the lesson written for the next county.
PUBLIC_TASK_FIELDS = ["phase_title", "title", "description", "output", "checklist", "lesson"]
# Query parameters of the open API that need a value, from the demo data.
API_PARAMETER_SOURCES = {"content": "module_code", "county": "county_code"}


def _marked_fields(model, *, exclude=()) -> list[str]:
    """Every text an editor types into the model: editable character and text fields without choices."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))
        and field.editable
        and not field.choices
        and not isinstance(field, models.SlugField)
        and field.name not in exclude
    ]


def marker(model, name, *, new=False, tag="") -> str:
    return f"QZX{'NEW' if new else ''}{tag}{model.__name__}{name}QZX".upper().replace("_", "")


def _marked_value(model, name, *, new=False, tag="") -> str:
    value = marker(model, name, new=new, tag=tag)
    if isinstance(model._meta.get_field(name), models.URLField):
        return f"https://example.fi/{value}"
    return value


def _mark(row, *, new=False, tag="", exclude=()) -> list[str]:
    markers = []
    for name in _marked_fields(type(row), exclude=exclude):
        setattr(row, name, _marked_value(type(row), name, new=new, tag=tag))
        markers.append(marker(type(row), name, new=new, tag=tag))
    return markers


def _marked_pdf(value: str) -> bytes:
    return pdf_bytes().replace(b"%%EOF", f"% {value}\n%%EOF".encode())


def public_routes() -> list[str]:
    """Every route outside the admin, in every language, from the URL resolver."""
    routes = set()

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                routes.add(prefix + str(pattern.pattern))

    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            walk(get_resolver().url_patterns, "")
    return sorted(route for route in routes if not route.startswith("admin/") and not route.startswith("i18n/"))


def _without_language(route: str) -> str:
    first, _, rest = route.partition("/")
    return rest if first in dict(settings.LANGUAGES) else route


def demo_parameters() -> dict:
    guides = list(ProcessDescription.objects.order_by("slug"))
    attachment_keys = set()
    for guide in guides:
        attachment_keys |= {(guide.slug, pk) for pk in guide.attachments.values_list("pk", flat=True)}
        for version in guide.published_versions.all():
            attachment_keys |= {(guide.slug, item["id"]) for item in version.snapshot.get("attachments", [])}
    return {
        "county_codes": [(code,) for code in WellbeingCounty.objects.values_list("code", flat=True)],
        "guide_slugs": [(guide.slug,) for guide in guides],
        "attachment_keys": sorted(attachment_keys),
        "module_codes": [(code,) for code in ContentModule.objects.values_list("code", flat=True)],
        "plan_feed_tokens": _plan_feed_tokens(),
        "plan_keys": [(pk,) for pk in RolloutPlan.objects.order_by("pk").values_list("pk", flat=True)],
        "route_set_keys": sorted(
            set(PublishedRouteSet.objects.values_list("county__code", "module__code"))
            | set(Route.objects.values_list("county__code", "module__code"))
        ),
    }


def _plan_feed_tokens() -> list[tuple[str]]:
    operator, _created = get_user_model().objects.get_or_create(
        username="leak-test-operator", defaults={"is_superuser": True, "is_staff": True}
    )
    return [(plan_feed_token_renew(plan=plan, user=operator),) for plan in RolloutPlan.objects.order_by("pk")]


def public_paths(routes, parameters) -> list[str]:
    paths = []
    for route in routes:
        if "<" not in route:
            paths.append("/" + route)
            continue
        source = PARAMETER_SOURCES[_without_language(route)]
        for values in parameters[source]:
            path = route
            for value in values:
                path = re.sub(r"<[^>]+>", str(value), path, count=1)
            paths.append("/" + path)
    return paths


def api_paths(client, guide) -> list[str]:
    """Every GET operation of the open API schema, its required parameters filled from the guide."""
    schema = client.get("/api/openapi.json").json()
    values = {"module_code": guide.modules.order_by("code").first().code, "county_code": guide.county.code}
    paths = []
    for path, operations in schema["paths"].items():
        if "get" not in operations:
            continue
        required = [
            parameter["name"] for parameter in operations["get"].get("parameters", []) if parameter.get("required")
        ]
        query = "&".join(f"{name}={values[API_PARAMETER_SOURCES[name]]}" for name in required)
        paths.append(f"{path}?{query}" if query else path)
    return paths


def _readable(response) -> str:
    """The body and headers of a response as text; a zip (XLSX) is read member by member."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    texts = [body.decode("utf-8", errors="replace"), str(dict(response.headers))]
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(name).decode("utf-8", errors="replace") for name in archive.namelist()]
    return "\n".join(texts).upper()


NOTHING_MARKED = "QZXNOTHINGMARKEDQZX"
SEARCH_FORM = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(?:(?!</form>).)*name="q"', re.DOTALL)


def _searches_itself(path, response) -> bool:
    """A page whose own search field filters it; searched in one language, the words are matched alike in all."""
    if not path.startswith(f"/{settings.LANGUAGE_CODE}/") or not response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return False
    return any(action == path for action in SEARCH_FORM.findall(response.content.decode()))


def everything_public(client, paths, markers) -> dict[str, str]:
    """What an anonymous reader gets from each path, and from each search box searched for every marker.

    A search page repeats its words (the search field, the language links): a marker counts as
    found there only when it occurs more often than a word that matches nothing does.
    """
    seen = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, path
        text = _readable(response)
        seen[path] = text
        if _searches_itself(path, response):
            echoes = _readable(client.get(path, {"q": NOTHING_MARKED})).count(NOTHING_MARKED)
            for value in markers:
                found = _readable(client.get(path, {"q": value}))
                seen[f"{path}?q={value}"] = found if found.count(value) > echoes else found.replace(value, "")
    return seen


def _revise_with_markers(guide, editor) -> list[str]:
    """The editor writes a marker into every editable text of the guide, a phase, a step, a link and its files."""
    process_revision_start(process=guide, user=editor)
    guide.refresh_from_db()
    markers = _mark(guide)
    guide.save()
    phase = guide.phases.order_by("order").first()
    markers += _mark(phase)
    phase.save()
    step = phase.steps.order_by("order").first()
    markers += _mark(step)
    # A step's anchor name is shown with its timing, which a named date with an offset has.
    step.anchor, step.offset_days = StepAnchor.NAMED, -3
    step.save()
    link = guide.links.order_by("order").first()
    markers += _mark(link)
    link.save()
    for attachment in guide.attachments.all():
        markers += _mark(attachment, tag=attachment.kind, exclude=[] if attachment.show_in_guide else ["alt_text"])
        attachment.save()
    pdf = guide.attachments.get(kind="pdf")
    pdf.file = upload("liite.pdf", _marked_pdf("QZXPROCESSATTACHMENTFILEQZX"))
    pdf.save()
    markers.append("QZXPROCESSATTACHMENTFILEQZX")
    new_phase = Phase(process=guide, order=99)
    markers += _mark(new_phase, new=True)
    new_phase.save()
    new_step = Step(phase=new_phase, order=1, responsible_role="main_user", anchor=StepAnchor.NAMED, offset_days=2)
    markers += _mark(new_step, new=True)
    new_step.save()
    new_link = ProcessLink(process=guide, order=99)
    markers += _mark(new_link, new=True)
    new_link.save()
    new_file = ProcessAttachment(process=guide, order=99, show_in_guide=True, file=upload("uusi.png", image_bytes()))
    markers += _mark(new_file, new=True)
    new_file.save()
    new_pdf = ProcessAttachment(
        process=guide, order=100, file=upload("uusi.pdf", _marked_pdf("QZXNEWATTACHMENTFILEQZX"))
    )
    markers += [*_mark(new_pdf, new=True, exclude=["title", "alt_text"]), "QZXNEWATTACHMENTFILEQZX"]
    new_pdf.title = "QZXNEWPDFTITLEQZX"
    markers.append("QZXNEWPDFTITLEQZX")
    new_pdf.save()
    return markers


@pytest.fixture
def leak_setup(demo_data, settings, tmp_path, django_user_model):
    """The demo's published North Karelia guide with a PDF and a picture, published, and its county's editor."""
    settings.MEDIA_ROOT = tmp_path
    guide = ProcessDescription.objects.get(slug=LEAK_GUIDE)
    editor = django_user_model.objects.create_user("editori", password="x", is_staff=True)
    editor.groups.add(editor_group_ensure())
    guide.county.editors.add(editor)
    publisher = django_user_model.objects.create_superuser("julkaisija", password="x")
    process_revision_start(process=guide, user=editor)
    ProcessAttachment.objects.create(process=guide, order=1, title="Opas", file=upload("opas.pdf", pdf_bytes()))
    ProcessAttachment.objects.create(
        process=guide,
        order=2,
        title="Prosessikuva",
        file=upload("kuva.png", image_bytes()),
        show_in_guide=True,
        alt_text="Vaiheet nuolin",
    )
    process_submit(process=guide, user=editor)
    process_publish(process=guide, user=publisher)
    return guide, editor, publisher


def test_every_public_route_has_demo_parameters():
    for route in public_routes():
        if "<" in route:
            assert _without_language(route) in PARAMETER_SOURCES, f"Say where {route}'s parameters come from."


def test_a_marked_revision_appears_nowhere_public_until_it_is_published(client, leak_setup):
    guide, editor, publisher = leak_setup
    markers = _revise_with_markers(guide, editor)
    assert len(markers) == len(set(markers)) > 30
    paths = public_paths(public_routes(), demo_parameters()) + api_paths(client, guide)

    before = everything_public(client, paths, markers)

    assert f"/fi/processes/?q={markers[0]}" in before
    assert f"/fi/processes/{LEAK_GUIDE}/" in before and "/api/adoption?content=asiointiaiheet" in before

    leaks = {value: [path for path, text in before.items() if value in text] for value in markers}
    assert {value: where for value, where in leaks.items() if where} == {}

    process_submit(process=guide, user=editor)
    process_publish(process=guide, user=publisher)
    after = everything_public(client, paths, markers)

    missing = [value for value in markers if not any(value in text for text in after.values())]
    assert missing == []
    assert all(MARKER_SHAPE.fullmatch(value) for value in markers)


# --- the plans' people: owners, their notes and the calendar addresses stay off every public page ------


def test_no_public_page_shows_a_plans_owners_notes_or_calendar_address(client, demo_data, django_user_model):
    owner = django_user_model.objects.create_user(
        "omistaja", first_name="QZXOWNERFIRSTQZX", last_name="QZXOWNERLASTQZX", is_staff=True
    )
    markers = ["QZXOWNERFIRSTQZX", "QZXOWNERLASTQZX"]
    for task in PlanTask.objects.all():
        markers += _mark(task, tag=str(task.pk), exclude=PUBLIC_TASK_FIELDS)
        task.owner = owner
        task.save()
    tokens = [token for (token,) in _plan_feed_tokens()]
    paths = [path for path in public_paths(public_routes(), demo_parameters()) if "/feed/" not in path]
    assert any(path.startswith("/fi/plans/") for path in paths)

    seen = everything_public(client, paths, [])

    found = {value: [path for path, text in seen.items() if value.upper() in text] for value in markers + tokens}
    assert {value: where for value, where in found.items() if where} == {}


# --- routes and receiving units: the public reads only what a publisher published ------------------


def _routing_paths(county) -> list[str]:
    """Every public page, and the routing API for the county, at a moment and on a day."""
    today = timezone.localdate()
    day = today.isoformat()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    return [
        *public_paths(public_routes(), demo_parameters()),
        # The sheets' coverage grid for next week (`?week=`, a Monday within a year).
        *(
            f"/fi/routes/counties/{county_code}/{module_code}/?week={next_monday.isoformat()}"
            for county_code, module_code in sorted(
                set(PublishedRouteSet.objects.values_list("county__code", "module__code"))
                | set(Route.objects.values_list("county__code", "module__code"))
            )
        ),
        f"/api/routes?county={county.code}&date={day}",
        f"/api/routes?county={county.code}&at={day}T10:00",
        f"/api/units?county={county.code}",
    ]


def test_a_marked_route_edit_appears_nowhere_public_until_it_is_published(client, demo_data, django_user_model):
    published = PublishedRouteSet.objects.order_by("county__code", "module__code").first()
    routes = list(Route.objects.filter(county=published.county, module=published.module).order_by("pk"))
    route = routes[0]
    markers = _mark(route)
    route.save()
    unit = route.receiving_unit if route.receiving_unit.county_id else routes[-1].receiving_unit
    unit_markers = _mark(unit)
    unit.save()
    OpeningException.objects.create(
        unit=unit,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        reason="QZXNEWOPENINGEXCEPTIONREASONQZX",
    )
    unit_markers.append("QZXNEWOPENINGEXCEPTIONREASONQZX")
    paths = _routing_paths(published.county)

    before = everything_public(client, paths, [*markers, *unit_markers])

    leaks = {value: [path for path, text in before.items() if value in text] for value in [*markers, *unit_markers]}
    assert {value: where for value, where in leaks.items() if where} == {}
    route_set_publish(
        county=published.county,
        module=published.module,
        user=django_user_model.objects.create_superuser("reittijulkaisija", password="x"),
    )
    after = everything_public(client, paths, unit_markers)
    assert [value for value in unit_markers if not any(value in text for text in after.values())] == []


def _mark_routes() -> tuple[list[str], list[str]]:
    """A marker in every text of the demo's routes, their units and the units' exceptions, after publication.

    Returns the markers the published pages show (the units' names, operator, phone and web
    address) and the rest (a route's source, the reason for a unit of another county, an
    exception's reason), which no public page needs.
    """
    shown, hidden = [], []
    for unit in ReceivingUnit.objects.exclude(county=None):
        shown += _mark(unit)
        unit.save()
    for route in Route.objects.all():
        hidden += _mark(route)
        route.save()
    for exception in OpeningException.objects.all():
        hidden += _mark(exception)
        exception.save()
    return list(dict.fromkeys(shown)), list(dict.fromkeys(hidden))


def test_an_edited_route_appears_nowhere_public_until_it_is_published(client, demo_data, django_user_model):
    publisher = django_user_model.objects.create_superuser("julkaisija", password="x")
    route_sets = set(PublishedRouteSet.objects.values_list("county", "module"))
    shown, hidden = _mark_routes()
    assert len(shown) == 6 and len(hidden) >= 2
    paths = public_paths(public_routes(), demo_parameters()) + api_paths(
        client, ProcessDescription.objects.get(slug=LEAK_GUIDE)
    )
    assert "/sv/routes/counties/21/yska/" in paths and "/en/routes/counties/21/deck.pptx" in paths

    before = everything_public(client, paths, shown + hidden)

    leaks = {value: [path for path, text in before.items() if value in text] for value in shown + hidden}
    assert {value: where for value, where in leaks.items() if where} == {}

    for county_id, module_id in route_sets:
        county, module = WellbeingCounty.objects.get(pk=county_id), ContentModule.objects.get(pk=module_id)
        route_set_publish(county=county, module=module, user=publisher)
    after = everything_public(client, paths, shown)

    assert [value for value in shown if not any(value in text for text in after.values())] == []
