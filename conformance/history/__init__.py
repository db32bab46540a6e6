"""``conformance history DIR``: the results.json files of one target across time
(:mod:`.runs`) as one self-contained HTML page: a plot of checks passed, advisory findings
and p95 latency per run (:mod:`.plot`, inline SVG), and a table of the runs with what
changed between consecutive runs. Jinja2 with autoescaping; only results files are read."""

from __future__ import annotations

from pathlib import Path

import jinja2

from conformance.history.plot import history_plot
from conformance.history.runs import RunPoint, changes, collect

TEMPLATES = Path(__file__).with_name("templates")
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True,
                         undefined=jinja2.StrictUndefined)


class HistoryError(Exception):
    """Nothing to show: the folder is missing or holds no readable results.json."""


def history_page(points: list[RunPoint], folder: str, skipped: list[str]) -> str:
    diffs: list[list[str]] = [[]] + [changes(a, b)
                                     for a, b in zip(points, points[1:], strict=False)]
    return ENV.get_template("history.html.j2").render(
        points=points, changes=diffs, plot=history_plot(points), folder=folder,
        skipped=skipped, endpoints=list(dict.fromkeys(p.endpoint for p in points)))


def write_history(folder: Path, output: Path) -> tuple[Path, list[RunPoint], list[str]]:
    if not folder.is_dir():
        raise HistoryError(f"{folder} is not a folder")
    points, skipped = collect(folder)
    if not points:
        extra = f" ({len(skipped)} unreadable)" if skipped else ""
        raise HistoryError(f"no results.json of this suite under {folder}{extra}")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(history_page(points, str(folder), skipped), encoding="utf-8")
    return output, points, skipped


__all__ = ["HistoryError", "history_page", "write_history"]
