"""The report's pictures, as geometry: everything an SVG needs (positions, sizes, labels) is
computed here, and the templates ``timing.svg.j2`` and ``bars.svg.j2`` only draw it, so the
plots are inline SVG with no script, no font download and no plotting library.

- Response times: one row per operation, a histogram strip of its sampled response times on
  a shared logarithmic axis, with the median and the 95th percentile marked
  (``results["requests"]["by_operation"]``).
- Input mix: one bar chart per dimension of what generation produced: body lengths,
  character classes, operations, sLevel, sendNotification, attachments, session kinds
  (``results["generated"]``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

SUBJECTS = ("addMessage", "addMessage2", "addMessage3")
BINS = 48


@dataclass
class Axis:
    """A log10 axis from ``low`` to ``high`` milliseconds over ``[left, left + width]``."""

    low: float
    high: float
    left: float
    width: float

    def x(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        span = math.log10(self.high) - math.log10(self.low)
        return round(self.left + (math.log10(value) - math.log10(self.low)) / span
                     * self.width, 1)

    def ticks(self) -> list[tuple[float, str]]:
        out = []
        for exponent in range(math.floor(math.log10(self.low)),
                              math.ceil(math.log10(self.high)) + 1):
            for step in (1, 2, 5):
                value = step * 10.0 ** exponent
                if self.low <= value <= self.high:
                    out.append((self.x(value), f"{value:g}"))
        return out


@dataclass
class TimingRow:
    operation: str
    y: float
    count: int
    median_ms: float
    p95_ms: float
    x_median: float
    x_p95: float
    bars: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, height


@dataclass
class TimingPlot:
    width: int
    height: int
    axis: Axis
    rows: list[TimingRow]
    ticks: list[tuple[float, str]]
    top: int
    bottom: float
    row_height: int
    bin_width: float


def _order(operation: str) -> tuple[int, str]:
    base = operation.partition(":")[0]
    return (0 if operation in SUBJECTS else 1 if base in SUBJECTS else 2), operation


def timing_plot(by_operation: dict[str, dict[str, Any]], width: int = 620,
                row_height: int = 15) -> TimingPlot | None:
    """The response-time plot, or None when the run sent no request."""
    stats = {op: s for op, s in by_operation.items() if s.get("samples_ms")}
    if not stats:
        return None
    values = [v for s in stats.values() for v in [*s["samples_ms"], s.get("max_ms", 0)] if v > 0]
    low = 10 ** math.floor(math.log10(min(values) if values else 1.0))
    high = 10 ** math.ceil(math.log10(max(values) if values else 10.0))
    top = 26
    axis = Axis(low, high if high > low else low * 10, 200, width - 200 - 112)
    rows = []
    for index, operation in enumerate(sorted(stats, key=_order)):
        s = stats[operation]
        y = top + index * row_height + row_height / 2
        rows.append(TimingRow(operation, y, int(s.get("count", len(s["samples_ms"]))),
                              s.get("median_ms", 0.0), s.get("p95_ms", 0.0),
                              axis.x(s.get("median_ms", low)), axis.x(s.get("p95_ms", low)),
                              _histogram(s["samples_ms"], axis, y, row_height - 4)))
    bottom = top + len(rows) * row_height
    return TimingPlot(width, int(bottom + 30), axis, rows, axis.ticks(), top, bottom,
                      row_height, round(axis.width / BINS, 2))


def _histogram(samples: list[float], axis: Axis, y: float, height: float
               ) -> list[tuple[float, float, float]]:
    counts = [0] * BINS
    for value in samples:
        position = (axis.x(value) - axis.left) / axis.width
        counts[min(BINS - 1, int(position * BINS))] += 1
    peak = max(counts) or 1
    step = axis.width / BINS
    bars = []
    for index, count in enumerate(counts):
        if count:
            bar = max(1.5, height * count / peak)
            bars.append((round(axis.left + index * step, 1), round(y - bar / 2, 1),
                         round(bar, 1)))
    return bars


MIX_TITLES = {
    "variant": "operation",
    "body_length": "body length (characters)",
    "body_characters": "character classes in bodies",
    "slevel": "sLevel",
    "notify": "sendNotification",
    "attachments": "attachments per call",
    "session": "session key",
}
LENGTH_ORDER = ("0", "1-10", "11-100", "101-1000", ">1000")


@dataclass
class Bar:
    label: str
    count: int
    y: float
    width: float


@dataclass
class BarChart:
    key: str
    title: str
    total: int
    width: int
    height: int
    label_width: int
    bars: list[Bar]


def _sorted_items(key: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    items = list(counts.items())
    if key == "body_length":
        return sorted(items, key=lambda kv: LENGTH_ORDER.index(kv[0])
                      if kv[0] in LENGTH_ORDER else len(LENGTH_ORDER))
    if key in ("attachments", "slevel"):
        return sorted(items, key=lambda kv: (not kv[0].isdigit(),
                                             int(kv[0]) if kv[0].isdigit() else 0, kv[0]))
    return sorted(items, key=lambda kv: (-kv[1], kv[0]))


def mix_charts(generated: dict[str, dict[str, int]], width: int = 280,
               bar_height: int = 13) -> list[BarChart]:
    """One bar chart per dimension of the generated inputs, known dimensions first."""
    keys = [k for k in MIX_TITLES if k in generated] + sorted(set(generated) - set(MIX_TITLES))
    charts = []
    label_width, count_width = 100, 44
    span = width - label_width - count_width
    for key in keys:
        items = _sorted_items(key, {str(k): int(v) for k, v in generated[key].items()})
        if not items:
            continue
        peak = max(n for _, n in items) or 1
        bars = [Bar(label if label != "" else "(empty)", n, 22 + i * bar_height,
                    round(max(1.0, span * n / peak), 1)) for i, (label, n) in enumerate(items)]
        charts.append(BarChart(key, MIX_TITLES.get(key, key.replace("_", " ")),
                               sum(n for _, n in items), width,
                               26 + len(bars) * bar_height, label_width, bars))
    return charts


__all__ = ["Axis", "BarChart", "TimingPlot", "mix_charts", "timing_plot"]
