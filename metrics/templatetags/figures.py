"""How a page writes a statistic's value: `{{ total.value|figure:metric }}`."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

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


def _shown(value) -> str:
    """A value as `{{ value }}` writes it: localized, then escaped."""
    return conditional_escape(localize(value))


@register.simple_tag
def bar_chart_marks(chart, metric):
    """The value axis, bars and event markers of a bar chart's SVG, with the markup the template loops wrote.
    A weekly page draws two charts of 26 bars: through the template language their loops were
    a fifth of a statistics page's rendering on a cache miss (benchmarks/README.md, "Load").
    metrics/tests/test_chart_markup.py compares this with the template loops it replaces.
    """
    plot_left, tick_x = _shown(chart.plot_left), _shown(chart.plot_left - 6)
    label_y, plot_bottom, width = _shown(chart.plot_bottom + 18), _shown(chart.plot_bottom), _shown(chart.width)
    ticks = []
    for y, value in chart.ticks:
        y = conditional_escape(f"{y}")
        ticks.append(
            f'<line stroke="#6b6b6b" stroke-width="1" x1="{plot_left}" x2="{width}" y1="{y}" y2="{y}"></line>\n    '
            f'<text fill="#1b1b1b" font-size="12" x="{tick_x}" y="{y}" text-anchor="end" dominant-baseline="middle">'
            f"{conditional_escape(intcomma(value))}</text>"
        )
    incomplete = conditional_escape(gettext("incomplete period"))
    bars = []
    for bar in chart.bars:
        label = conditional_escape(bar.label)
        look = 'fill="#8fb3d9" stroke="#0a4f8f" stroke-dasharray="4 2"' if bar.incomplete else 'fill="#0a4f8f"'
        bars.append(
            f'<rect {look} x="{conditional_escape(f"{bar.x}")}" y="{conditional_escape(f"{bar.y}")}" '
            f'width="{conditional_escape(f"{bar.width}")}" height="{conditional_escape(f"{bar.height}")}">'
            f"<title>{label}: {conditional_escape(figure(bar.value, metric))}"
            f"{f' ({incomplete})' if bar.incomplete else ''}</title></rect>\n    "
        )
        if bar.show_label:
            bars.append(
                f'<text fill="#1b1b1b" font-size="12" x="{conditional_escape(f"{bar.label_x}")}" y="{label_y}" '
                f'text-anchor="{conditional_escape(bar.label_anchor)}">{label}{"*" if bar.incomplete else ""}</text>'
            )
    markers = []
    for marker in chart.markers:
        x = conditional_escape(f"{marker.x}")
        markers.append(
            f'<line stroke="#8a1c1c" stroke-width="2" stroke-dasharray="5 3" x1="{x}" x2="{x}" '
            f'y1="{_shown(marker.label_y + 2)}" y2="{plot_bottom}"></line>\n    <text fill="#8a1c1c" font-size="11" '
            f'x="{x}" y="{conditional_escape(f"{marker.label_y}")}" text-anchor="{conditional_escape(marker.anchor)}">'
            f"{conditional_escape(marker.text)}</text>"
        )
    return mark_safe("\n    ".join("".join(group) for group in (ticks, bars, markers)))  # noqa: S308 (escaped above)
