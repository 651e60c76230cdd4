"""Search words, their Snowball stems, the published text a guide is searched in, and the matched passage.

Both databases search the published form of each guide (`processes.publishing`): what the
public reads, never a revision. PostgreSQL searches with its full-text search; SQLite stems
the same texts in the query with `text_matches` (registered as the SQL function
`processes_stems_match`, see `processes.apps`). Both use the
Snowball stemmer of the guide's language (`snowballstemmer`, the algorithm of PostgreSQL's
`finnish`, `swedish` and `english` configurations), and a word matches every stem it is a
prefix of, as PostgreSQL's `word:*` does, so both databases find the same guides.

The passage is text with the matched words between `START_SEL` and `STOP_SEL`, two
private-use characters that never appear in what editors type; `passage_html` escapes
everything and turns only balanced pairs of them into `<mark>`.
"""

import functools
import re

import snowballstemmer
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from processes.models.choices import ResponsibleRole

START_SEL = "\ue000"
STOP_SEL = "\ue001"
PASSAGE_FRAGMENT_DELIMITER = " … "

# A description's language (its `language` field) and the Snowball stemmer its texts are cut with.
STEMMER_LANGUAGES = {"fi": "finnish", "sv": "swedish", "en": "english"}
DEFAULT_STEMMER_LANGUAGE = "fi"
WORD = re.compile(r"\w+")

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKUP = re.compile(r"[*_`#]+")
WHITESPACE = re.compile(r"\s+")
PASSAGE_CONTEXT_BEFORE = 60
PASSAGE_CONTEXT_AFTER = 140


def search_words(query: str) -> list[str]:
    """The words of a search, lower-case, without punctuation."""
    return WORD.findall(query.casefold())


@functools.cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMER_LANGUAGES.get(language, STEMMER_LANGUAGES[DEFAULT_STEMMER_LANGUAGE]))


@functools.lru_cache(maxsize=100_000)
def word_stem(word: str, language: str = DEFAULT_STEMMER_LANGUAGE) -> str:
    """The Snowball stem of one word in a description's language (fi, sv or en), lower-case."""
    return _stemmer(language).stemWord(word.casefold())


def stems_of_text(text: str | None, language: str | None) -> str:
    """The stems of every word of a text, each after a space: `" pilot palaut "`.

    A query stem matches the text when `" " + stem` occurs in it (a prefix of a stem).
    """
    language = language if language in STEMMER_LANGUAGES else DEFAULT_STEMMER_LANGUAGE
    stems = [word_stem(word, language) for word in WORD.findall((text or "").casefold())]
    return f" {' '.join(stems)} " if stems else " "


def snapshot_process_text(snapshot: dict) -> str:
    """The phases and steps of a published version as one text: what the search reads of them.

    Each step's role is named as the guide shows it in its own language.
    """
    language = snapshot.get("fields", {}).get("language") or DEFAULT_STEMMER_LANGUAGE
    with translation.override(language):
        roles = {code: str(label) for code, label in ResponsibleRole.choices}
    lines = []
    for phase in snapshot.get("phases", []):
        lines.append(" ".join(filter(None, [phase.get("title"), phase.get("goal")])))
        for step in phase.get("steps", []):
            texts = [step.get("title"), roles.get(step.get("responsible_role"), ""), step.get("output")]
            lines.append(" ".join(filter(None, [*texts, step.get("description"), step.get("checklist")])))
    return "\n".join(lines)


def text_matches(query: str | None, language: str | None, *texts: str | None) -> bool:
    """Every word of the query is a prefix of the stem of a word of the texts, both cut in the language.

    SQLite's `processes_stems_match(query, language, text, …)` (registered in `processes.apps`).
    """
    language = language if language in STEMMER_LANGUAGES else DEFAULT_STEMMER_LANGUAGE
    stems = stems_of_text("\n".join(filter(None, texts)), language)
    return all(f" {word_stem(word, language)}" in stems for word in search_words(query or ""))


def passage_html(marked: str) -> SafeString:
    """Escaped passage text in which each START_SEL…STOP_SEL pair becomes <mark>…</mark>.

    A marker without its partner (text that happened to contain one) is dropped, so the
    result is always balanced markup around escaped text.
    """
    text = WHITESPACE.sub(" ", MARKDOWN_MARKUP.sub("", MARKDOWN_LINK.sub(r"\1", marked))).strip()
    html = []
    for piece in re.split(f"({START_SEL}[^{START_SEL}{STOP_SEL}]*{STOP_SEL})", text):
        if piece.startswith(START_SEL) and piece.endswith(STOP_SEL):
            html.append(f"<mark>{escape(piece[1:-1])}</mark>")
        else:
            html.append(escape(piece.replace(START_SEL, "").replace(STOP_SEL, "")))
    return mark_safe("".join(html))  # noqa: S308 (every piece above is escaped)


def _matches(word: str, stems, language: str) -> bool:
    stem = word_stem(word, language)
    return any(stem.startswith(query_stem) for query_stem in stems)


def passage_from_texts(texts, stems, language: str = DEFAULT_STEMMER_LANGUAGE) -> str:
    """The first text with a word a query stem matches, cut around that word, with every matching word marked."""
    for text in filter(None, texts):
        matching = (word.start() for word in WORD.finditer(text) if _matches(word.group(0), stems, language))
        position = next(matching, None)
        if position is None:
            continue
        start, end = _window(text, position)
        excerpt = ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")
        return _mark_words(excerpt, stems, language)
    return ""


def _window(text: str, position: int) -> tuple[int, int]:
    start = max(position - PASSAGE_CONTEXT_BEFORE, 0)
    end = min(position + PASSAGE_CONTEXT_AFTER, len(text))
    if start > 0 and (space := text.find(" ", start, position)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", position, end)) > position:
        end = space
    return start, end


def _mark_words(text: str, stems, language: str) -> str:
    def mark(match):
        word = match.group(0)
        return f"{START_SEL}{word}{STOP_SEL}" if _matches(word, stems, language) else word

    return WORD.sub(mark, text.replace(START_SEL, "").replace(STOP_SEL, ""))
