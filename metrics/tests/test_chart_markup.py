"""The bar chart's axis, bars and markers rendered in Python (`bar_chart_marks`) are the template loops' markup."""

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from metrics import charts
from metrics.aggregation import PeriodFigure
from metrics.models import MetricKind

# The loops of templates/includes/bar_chart_svg.html before `bar_chart_marks` replaced them.
TEMPLATE_LOOPS = (
    "{% load i18n humanize figures %}"
    """    {% for y, value in chart.ticks %}<line stroke="#6b6b6b" stroke-width="1" x1="{{ chart.plot_left }}" x2="{{ chart.width }}" y1="{{ y|stringformat:'s' }}" y2="{{ y|stringformat:'s' }}"></line>
    <text fill="#1b1b1b" font-size="12" x="{{ chart.plot_left|add:'-6' }}" y="{{ y|stringformat:'s' }}" text-anchor="end" dominant-baseline="middle">{{ value|intcomma }}</text>{% endfor %}
    {% for bar in chart.bars %}<rect fill="{% if bar.incomplete %}#8fb3d9{% else %}#0a4f8f{% endif %}"{% if bar.incomplete %} stroke="#0a4f8f" stroke-dasharray="4 2"{% endif %} x="{{ bar.x|stringformat:'s' }}" y="{{ bar.y|stringformat:'s' }}" width="{{ bar.width|stringformat:'s' }}" height="{{ bar.height|stringformat:'s' }}"><title>{{ bar.label }}: {{ bar.value|figure:metric }}{% if bar.incomplete %} ({% translate "incomplete period" %}){% endif %}</title></rect>
    {% if bar.show_label %}<text fill="#1b1b1b" font-size="12" x="{{ bar.label_x|stringformat:'s' }}" y="{{ chart.plot_bottom|add:'18' }}" text-anchor="{{ bar.label_anchor }}">{{ bar.label }}{% if bar.incomplete %}*{% endif %}</text>{% endif %}{% endfor %}
    {% for marker in chart.markers %}<line stroke="#8a1c1c" stroke-width="2" stroke-dasharray="5 3" x1="{{ marker.x|stringformat:'s' }}" x2="{{ marker.x|stringformat:'s' }}" y1="{{ marker.label_y|add:'2' }}" y2="{{ chart.plot_bottom }}"></line>
    <text fill="#8a1c1c" font-size="11" x="{{ marker.x|stringformat:'s' }}" y="{{ marker.label_y|stringformat:'s' }}" text-anchor="{{ marker.anchor }}">{{ marker.text }}</text>{% endfor %}"""  # noqa: E501
)
TAG = "{% load figures %}    {% bar_chart_marks chart metric %}"

COUNT = SimpleNamespace(is_score=False)
SCORE = SimpleNamespace(is_score=True)


def _weeks(values, *, kind=MetricKind.ADDITIVE, incomplete_last=True):
    first = datetime.date(2024, 1, 1)
    return [
        PeriodFigure(
            total=value,
            weight=1,
            parts=0,
            kind=kind,
            period_start=first + datetime.timedelta(weeks=index),
            label=f"2024-W{index + 1:02d}",
            incomplete=incomplete_last and index == len(values) - 1,
        )
        for index, value in enumerate(values)
    ]


def _rendered(source, chart, metric):
    return Template(source).render(Context({"chart": chart, "metric": metric}))


CHARTS = {
    "26 weeks of counts, the last incomplete": (_weeks([1234 + 37 * n for n in range(26)]), {}, COUNT),
    "a score on its scale": (_weeks([3.25, 4.5, None, 2.75], kind=MetricKind.SCORE), {"scale_max": 5}, SCORE),
    "narrow, with rollout events": (
        _weeks([0, 12, 250_000, 7], incomplete_last=False),
        {
            "width": charts.NARROW_WIDTH,
            "events": [
                charts.ChartEvent(datetime.date(2024, 1, 8), "Go-live: Sore throat & <cough>"),
                charts.ChartEvent(datetime.date(2024, 1, 22), "End of use: Kidney stones"),
            ],
        },
        COUNT,
    ),
    "no figures": ([], {}, COUNT),
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("name", CHARTS)
def test_the_marks_are_the_markup_of_the_template_loops(name, language):
    totals, options, metric = CHARTS[name]
    chart = charts.bar_chart(totals, **options)

    with translation.override(language):
        assert _rendered(TAG, chart, metric) == _rendered(TEMPLATE_LOOPS, chart, metric)


def test_an_incomplete_bar_is_dashed_and_named_incomplete_in_its_title():
    chart = charts.bar_chart(_weeks([10, 20]))

    with translation.override("en"):
        marks = _rendered(TAG, chart, COUNT)

    # Two slots of (760 - 56 - 8) / 2 = 348 units, each bar 0.8 of its slot; the axis runs to 20 over 208 units.
    assert (
        '<rect fill="#0a4f8f" x="90.8" y="116.0" width="278.4" height="104.0"><title>2024-W01: 10</title></rect>'
    ) in marks
    assert (
        '<rect fill="#8fb3d9" stroke="#0a4f8f" stroke-dasharray="4 2" x="438.8" y="12.0" width="278.4" height="208.0">'
        "<title>2024-W02: 20 (incomplete period)</title></rect>"
    ) in marks
    assert 'text-anchor="end">2024-W02*</text>' in marks
