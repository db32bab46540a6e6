"""What the report shows of a run's contract coverage (results.json ``coverage``): the
sentence ("the run reached 94 % of the contract; not reached: ..."), one table row per kind
of item, and the geometry of the figure (one bar per kind, reached against total). Plain
data for ``coverage.html.j2``; no markup is built here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KIND_LABELS = {"operation": "operations called", "element": "input elements sent",
               "value": "values (booleans, enumerations, documented values)",
               "occurs": "list occurrences (0, 1, many)", "facet": "facet boundaries",
               "limit": "size limits passed", "error": "documented error codes returned"}
BAR_WIDTH, ROW_HEIGHT, LABEL_WIDTH = 300, 18, 230
MAX_LISTED = 40


@dataclass
class KindRow:
    kind: str
    label: str
    reached: int
    total: int
    percent: float
    y: int
    width_total: int
    width_reached: int
    not_reached: list[str]


def coverage(results: dict[str, Any]) -> dict[str, Any] | None:
    data = results.get("coverage")
    if not data:
        return None
    missing: dict[str, list[str]] = {}
    for entry in data.get("not_reached") or []:
        missing.setdefault(str(entry.get("kind")), []).append(str(entry.get("item")))
    rows = []
    for n, (kind, counts) in enumerate((data.get("kinds") or {}).items()):
        total, reached = int(counts.get("total") or 0), int(counts.get("reached") or 0)
        rows.append(KindRow(kind, KIND_LABELS.get(kind, kind), reached, total,
                            round(100.0 * reached / total, 1) if total else 100.0,
                            n * ROW_HEIGHT + 4, BAR_WIDTH,
                            round(BAR_WIDTH * reached / total) if total else BAR_WIDTH,
                            missing.get(kind, [])))
    not_reached = [f"{e.get('item')}" for e in data.get("not_reached") or []]
    return {
        "percent": data.get("percent"), "reached": data.get("reached"),
        "total": data.get("total"), "rows": rows,
        "not_reached": not_reached[:MAX_LISTED],
        "not_reached_left_off": max(0, len(not_reached) - MAX_LISTED),
        "codes": data.get("error_codes_returned") or {},
        "width": LABEL_WIDTH + BAR_WIDTH + 80, "height": len(rows) * ROW_HEIGHT + 8,
        "label_width": LABEL_WIDTH,
    }
