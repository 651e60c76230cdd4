"""Search words, the SQLite fallback's Finnish stems, and the matched passage shown with a result.

PostgreSQL searches with its full-text search (`ProcessDescriptionQuerySet.search`); other
databases (SQLite) fall back to `finnish_stem`: each word loses one common Finnish case or
plural ending, then its final vowels, then one consonant of a doubled k, p or t (consonant
gradation), never going below four letters ("-us" counts as an ending: kuvaus → kuv,
which kuvauksen, itself cut at "-ksen", contains); a description matches when every stem occurs,
as a substring, in one of its texts. "pilotti" and "pilotin" both become "pilot",
"palaute" and "palautteella" both "palaut", so either finds the other.

The passage is text with the matched words between `START_SEL` and `STOP_SEL`, two
private-use characters that never appear in what editors type; `passage_html` escapes
everything and turns only balanced pairs of them into `<mark>`.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

START_SEL = "\ue000"
STOP_SEL = "\ue001"
PASSAGE_FRAGMENT_DELIMITER = " … "

MIN_STEM_LENGTH = 4
# Longest first: one is stripped, so "-lla" wins over "-a".
FINNISH_ENDINGS = tuple(
    sorted(
        [
            "ssa",
            "ssä",
            "sta",
            "stä",
            "lla",
            "llä",
            "lta",
            "ltä",
            "lle",
            "ksi",
            "tta",
            "ttä",
            "seen",
            "siin",
            "hin",
            "han",
            "hen",
            "hon",
            "hun",
            "hyn",
            "hän",
            "hön",
            "ineen",
            "iden",
            "itten",
            "tten",
            "den",
            "jen",
            "ien",
            "ita",
            "itä",
            "ja",
            "jä",
            "na",
            "nä",
            "ta",
            "tä",
            "nen",
            "us",
            "ys",
            "os",
            "ös",
            "a",
            "ä",
            "n",
            "t",
            "ksen",
            "kset",
            "ksia",
            "ksiä",
            "kseen",
            "ksessa",
            "ksessä",
            "ksesta",
            "ksestä",
            "ksella",
            "ksellä",
            "kselle",
        ],
        key=len,
        reverse=True,
    )
)
VOWELS = set("aeiouyäö")
GRADATING_CONSONANTS = ("kk", "pp", "tt")

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKDOWN_MARKUP = re.compile(r"[*_`#]+")
WHITESPACE = re.compile(r"\s+")
PASSAGE_CONTEXT_BEFORE = 60
PASSAGE_CONTEXT_AFTER = 140


def search_words(query: str) -> list[str]:
    """The words of a search, lower-case, without punctuation."""
    return re.findall(r"\w+", query.casefold())


def finnish_stem(word: str) -> str:
    """The part of a Finnish word that its inflected forms share (see the module docstring)."""
    stem = word.casefold()
    for ending in FINNISH_ENDINGS:
        if stem.endswith(ending) and len(stem) - len(ending) >= MIN_STEM_LENGTH:
            stem = stem[: -len(ending)]
            break
    while len(stem) > MIN_STEM_LENGTH and stem[-1] in VOWELS:
        stem = stem[:-1]
    if len(stem) > MIN_STEM_LENGTH and stem.endswith(GRADATING_CONSONANTS):
        stem = stem[:-1]
    return stem


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


def passage_from_texts(texts, stems) -> str:
    """The first text that contains a stem, cut around the match, with every matching word marked."""
    for text in texts:
        folded = text.casefold()
        positions = [position for stem in stems if (position := folded.find(stem)) >= 0]
        if not positions:
            continue
        start, end = _window(text, min(positions))
        excerpt = ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")
        return _mark_words(excerpt, stems)
    return ""


def _window(text: str, position: int) -> tuple[int, int]:
    start = max(position - PASSAGE_CONTEXT_BEFORE, 0)
    end = min(position + PASSAGE_CONTEXT_AFTER, len(text))
    if start > 0 and (space := text.find(" ", start, position)) >= 0:
        start = space + 1
    if end < len(text) and (space := text.rfind(" ", position, end)) > position:
        end = space
    return start, end


def _mark_words(text: str, stems) -> str:
    def mark(match):
        word = match.group(0)
        folded = word.casefold()
        return f"{START_SEL}{word}{STOP_SEL}" if any(stem in folded for stem in stems) else word

    return re.sub(r"\w+", mark, text.replace(START_SEL, "").replace(STOP_SEL, ""))
