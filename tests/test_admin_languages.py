"""Every admin page an editor can reach reads as Finnish or Swedish: no English left, no "7 tuontierät".

The pages are enumerated from `admin.site._registry` as in test_admin_url_matrix (whose demo world,
with an editor of Päijät-Häme, this test shares): each model's list, add and change forms, history
and history detail, and the usage import (upload, preview, background check), the review comparison
and "use this model". Each is rendered in fi and sv; what a user reads (text, and the titles, labels
and button values of elements) is searched for Django's and the libraries' English messages, and the
Finnish for a number followed by a nominative plural ("3 käyttöönotot" must be "3 käyttöönottoa").
The strings the admin's JavaScript writes are checked in its catalogue (jsi18n).
"""

import datetime
import json
import re
from html.parser import HTMLParser
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from common.history_admin import ReadableDiffDisplay
from metrics.models import ImportBatch, ImportState, Metric
from processes.models import ContentModule, ProcessDescription, PublicationStatus, PublishedVersion
from tests import test_admin_url_matrix as matrix
from tests.test_admin_url_matrix import REGISTERED, USAGE_HEADER, history_manager

# The matrix's demo world (a module fixture): an editor of Päijät-Häme, other counties' rows.
world = matrix.world

LANGUAGES = ["fi", "sv"]
# English messages of Django's admin and forms, django-simple-history and django-import-export that
# show when a catalogue lacks them: found anywhere in what a user reads.
ENGLISH_PHRASES = [
    "Select an option",
    "by selecting them",
    "Note: Enter times in",
    "Note: You are",
    " chars]",
    "Change reason",
    "Changed by",
    "Change History",
    "View history",
    "Add another",
    "Save and add another",
    "Save and continue editing",
    "Select all",
    "Show all",
    "Clear selection",
    "Filter by",
    "Search ",
    "selected",
    "Currently:",
    "This field is required",
    "Are you sure",
    "Choose a date",
    "Confirm import",
    "through import_export",
    "Press the",
    "Change or view list",
    "View site",
    "Log out",
    "Pagination",
]
# Short English words that only count when they are all an element says.
ENGLISH_WORDS = [
    "None",
    "Home",
    "History",
    "Delete",
    "Save",
    "Search",
    "Filter",
    "Go",
    "Yes",
    "No",
    "Unknown",
    "Today",
    "Now",
    "Clear",
    "Change",
    "Changes",
    "Changed",
    "Object",
    "Comment",
    "User",
    "Action",
    "Action:",
    "Date/time",
    "Revert",
    "Import",
    "Export",
    "Submit",
    "Format",
    "Resource",
    "All",
    "Any date",
    "Past 7 days",
    "This month",
    "This year",
    "Run",
]
# A number, perhaps a genitive ("15 vaiheen"), then a word in the nominative plural (ending in a vowel and t).
FINNISH_NOMINATIVE_PLURAL_AFTER_NUMBER = re.compile(
    r"(?<![\w.,:/-])\d[\d\u00a0 ]*\s+(?:[a-zåäö]+n\s+)?[a-zåäö-]*[aeiouyäö]t\b"
)
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _Reader(HTMLParser):
    """What a user reads of a page: its text nodes and the readable attributes, without scripts."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._skip += 1
        attributes = dict(attrs)
        for name, value in attributes.items():
            if value and name in READ_ATTRIBUTES:
                self.texts.append(value)
        if tag == "input" and attributes.get("type") in {"submit", "button"} and attributes.get("value"):
            self.texts.append(attributes["value"])
        if attributes.get("data-inline-formset"):
            self.texts.append(json.loads(attributes["data-inline-formset"])["options"]["addText"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def read(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    return reader.texts


def slips(html: str, language: str) -> list[str]:
    """The English messages and (in Finnish) the nominative plurals after a number on a page."""
    found = []
    for text in read(html):
        found += [f"English {phrase!r} in {text!r}" for phrase in ENGLISH_PHRASES if phrase in text]
        if text.strip() in ENGLISH_WORDS:
            found.append(f"English {text!r}")
        if language == "fi":
            found += [
                f"plural {match.group(0)!r} in {text!r}"
                for match in FINNISH_NOMINATIVE_PLURAL_AFTER_NUMBER.finditer(text)
            ]
    return found


# --- the checker itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>7 tuontierät</p>", ["plural '7 tuontierät' in '7 tuontierät'"]),
        (
            "<p>Valitse kaikki 15 vaiheen tehtävät</p>",
            ["plural '15 vaiheen tehtävät' in 'Valitse kaikki 15 vaiheen tehtävät'"],
        ),
        ("<p>3 käyttöönottoa, 7 tuontierää, 1 vaihe</p>", []),
        ("<p>Tuontierät: 7</p>", []),
        (
            '<select><option value="">- Select an option -</option></select>',
            ["English 'Select an option' in '- Select an option -'"],
        ),
        ("<td>None</td><td>Nonexistent</td>", ["English 'None'"]),
        ('<a title="View history">x</a>', ["English 'View history' in 'View history'"]),
        ("<script>var s = 'Show all';</script>", []),
    ],
)
def test_the_checker_finds_english_and_nominative_plurals(html, expected):
    assert slips(html, "fi") == expected


# --- the pages ------------------------------------------------------------------------------------


def _url(model, suffix, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{suffix}", args=args)


def editor_pages(world, request) -> dict[str, str]:
    """Every model page the editor may open: list, add form, a row's change form, history and history detail."""
    pages = {}
    for model, model_admin in REGISTERED:
        if not model_admin.has_view_permission(request):
            continue
        label = model._meta.label
        pages[f"{label} list"] = _url(model, "changelist")
        if model_admin.has_add_permission(request):
            pages[f"{label} add"] = _url(model, "add")
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is None:
            continue
        pages[f"{label} change"] = _url(model, "change", row.pk)
        pages[f"{label} history"] = _url(model, "history", row.pk)
        history = history_manager(model)
        if history is not None:
            state = history.filter(**{model._meta.pk.attname: row.pk}).order_by("-history_id").first()
            if state is not None:
                pages[f"{label} history detail"] = _url(model, "simple_history", row.pk, state.history_id)
    guide = ProcessDescription.objects.filter(county=world.own_county).order_by("pk").first()
    pages["review changes"] = _url(ProcessDescription, "changes", guide.pk)
    pages["copy"] = _url(ProcessDescription, "copy")
    pages["import upload"] = reverse("admin:metrics_usagestatistic_import_file")
    return pages


