"""The runs of one target across time, read from the results.json files under a folder:
per run its date, verdict, checks passed, failed MUST checks, advisory findings (failed
SHOULD checks) and the 95th percentile of the addMessage-family response times; and what
changed between consecutive runs (verdict, checks whose status changed, checks added or
removed, suite version, WSDL hash, p95)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.publish.status import ADVISORY, FAILED, PASSED, cell_status, verdict_words
from conformance.report import ReportError, load_results

SUBJECTS = ("addMessage", "addMessage2", "addMessage3")


@dataclass
class RunPoint:
    path: str
    started_at: str
    verdict: str
    verdict_words: str
    endpoint: str
    suite_version: str
    contract_sha256: str
    passed: int
    failed: int
    advisory: int
    total: int
    p95_ms: float | None
    statuses: dict[str, str] = field(default_factory=dict)


def p95(results: dict[str, Any]) -> float | None:
    """p95 over the sampled response times of the addMessage family (all operations when
    the run sent none); None when the run recorded no timing."""
    by_op = (results.get("requests") or {}).get("by_operation") or {}
    chosen = [s for op, s in by_op.items() if op.partition(":")[0] in SUBJECTS] or list(
        by_op.values())
    samples = sorted(float(v) for s in chosen for v in s.get("samples_ms") or [])
    if not samples:
        return None
    return round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 2)


def target_label(target: dict[str, Any]) -> str:
    """The endpoint; the embedded reference target (a new port each run) by name."""
    if target.get("embedded"):
        faults = target.get("faults") or []
        return "embedded reference target" + (f" (faults: {', '.join(faults)})"
                                               if faults else "")
    return str(target.get("endpoint") or "")


def point(path: Path, results: dict[str, Any], base: Path) -> RunPoint:
    statuses = {str(c["id"]): cell_status(c) for c in results.get("checks") or []}
    values = list(statuses.values())
    target = results.get("target") or {}
    return RunPoint(
        path=path.relative_to(base).as_posix(), started_at=str(results.get("started_at") or ""),
        verdict=str(results.get("verdict")), verdict_words=verdict_words(results),
        endpoint=target_label(target),
        suite_version=str(results.get("suite_version") or ""),
        contract_sha256=str(results.get("contract_sha256") or ""),
        passed=values.count(PASSED), failed=values.count(FAILED),
        advisory=values.count(ADVISORY), total=len(values), p95_ms=p95(results),
        statuses=statuses)


def collect(folder: Path) -> tuple[list[RunPoint], list[str]]:
    """The runs under ``folder`` in time order, and one line per file that was left out."""
    points, skipped = [], []
    for path in sorted(folder.rglob("results.json")):
        try:
            results, _raw = load_results(path)
        except ReportError as exc:
            skipped.append(str(exc))
            continue
        points.append(point(path, results, folder))
    points.sort(key=lambda p: (p.started_at, p.path))
    return points, skipped


def changes(before: RunPoint, after: RunPoint) -> list[str]:
    """What changed from one run to the next, in words."""
    out = []
    if before.verdict != after.verdict:
        out.append(f"verdict {before.verdict_words} → {after.verdict_words}")
    for check_id in sorted(set(before.statuses) | set(after.statuses)):
        old, new = before.statuses.get(check_id), after.statuses.get(check_id)
        if old == new:
            continue
        if old is None:
            out.append(f"{check_id} added ({new})")
        elif new is None:
            out.append(f"{check_id} removed (was {old})")
        else:
            out.append(f"{check_id} {old} → {new}")
    for label, old_value, new_value in (
            ("suite", before.suite_version, after.suite_version),
            ("WSDL SHA-256", before.contract_sha256[:12], after.contract_sha256[:12]),
            ("endpoint", before.endpoint, after.endpoint)):
        if old_value != new_value:
            out.append(f"{label} {old_value or '-'} → {new_value or '-'}")
    if before.p95_ms and after.p95_ms:
        ratio = after.p95_ms / before.p95_ms
        if ratio >= 1.5 or ratio <= 1 / 1.5:
            out.append(f"p95 {before.p95_ms:g} ms → {after.p95_ms:g} ms ({ratio:.1f}x)")
    return out
