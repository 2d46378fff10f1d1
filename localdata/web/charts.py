"""Bar charts drawn on the server as SVG, each with a table that says the same thing.

A chart is data (``BarChart``); ``components/chart.html`` draws it. Bars may be stacked from
several series (issues by severity). The SVG has a ``<title>`` and ``<desc>`` and is hidden from
screen readers in favour of the table beside it, so nobody needs to see the chart to get the
figures, and nothing needs JavaScript.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

WIDTH = 640
HEIGHT = 240
LEFT = 48  # room for the value axis labels
BOTTOM = 40  # room for the category labels
TOP = 12


@dataclass(frozen=True)
class Segment:
    """One series' part of one bar, placed in the SVG's coordinates."""

    series: str
    tone: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Bar:
    """One category: its label, its segments and where its label goes."""

    label: str
    total: int
    segments: tuple[Segment, ...]
    label_x: float
    show_label: bool


@dataclass(frozen=True)
class BarChart:
    """A bar chart ready to draw, with the figures for its table."""

    title: str
    description: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[int, float], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def bar_chart(
    title: str,
    description: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    tones: Sequence[str] = ("blue", "red", "orange", "grey"),
) -> BarChart:
    """A chart of ``series`` (name -> one value per category), stacked in the order given.

    ``tones`` colour the series in turn (see ``.app-chart__bar--*`` in ``localdata.css``).
    """
    totals = [sum(values[i] for values in series.values()) for i in range(len(categories))]
    top = _nice_ceiling(max(totals, default=0))
    plot_height = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / max(len(categories), 1)
    every = max(1, math.ceil(len(categories) / 6))
    bars = []
    for i, label in enumerate(categories):
        x = LEFT + i * slot + slot * 0.15
        base = float(HEIGHT - BOTTOM)
        segments = []
        for (name, values), tone in zip(series.items(), tones, strict=False):
            height = plot_height * values[i] / top if top else 0
            base -= height
            segments.append(Segment(name, tone, values[i], x, base, slot * 0.7, height))
        bars.append(Bar(label, totals[i], tuple(segments), x + slot * 0.35, i % every == 0))
    ticks = tuple((v, HEIGHT - BOTTOM - plot_height * v / top) for v in _ticks(top)) if top else ()
    return BarChart(title, description, tuple(series), tuple(bars), ticks)


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to and including ``today``'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def month_label(month: dt.date) -> str:
    """A short month label: Mar 2024."""
    return f"{month:%b %Y}"


def cumulative_by_month(firsts: Iterable[dt.datetime], months: Sequence[dt.date]) -> list[int]:
    """How many of the ``firsts`` moments fall on or before the end of each month."""
    dates = sorted(moment.date() for moment in firsts)
    counts = []
    for month in months:
        end = _next_month(month)
        counts.append(sum(1 for d in dates if d < end))
    return counts


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _nice_ceiling(value: int) -> int:
    if value <= 0:
        return 0
    step = 1
    while step * 10 < value:
        step *= 10
    for multiple in (1, 2, 5, 10):
        if step * multiple >= value:
            return step * multiple
    return step * 10


def _ticks(top: int) -> list[int]:
    step = max(1, top // 5) if top % 5 == 0 else max(1, top // 4)
    return list(range(0, top + 1, step))
