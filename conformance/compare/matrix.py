"""The comparison matrix: checks by targets, each cell a status (passed, failed, advisory,
skipped, error, or "not run" when that target's run did not run the check) with a link to
that target's evidence (its report.html, at the check's anchor), read from each target's
results.json alone. Rows in registry order of the checks any target ran; a row whose cells
differ is marked, since that is what a comparison is for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conformance.compare.execute import LOG_NAME, TargetRun
from conformance.publish.status import CELL_STATUSES, ERROR, cell_status, level, verdict_words
from conformance.report import ReportError, load_results

NOT_RUN = "not run"
EMBEDDED_LABEL = "embedded reference target"
SCHEMA_VERSION = 1


def check_anchor(check_id: str) -> str:
    """The id of a check's row in report.html (see report/templates/cells.html.j2)."""
    return f"check-{check_id}"


def target_column(run: TargetRun, base: Path) -> tuple[dict[str, Any], dict[str, Any] | None]:
    folder = run.report_dir.relative_to(base).as_posix()
    column: dict[str, Any] = {
        "name": run.spec.name,
        "endpoint": EMBEDDED_LABEL if run.spec.embedded else run.spec.endpoint,
        "faults": run.spec.faults,
        "exit_code": run.exit_code, "report": f"{folder}/report.html",
        "results": f"{folder}/results.json", "log": f"{folder}/{LOG_NAME}",
        "verdict": "error", "verdict_words": "error", "message": run.message,
        "contract_sha256": None, "classes": {}}
    results = None
    try:
        results, _raw = load_results(run.results_path)
    except ReportError as exc:
        column["message"] = run.message or str(exc)
    if results is not None:
        target = results.get("target") or {}
        column.update(verdict=str(results.get("verdict")), verdict_words=verdict_words(
            results), contract_sha256=results.get("contract_sha256"),
            classes={k: v.get("status") for k, v in (results.get("classes") or {}).items()},
            endpoint=EMBEDDED_LABEL if run.spec.embedded else target.get("endpoint"),
            message=run.message or str(results.get("aborted") or ""))
    if not (run.report_dir / "report.html").is_file():
        column["report"] = None
    if results is None:
        column["results"] = None
    return column, results


def build_matrix(runs: list[TargetRun], base: Path, seed: int, profile: str) -> dict[str, Any]:
    columns, records = [], {}
    for run in runs:
        column, results = target_column(run, base)
        columns.append(column)
        records[run.spec.name] = {str(c["id"]): c for c in (results or {}).get("checks") or []}
    order = _check_order([cid for by_id in records.values() for cid in by_id])
    rows = []
    for check_id in order:
        known = next(r[check_id] for r in records.values() if check_id in r)
        cells = {}
        for column in columns:
            record = records[column["name"]].get(check_id)
            cells[column["name"]] = cell(record, column, check_id)
        statuses = {c["status"] for c in cells.values()}
        rows.append({"id": check_id, "title": known.get("title") or "", "level": level(known),
                     "family": known.get("family") or "", "clause": known.get("clause") or "",
                     "cells": cells, "differs": len(statuses) > 1})
    return {"schema_version": SCHEMA_VERSION, "seed": seed, "profile": profile,
            "targets": columns, "checks": rows, "statuses": [*CELL_STATUSES, NOT_RUN],
            "counts": {c["name"]: _counts(rows, c["name"]) for c in columns},
            "differing": [r["id"] for r in rows if r["differs"]]}


def cell(record: dict[str, Any] | None, column: dict[str, Any], check_id: str
         ) -> dict[str, Any]:
    if record is None:
        status = ERROR if column["verdict"] == "error" and not column["classes"] else NOT_RUN
        return {"status": status, "link": column["report"] or column["log"],
                "message": column["message"]}
    failure = record.get("failure") or {}
    link = f"{column['report']}#{check_anchor(check_id)}" if column["report"] else (
        column["results"] or column["log"])
    return {"status": cell_status(record), "link": link, "examples": record.get("examples"),
            "message": str(failure.get("message") or record.get("reason") or "")[:300]}


def _counts(rows: list[dict[str, Any]], name: str) -> dict[str, int]:
    statuses = [r["cells"][name]["status"] for r in rows]
    return {s: statuses.count(s) for s in [*CELL_STATUSES, NOT_RUN] if statuses.count(s)}


def _check_order(ids: list[str]) -> list[str]:
    from conformance.suite.registry import all_checks

    seen = list(dict.fromkeys(ids))
    rank = {c.id: i for i, c in enumerate(all_checks())}
    return sorted(seen, key=lambda cid: (rank.get(cid, len(rank)), seen.index(cid)))
