"""The file contract: the columns a usage statistics file has, and the rules its values follow.

What a file producer must know (docs/statistics-files.md, "The columns") is written here
once: the column names and the headers that name them; how a cell's text is compared
(`normalise`) and quoted in an error message (`quoted`); the digits and decimals a value
may have, how a count and a score are read and the scale a score must lie in; how many
responses a row may give; and the messages that refuse a value. The statistics side reads
the columns (an export writes an import file's columns) and the value rules (the model's
check of a figure) from here: the one module of the importer it may import (`.importlinter`).

Two rules live beside it: a period's formats in `metrics/periods.py` (the pages read the
same periods from their addresses), and the codes and names a county, service area,
content or metric may be given by in `metrics/importing/references.py` (they are read
from the database).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

NEGATIVE_VALUE = _("The value “{value}” is negative: it must be zero or more.")
NOT_AN_INTEGER = _("The value “{value}” is not a whole number.")
VALUE_TOO_LARGE = _("The value “{value}” is too large.")
COUNT_WITH_DECIMALS = _("The value “{value}” has decimals, but “{metric}” is a count: write a whole number.")
NOT_A_SCORE = _("The score “{value}” is not a number: write it as 4, 4.3 or 4,3.")
SCORE_TOO_PRECISE = _("The score “{value}” has more than two decimals: round it to two.")
SCORE_OUT_OF_SCALE = _("The score “{value}” is outside the scale {low} to {high} of “{metric}”.")
RESPONSES_TOO_LARGE = _("The number of responses “{value}” is too large.")

# Canonical column names and the headers that name them (compared case-insensitively,
# spaces and hyphens read as underscores).
COLUMNS = ("county", "service_area", "module", "metric", "period_type", "period", "value")
REQUIRED_COLUMNS = ("county", "module", "metric", "period_type", "period", "value")
# Optional: how many answers a score's value is the mean of. A file without it imports as before.
RESPONSES_COLUMN = "responses"
HEADER_ALIASES = {
    "county": "county",
    "hyvinvointialue": "county",
    "välfärdsområde": "county",
    "service_area": "service_area",
    "palvelualue": "service_area",
    "toimialue": "service_area",
    "module": "module",
    "content": "module",
    "sisältö": "module",
    "sisalto": "module",
    "metric": "metric",
    "mittari": "metric",
    "period_type": "period_type",
    "jaksotyyppi": "period_type",
    "period": "period",
    "jakso": "period",
    "value": "value",
    "määrä": "value",
    "maara": "value",
    "responses": "responses",
    "vastauksia": "responses",
    "vastaukset": "responses",
    "svar": "responses",
}

# A value has at most VALUE_DIGITS digits before the decimal point and VALUE_DECIMALS after it
# (the column is numeric(17, 2)). Django reads a decimal on SQLite through a float of 15
# significant digits, so a larger whole number would not read back exactly there.
VALUE_DIGITS = 15
VALUE_DECIMALS = 2
MAX_VALUE = 10**VALUE_DIGITS - 1
MAX_VALUE_DIGITS = VALUE_DIGITS
# Cell text quoted in an error message is cut to this many characters, so that a file
# of huge cells cannot make a huge error report.
MAX_QUOTED_CHARS = 50
# The largest number of responses a row may give (the column is a 32-bit integer).
MAX_RESPONSES = 2**31 - 1

_GROUPED_INTEGER = re.compile(r"\d{1,3}(?: \d{3})+")
_NUMBER = re.compile(r"[+-]?\d[\d ]*(?:[.,]\d*)?|[+-]?[.,]\d+")
# A score: an optional minus, digits, then a decimal dot or comma and its decimals.
_DECIMAL = re.compile(r"(-?)([0-9]+)(?:[.,]([0-9]+))?")
# Spaces Excel and Finnish locales put between thousands; the minus sign (U+2212) Finnish number formats write.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2212": "-"})


def normalise(text: str) -> str:
    """Case-folded text with surrounding and repeated whitespace removed."""
    return " ".join(text.translate(_SPACES).split()).casefold()


def quoted(text: str) -> str:
    """Cell text as an error message quotes it: cut to its first characters, NUL made visible.

    PostgreSQL cannot store a NUL character in the error report (jsonb).
    """
    if len(text) > MAX_QUOTED_CHARS:
        text = text[:MAX_QUOTED_CHARS] + "…"
    return text.replace("\x00", "\ufffd")


def value_parse(raw: str) -> int | str:
    """A non-negative integer (spaces allowed between thousands), or an error message."""
    text = raw.translate(_SPACES).strip()
    if text.isascii() and text.isdigit():
        digits = text
    elif _GROUPED_INTEGER.fullmatch(text):
        digits = text.replace(" ", "")
    elif _NUMBER.fullmatch(text) and text.startswith("-"):
        return str(NEGATIVE_VALUE).format(value=quoted(text))
    else:
        return str(NOT_AN_INTEGER).format(value=quoted(text))
    # Checked before int(): Python refuses to convert more than 4,300 digits.
    if len(digits.lstrip("0")) > MAX_VALUE_DIGITS or int(digits) > MAX_VALUE:
        return str(VALUE_TOO_LARGE).format(value=quoted(text))
    return int(digits)


def score_parse(raw: str, *, negative: bool = False) -> Decimal | str:
    """A number of at most two decimals, after a dot or a decimal comma (4.3, 4,3), or an error message.

    Below zero (−12,5) only with `negative`, for a score whose scale is (NPS).
    """
    text = raw.translate(_SPACES).strip()
    match = _DECIMAL.fullmatch(text)
    if match is None:
        if _NUMBER.fullmatch(text) and text.startswith("-"):
            return str(NEGATIVE_VALUE).format(value=quoted(text))
        return str(NOT_A_SCORE).format(value=quoted(text))
    sign, digits, decimals = match.groups()
    if decimals is not None and len(decimals) > VALUE_DECIMALS:
        return str(SCORE_TOO_PRECISE).format(value=quoted(text))
    if len(digits.lstrip("0")) > MAX_VALUE_DIGITS:
        return str(VALUE_TOO_LARGE).format(value=quoted(text))
    value = Decimal(f"{sign}{digits}.{decimals or 0}")
    if value < 0 and not negative:
        return str(NEGATIVE_VALUE).format(value=quoted(text))
    return value


def score_in_scale(value, low: int | None, high: int | None) -> bool:
    """Whether a score lies within the scale `low`–`high` of its metric; an empty bound does not bound it."""
    return (low is None or value >= low) and (high is None or value <= high)