@pytest.fixture
def editor(world, db):
    return world.editor


def _client(editor, language):
    client = Client(headers={"accept-language": language})
    client.force_login(editor)
    client.cookies["django_language"] = language
    return client


def _request(editor):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = editor
    return request


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_editor_page_reads_without_english_or_plural_slips(world, editor, language):
    client = _client(editor, language)
    found = {}
    for name, url in editor_pages(world, _request(editor)).items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, (name, url, response.status_code)
        page_slips = slips(response.content.decode(), language)
        if page_slips:
            found[name] = sorted(set(page_slips))

    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_import_preview_and_check_read_without_english_or_plural_slips(world, editor, language, settings):
    client = _client(editor, language)
    rows = "\n".join(f"09,,virtsatietulehdus,assessments_started,week,2024-W0{week},1{week}" for week in (5, 6))
    upload = SimpleUploadedFile("viikot.csv", f"{USAGE_HEADER}\n{rows}\n".encode(), content_type="text/csv")
    preview = client.post(reverse("admin:metrics_usagestatistic_import_file"), {"file": upload})
    check = ImportBatch.objects.create(
        user=editor, file_name="iso.csv", sha256="1" * 64, outcome=ImportState.CHECKING, rows_read=0
    )
    checking = client.get(reverse("admin:metrics_usagestatistic_import_check", args=[check.pk]))

    assert preview.status_code == checking.status_code == HTTPStatus.OK
    assert "pending" in preview.context and preview.context["pending"] is not None
    assert slips(preview.content.decode(), language) == []
    assert slips(checking.content.decode(), language) == []


ADMIN_SCRIPTS = Path(admin.__file__).parent / "static" / "admin" / "js"
STRING = r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'"""
GETTEXT_CALL = re.compile(rf"\b(n?gettext)\(\s*((?:(?:{STRING})\s*(?:\+\s*)?)+)")
LITERAL = re.compile(STRING)


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] == "'":
        body = body.replace("\\'", "'").replace('"', '\\"')
    return json.loads(f'"{body}"')


def admin_script_messages() -> set[str]:
    """The msgids (singular) of every gettext and ngettext call in the admin's own scripts."""
    messages = set()
    for script in ADMIN_SCRIPTS.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for call in GETTEXT_CALL.finditer(script.read_text()):
            literals = LITERAL.findall(call.group(2))
            if call.group(1) == "ngettext":  # the singular: the literals before the first comma
                literals = LITERAL.findall(call.group(2).split(",")[0])
            messages.add("".join(_unquote(literal) for literal in literals))
    return messages


def test_the_script_messages_are_found():
    messages = admin_script_messages()

    assert 'Choose %s by selecting them and then select the "Choose" arrow button.' in messages
    assert "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour ahead.)" in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_script_message_is_translated(world, editor, language):
    response = _client(editor, language).get(reverse("admin:jsi18n"))

    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});", response.content.decode(), re.S).group(1))
    missing = sorted(message for message in admin_script_messages() if not catalog.get(message))
    assert missing == []


