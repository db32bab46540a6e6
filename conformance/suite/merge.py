"""Combining the results.json of the shards of one run (``--shard K/N`` on N runners) into
the results.json an unsharded run with the same seed would have written: every check once,
in the suite's order, with the verdict, counts and classes computed again from them.

The shards must be of one run: the same seed, profile, contract and target (an embedded
target listens on another port on each runner, so there the faults must agree), each
shard index once, none missing. A mismatch raises :class:`MergeError` with one line.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import fields
from typing import Any

from conformance.suite import baseline, results
from conformance.suite.outcome import Outcome
from conformance.suite.registry import select


class MergeError(Exception):
    """The files are not shards of one run."""


def outcome_of(check: dict[str, Any]) -> Outcome:
    """An :class:`Outcome` back from its results.json entry."""
    names = {f.name for f in fields(Outcome)}
    data = {k: v for k, v in check.items() if k in names}
    return Outcome(conformance_class=check.get("class", ""), **data)


def _same(documents: list[tuple[str, dict[str, Any]]], what: str, get: Any) -> Any:
    values = {repr(get(doc)): (name, get(doc)) for name, doc in documents}
    if len(values) > 1:
        shown = "; ".join(f"{name}: {value}" for name, value in values.values())
        raise MergeError(f"the files are not shards of one run: {what} differ ({shown})")
    return next(iter(values.values()))[1]


def _target_identity(doc: dict[str, Any]) -> Any:
    target = doc.get("target") or {}
    if target.get("embedded"):
        return ("embedded", sorted(target.get("faults") or []))
    return target.get("endpoint")


def check_shards(documents: list[tuple[str, dict[str, Any]]]) -> None:
    shards = [doc.get("shard") for _, doc in documents]
    if not any(shards):
        return
    if not all(shards):
        raise MergeError("some files are shards and some are not")
    total = _same(documents, "shard counts", lambda d: d["shard"]["total"])
    seen = Counter(s["index"] for s in shards)  # type: ignore[index]
    twice = sorted(i for i, n in seen.items() if n > 1)
    missing = sorted(set(range(1, total + 1)) - set(seen))
    if twice:
        raise MergeError(f"shard {twice[0]}/{total} is given twice")
    if missing:
        raise MergeError(f"shard {missing[0]}/{total} is missing (give all {total})")


def merge_documents(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The merged results document of ``(name, results)`` pairs."""
    if not documents:
        raise MergeError("no results files given")
    for what, get in (("seeds", lambda d: d.get("seed")),
                      ("profiles", lambda d: d.get("profile")),
                      ("contracts", lambda d: d.get("contract_sha256")),
                      ("targets", _target_identity)):
        _same(documents, what, get)
    check_shards(documents)
    docs = [doc for _, doc in documents]
    checks = [c for doc in docs for c in doc.get("checks", [])]
    ids = Counter(c["id"] for c in checks)
    repeated = sorted(i for i, n in ids.items() if n > 1)
    if repeated:
        raise MergeError(f"check {repeated[0]} is in more than one file")
    selection = (first_shard.get("of") if (first_shard := docs[0].get("shard")) else None
                 ) or [c.id for c in select([])]
    order = {check_id: n for n, check_id in enumerate(selection)}
    checks.sort(key=lambda c: (order.get(c["id"], len(order)), c["id"]))
    outcomes = [outcome_of(c) for c in checks]
    statuses = Counter(c["status"] for c in checks)
    aborted = "; ".join(d["aborted"] for d in docs if d.get("aborted")) or None
    first = docs[0]
    merged = dict(first)
    merged.update({
        "verdict": results.verdict(outcomes, aborted),
        "aborted": aborted,
        "started_at": min(d.get("started_at") or "" for d in docs),
        "duration_s": max(d.get("duration_s") or 0 for d in docs),
        "counts": {s: statuses.get(s, 0) for s in ("passed", "failed", "skipped", "error")},
        "classes": results.class_summary(outcomes),
        "checks": checks,
        "requests": merge_requests([d.get("requests") or {} for d in docs]),
        "created": {k: [v for d in docs for v in (d.get("created") or {}).get(k, [])]
                    for k in ("tickets", "attachments")},
        "generated": merge_counters([d.get("generated") or {} for d in docs]),
        "contract_check": next((d["contract_check"] for d in docs
                                if d.get("contract_check")), None),
        "detection": next((d["detection"] for d in docs if d.get("detection")), None),
        "verdict_text": baseline.verdict_text(results.verdict(outcomes, aborted), outcomes),
        "baseline": baseline.summary((first.get("baseline") or {}).get("file"), outcomes),
        "shard": None,
        "merged_from": [{"file": name, "shard": doc.get("shard"),
                         "endpoint": (doc.get("target") or {}).get("endpoint"),
                         "duration_s": doc.get("duration_s")} for name, doc in documents],
    })
    return merged


def merge_requests(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals add up; per operation the counts add up and the medians and p95 come from the
    shards' samples (an approximation: each shard keeps at most 400 samples)."""
    by_operation: dict[str, dict[str, Any]] = {}
    for part in parts:
        for operation, timing in (part.get("by_operation") or {}).items():
            into = by_operation.setdefault(operation, {"count": 0, "max_ms": 0.0,
                                                       "samples_ms": []})
            into["count"] += timing.get("count", 0)
            into["max_ms"] = max(into["max_ms"], timing.get("max_ms", 0.0))
            into["samples_ms"].extend(timing.get("samples_ms", []))
    for timing in by_operation.values():
        samples = sorted(timing["samples_ms"]) or [0.0]
        timing["samples_ms"] = samples
        timing["median_ms"] = round(statistics.median(samples), 2)
        timing["p95_ms"] = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return {"total": sum(p.get("total", 0) for p in parts),
            "by_operation": dict(sorted(by_operation.items()))}


def merge_counters(parts: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
    merged: dict[str, Counter[str]] = {}
    for part in parts:
        for name, counts in part.items():
            if isinstance(counts, dict):
                merged.setdefault(name, Counter()).update(counts)
    return {name: dict(counts) for name, counts in merged.items()}
