import datetime

import pytest

from metrics import charts
from metrics.trends import PeriodTotal


def test_bar_chart_scales_the_largest_bar_to_the_plot_height():
    totals = [
        PeriodTotal(datetime.date(2024, 1, 1), "2024-01", 50),
        PeriodTotal(datetime.date(2024, 2, 1), "2024-02", 100),
    ]

    chart = charts.bar_chart(totals, height=240)

    assert chart.bars[1].height == chart.plot_bottom - chart.plot_top
    assert chart.bars[0].height == pytest.approx(chart.bars[1].height / 2, abs=0.1)
    assert [value for _, value in chart.ticks] == [0, 50, 100]
