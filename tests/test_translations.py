"""The interface is complete in Finnish and Swedish: no message is left empty or only guessed."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"


def catalogue_entries(language):
    """(msgid, [msgstr…], flags) of every message in the language's catalogue, header left out."""
    text = (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        fields, flags, current = {}, set(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current] += ast.literal_eval(line)
            else:
                current, value = line.split(" ", 1)
                fields[current] = ast.literal_eval(value)
        if fields.get("msgid"):
            translations = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append((fields["msgid"], translations, flags))
    return entries


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_every_message_is_translated(language):
    entries = catalogue_entries(language)

    assert len(entries) > 300
    assert [msgid for msgid, translations, _flags in entries if not all(translations)] == []
    assert [msgid for msgid, _translations, flags in entries if "fuzzy" in flags] == []


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_placeholders_survive_translation(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")

    wrong = [
        msgid
        for msgid, translations, _flags in catalogue_entries(language)
        for translation in translations
        if sorted(set(placeholder.findall(translation))) != sorted(set(placeholder.findall(msgid)))
    ]

    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "skip_link", "nav"),
    [
        ("fi", "Siirry pääsisältöön", "Toimintamallit"),
        ("sv", "Hoppa till huvudinnehållet", "Verksamhetsmodeller"),
        ("en", "Skip to main content", "Process descriptions"),
    ],
)
def test_the_interface_speaks_the_chosen_language(language, skip_link, nav):
    content = Client().get(f"/{language}/").content.decode()

    assert f'<a class="skip-link" href="#main">{skip_link}</a>' in content
    assert f">{nav}</a>" in content
