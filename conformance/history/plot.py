"""The history plot as geometry (positions, labels), drawn by ``history.svg.j2`` as inline
SVG with no script or plotting library, like the report's plots: three panels over the same
run axis: checks passed (with failed MUST checks), advisory findings, p95 latency (ms)."""

from __future__ import annotations

from dataclasses import dataclass

from conformance.history.runs import RunPoint

PANEL_HEIGHT = 90
GAP = 34
LEFT, RIGHT, TOP = 84, 20, 24


@dataclass
class Series:
    name: str
    css: str
    points: list[tuple[float, float, str]]  # x, y, label of the value

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x},{y}" for i, (x, y, _) in
                        enumerate(self.points))


@dataclass
class Panel:
    title: str
    top: float
    bottom: float
    high: float
    unit: str
    series: list[Series]


@dataclass
class HistoryPlot:
    width: int
    height: int
    left: float
    right: float
    panels: list[Panel]
    ticks: list[tuple[float, str]]  # x, run label


def _x(index: int, count: int, left: float, right: float) -> float:
    return round(left + (right - left) * (index / (count - 1) if count > 1 else 0.5), 1)


def _panel(title: str, unit: str, top: float, xs: list[float],
           named: list[tuple[str, str, list[float | None]]]) -> Panel:
    values = [v for _n, _c, vs in named for v in vs if v is not None]
    high = max(values) if values and max(values) > 0 else 1.0
    bottom = top + PANEL_HEIGHT
    series = []
    for name, css, vs in named:
        points = [(x, round(bottom - (v / high) * PANEL_HEIGHT, 1), f"{v:g}")
                  for x, v in zip(xs, vs, strict=True) if v is not None]
        series.append(Series(name, css, points))
    return Panel(title, top, bottom, high, unit, series)


def history_plot(points: list[RunPoint], width: int = 760) -> HistoryPlot:
    right = width - RIGHT
    xs = [_x(i, len(points), LEFT, right) for i in range(len(points))]
    specs: list[tuple[str, str, list[tuple[str, str, list[float | None]]]]] = [
        ("checks passed", "", [("passed", "passed", [float(p.passed) for p in points]),
                               ("failed", "failed", [float(p.failed) for p in points])]),
        ("advisory findings", "", [("advisory", "advisory",
                                    [float(p.advisory) for p in points])]),
        ("p95 latency, addMessage family", "ms", [("p95", "latency",
                                                   [p.p95_ms for p in points])]),
    ]
    panels = [_panel(title, unit, TOP + i * (PANEL_HEIGHT + GAP), xs, named)
              for i, (title, unit, named) in enumerate(specs)]
    ticks = [(x, str(i + 1)) for i, x in enumerate(xs)]
    return HistoryPlot(width, int(panels[-1].bottom + 30), LEFT, right, panels, ticks)
