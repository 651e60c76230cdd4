"""How a page writes a statistic's value: `{{ total.value|figure:metric }}`."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

register = template.Library()

NO_FIGURE = "–"


@register.filter
def figure(value, metric) -> str:
    """A value in the reader's language: a count whole, thousands grouped (12 345); a score with one
    decimal (4,3 in Finnish and Swedish, 4.3 in English); a dash for no figure."""
    if value is None or value == "":
        return NO_FIGURE
    if getattr(metric, "is_score", False):
        return floatformat(value, 1)
    return intcomma(value)


@register.filter
def any_of(rows, attribute: str) -> bool:
    """Whether any of `rows` has a true `attribute` (dotted for a nested one: "figure.from_parts")."""
    for row in rows:
        value = row
        for name in attribute.split("."):
            value = getattr(value, name, None)
        if value:
            return True
    return False
