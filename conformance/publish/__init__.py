"""Publishing a run beyond the report: W3C EARL in JSON-LD (:mod:`.earl`), an SVG badge
(:mod:`.badge`) and a Markdown summary (:mod:`.summary`), each derived from a results.json
document alone. :func:`write_beside` writes all three next to a results.json; every run of
the suite does so (``results.earl.jsonld``, ``badge.svg``, ``summary.md``), and
``conformance earl|badge|summary RESULTS`` does it again from a kept results file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EARL_NAME, BADGE_NAME, SUMMARY_NAME = "results.earl.jsonld", "badge.svg", "summary.md"
OUTPUT_NAMES = (EARL_NAME, BADGE_NAME, SUMMARY_NAME)


def read_results(path: Path) -> dict[str, Any]:
    """A results.json, checked for its shape and scrubbed of known secrets (raises
    :class:`conformance.report.ReportError` with one readable line)."""
    from conformance.report import load_results
    from conformance.report.redact import known_secrets, scrub_deep

    data, _raw = load_results(Path(path))
    clean: dict[str, Any] = scrub_deep(data, known_secrets())[0]
    return clean


def write_beside(results_path: Path, results: dict[str, Any] | None = None) -> list[Path]:
    """EARL, badge and summary written beside ``results_path``; returns their paths."""
    from conformance.publish.badge import write_badge
    from conformance.publish.earl import write_earl
    from conformance.publish.summary import write_summary

    results_path = Path(results_path)
    data = results if results is not None else read_results(results_path)
    folder = results_path.parent
    return [write_earl(data, folder / EARL_NAME), write_badge(data, folder / BADGE_NAME),
            write_summary(data, folder / SUMMARY_NAME, "report.html")]


__all__ = ["OUTPUT_NAMES", "read_results", "write_beside"]
