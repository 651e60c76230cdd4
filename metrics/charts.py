"""Chart geometry: where the bars and axis ticks of an SVG chart go, for a template to draw."""

from dataclasses import dataclass

from metrics.trends import PeriodTotal


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    bars: list[ChartBar]
    ticks: list[tuple[float, int]]


def bar_chart(totals: list[PeriodTotal], *, width: int = 760, height: int = 260, max_labels: int = 12) -> BarChart:
    """Positions of the bars and the value axis for an SVG drawn by a template."""
    plot_left, plot_top, plot_bottom = 56, 12, height - 40
    plot_height = plot_bottom - plot_top
    largest = max((total.value for total in totals), default=0) or 1
    slot = (width - plot_left - 8) / max(len(totals), 1)
    label_every = max(1, -(-len(totals) // max_labels))
    bars = [
        ChartBar(
            x=round(plot_left + index * slot + slot * 0.1, 1),
            y=round(plot_bottom - total.value / largest * plot_height, 1),
            width=round(slot * 0.8, 1),
            height=round(total.value / largest * plot_height, 1),
            label=total.label,
            value=total.value,
            show_label=index % label_every == 0,
        )
        for index, total in enumerate(totals)
    ]
    ticks = [(round(plot_bottom - fraction * plot_height, 1), round(largest * fraction)) for fraction in (0, 0.5, 1)]
    return BarChart(width, height, plot_top, plot_bottom, plot_left, bars, ticks)
