import datetime

import pytest

from metrics import charts
from metrics.aggregation import PeriodFigure
from metrics.models import MetricKind


def _month(start, label, total):
    return PeriodFigure(total=total, weight=1, parts=0, kind=MetricKind.ADDITIVE, period_start=start, label=label)


def test_bar_chart_scales_the_largest_bar_to_the_plot_height():
    totals = [
        _month(datetime.date(2024, 1, 1), "2024-01", 50),
        _month(datetime.date(2024, 2, 1), "2024-02", 100),
    ]

    chart = charts.bar_chart(totals, height=240)

    assert chart.bars[1].height == chart.plot_bottom - chart.plot_top
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)
    assert [value for _, value in chart.ticks] == [0, 50, 100]