# --- what the checker cannot see: the history, the inline link, the import's names ----------------


def test_the_history_shows_state_labels_the_reason_or_a_dash_and_local_times(world, editor):
    guide = ProcessDescription.objects.filter(county=world.own_county).order_by("pk").first()
    guide.status = PublicationStatus.IN_REVIEW
    guide.save()
    guide.status = PublicationStatus.PUBLISHED
    guide._change_reason = "Tarkastettu"
    guide.save()

    response = _client(editor, "fi").get(_url(ProcessDescription, "history", guide.pk))

    texts = read(response.content.decode())
    assert "tarkastettavana → julkaistu" in " ".join(texts).replace("\u00a0", " ")
    assert not any("in_review" in text for text in texts)
    assert "Tarkastettu" in texts
    assert "None" not in texts
    assert "–" in texts  # the rows without a reason


def test_a_published_version_is_named_by_its_local_time(world):
    version = PublishedVersion(
        snapshot={"fields": {"title": "Malli"}},
        published_at=datetime.datetime(2026, 11, 1, 10, 0, tzinfo=datetime.UTC),
    )

    with translation.override("fi"):
        assert str(version) == "Malli (1.11.2026 12.00)"  # Helsinki is UTC+2 in November


@pytest.mark.parametrize(("language", "shortened"), [("fi", "Malli[464 merkkiä]essa"), ("sv", "Malli[464 tecken]essa")])
def test_a_shortened_change_counts_the_characters_in_the_language(language, shortened):
    with translation.override(language):
        assert ReadableDiffDisplay().shortened_str("Malli", 464, "essa") == shortened


@pytest.mark.parametrize(
    ("language", "add_text"), [("fi", "Lisää toinen vaihe"), ("sv", "Lägg till ytterligare skede")]
)
def test_the_inline_add_link_names_the_row_in_lower_case(world, editor, language, add_text):
    guide = ProcessDescription.objects.filter(county=world.own_county).order_by("pk").first()

    response = _client(editor, language).get(_url(ProcessDescription, "change", guide.pk))

    assert add_text in read(response.content.decode())


@pytest.mark.parametrize("background", [False, True], ids=["small file", "checked by a worker"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_import_preview_shows_names_not_codes(world, editor, language, background, settings):
    if background:
        settings.USAGE_IMPORT_BACKGROUND_CHECK_MB = 0  # every file is checked by a worker (inline in tests)
    rows = "09,,virtsatietulehdus,assessments_started,week,2024-W05,12"
    upload = SimpleUploadedFile("viikot.csv", f"{USAGE_HEADER}\n{rows}\n".encode(), content_type="text/csv")

    response = _client(editor, language).post(
        reverse("admin:metrics_usagestatistic_import_file"), {"file": upload}, follow=True
    )

    assert bool(response.redirect_chain) == background

    with translation.override(language):
        expected = [
            world.own_county.name,
            ContentModule.objects.get(code="virtsatietulehdus").name,
            Metric.objects.get(code="assessments_started").name,
        ]
    row = re.search(r'<table id="import-changes">.*?<tbody>(.*?)</tbody>', response.content.decode(), re.S).group(1)
    cells = read(row)
    assert cells[1:5] == [expected[0], "–", *expected[1:]]  # no service area: a dash
    assert "virtsatietulehdus" not in cells and "assessments_started" not in cells


@pytest.mark.parametrize(
    ("language", "columns"),
    [
        ("fi", "sarakkeet hyvinvointialue (county), palvelualue (service_area), sisältö (module), mittari (metric)"),
        ("sv", "kolumnerna hyvinvointialue (county), palvelualue (service_area), sisältö (module), mittari (metric)"),
    ],
)
def test_the_upload_help_names_the_columns_in_finnish_too(world, editor, language, columns):
    response = _client(editor, language).get(reverse("admin:metrics_usagestatistic_import_file"))

    help_text = response.context["form"].fields["file"].help_text
    assert columns in help_text
    assert "jaksotyyppi (period_type), jakso (period), määrä (value)" in help_text
    assert "vastauksia (responses)" in help_text


@pytest.mark.parametrize(
    ("language", "link"), [("fi", "Valitse kaikki tuontierät (7)"), ("sv", "Välj alla 7 importomgångar")]
)
def test_the_select_all_link_puts_the_number_where_the_language_allows_it(language, link):
    with translation.override(language):
        text = translation.gettext("Select all %(total_count)s %(module_name)s") % {
            "total_count": 7,
            "module_name": ImportBatch._meta.verbose_name_plural,
        }

    assert text == link
