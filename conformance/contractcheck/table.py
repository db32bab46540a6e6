"""A plain-text table for the terminal: fixed columns, long cells cut with an ellipsis.

No colours and no box-drawing characters, so the output reads the same in a CI log, a
Windows console and a pipe.
"""

from __future__ import annotations

from collections.abc import Sequence

ELLIPSIS = "..."


def _cell(value: object, width: int) -> str:
    text = "-" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: max(width - len(ELLIPSIS), 1)] + ELLIPSIS


def render_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    max_widths: Sequence[int] | None = None,
) -> str:
    """Render ``rows`` under ``headers``; ``max_widths`` caps each column (default 60)."""
    limits = list(max_widths or []) + [60] * (len(headers) - len(max_widths or []))
    cells = [[_cell(v, limits[i]) for i, v in enumerate(row)] for row in rows]
    widths = [
        max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


__all__ = ["render_table"]
