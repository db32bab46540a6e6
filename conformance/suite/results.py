"""results.json: the machine-readable result of a run (shape fixed by PRODUCT.md: verdict,
target, seed, contract_sha256, checks with id/title/level/status/examples/failure), plus the
conformance classes, counts, requests, what the suite created, and the generated input mix.
Everything passes through the redactor before it is written."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.strategies.xmltext import char_classes
from conformance.suite.baseline import is_waived
from conformance.suite.outcome import ERROR, FAILED, PASSED, SKIPPED, Outcome, Redactor
from conformance.suite.registry import CLASSES, MUST

SCHEMA_VERSION = 1


def verdict(outcomes: list[Outcome], aborted: str | None = None) -> str:
    if any(o.status == FAILED and o.level == MUST and not is_waived(o) for o in outcomes):
        return "nonconformant"
    if aborted or any(o.status == ERROR for o in outcomes) or not outcomes:
        return "error"
    return "conformant"


def advisories(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """The advisory findings: failed SHOULD checks (what the reference leaves open)."""
    return [{"id": o.id, "title": o.title, "clause": o.clause,
             "message": (o.failure or {}).get("message")} for o in outcomes if o.advisory]


def verdict_text(outcomes: list[Outcome], aborted: str | None = None) -> str:
    """The verdict in words: "conformant, with 2 advisory findings", say."""
    words = verdict(outcomes, aborted)
    count = len(advisories(outcomes))
    if count and words != "error":
        words += f", with {count} advisory finding{'' if count == 1 else 's'}"
    return words


def class_summary(outcomes: list[Outcome]) -> dict[str, dict[str, Any]]:
    summary = {}
    for key, title in CLASSES.items():
        members = [o for o in outcomes if o.conformance_class == key]
        if not members:
            continue
        statuses = {o.status for o in members if o.level == MUST}
        status = (FAILED if FAILED in statuses else ERROR if ERROR in statuses
                  else SKIPPED if statuses <= {SKIPPED} else PASSED)
        summary[key] = {"title": title, "status": status, "checks": [o.id for o in members]}
    return summary


def input_mix(examples: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How far generation reached: body lengths, character classes, sLevel, flags."""
    lengths: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    mix: dict[str, Counter[str]] = {k: Counter() for k in
                                    ("variant", "slevel", "notify", "attachments", "session")}
    for example in examples:
        body = example.get("body", "")
        n = len(body)
        lengths["0" if n == 0 else "1-10" if n <= 10 else "11-100" if n <= 100
                else "101-1000" if n <= 1000 else ">1000"] += 1
        classes.update(char_classes(body))
        mix["variant"][f"addMessage{'' if example['variant'] == 1 else example['variant']}"] += 1
        mix["slevel"][str(example.get("slevel"))[:12]] += 1
        mix["notify"][str(example.get("notify")).lower()] += 1
        mix["attachments"][str(len(example.get("attachments", [])))] += 1
        mix["session"][str(example.get("session"))] += 1
    return {"body_length": dict(lengths), "body_characters": dict(classes),
            **{k: dict(v) for k, v in mix.items()}}


def timing_summary(timings: dict[str, list[float]]) -> dict[str, dict[str, Any]]:
    out = {}
    for operation, values in sorted(timings.items()):
        ordered = sorted(values)
        out[operation] = {
            "count": len(values),
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
            "max_ms": round(ordered[-1], 2),
            "samples_ms": [round(v, 2) for v in ordered[:: max(1, len(ordered) // 400)]],
        }
    return out


def build(outcomes: list[Outcome], *, target: dict[str, Any], seed: int, profile: str,
          contract: dict[str, Any], started_at: str, duration_s: float,
          requests: dict[str, Any], created: dict[str, list[str]],
          inputs: list[dict[str, Any]], aborted: str | None = None) -> dict[str, Any]:
    counts = Counter(o.status for o in outcomes)
    return {
        "schema_version": SCHEMA_VERSION,
        "suite_version": __version__,
        "verdict": verdict(outcomes, aborted),
        "verdict_text": verdict_text(outcomes, aborted),
        "advisories": advisories(outcomes),
        "aborted": aborted,
        "target": target,
        "seed": seed,
        "profile": profile,
        "contract_sha256": contract.get("sha256"),
        "contract": contract,
        "started_at": started_at,
        "duration_s": round(duration_s, 3),
        "counts": {**{s: counts.get(s, 0) for s in (PASSED, FAILED, SKIPPED, ERROR)},
                   "advisory": sum(o.advisory for o in outcomes)},
        "classes": class_summary(outcomes),
        "checks": [o.to_dict() for o in outcomes],
        "requests": requests,
        "created": created,
        "generated": input_mix(inputs),
    }


def write(results: dict[str, Any], path: Path, redactor: Redactor) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(redactor.deep(results), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load(path: Path) -> dict[str, Any]:
    results: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return results
