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
from conformance.suite.catalogue import select
from conformance.suite.outcome import Outcome


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


def merge_documents(documents: list[tuple[str, dict[str, Any]]],
                    order: list[str] | None = None) -> dict[str, Any]:
    """The merged results document of ``(name, results)`` pairs; the checks in ``order``
    (by default the suite's, or the sharded selection's)."""
    if not documents:
        raise MergeError("no results files given")
    for what, get in (("seeds", lambda d: d.get("seed")),
                      ("profiles", lambda d: d.get("profile")),
                      ("contracts", lambda d: d.get("contract_sha256")),
                      ("targets", _target_identity)):
        _same(documents, what, get)
    check_shards(documents)
    docs = [doc for _, doc in documents]
    checks = merge_checks([c for doc in docs for c in doc.get("checks", [])])
    selection = order or (first_shard.get("of") if (first_shard := docs[0].get("shard"))
                          else None) or [c.id for c in select([])]
    rank = {check_id: n for n, check_id in enumerate(selection)}
    checks.sort(key=lambda c: (rank.get(c["id"], len(rank)), c["id"]))
    outcomes = [outcome_of(c) for c in checks]
    statuses = Counter(c["status"] for c in checks)
    aborted = "; ".join(d["aborted"] for d in docs if d.get("aborted")) or None
    first = docs[0]
    merged = dict(first)
    merged.update({
        "verdict": results.verdict(outcomes, aborted),
        "advisories": results.advisories(outcomes),
        "aborted": aborted,
        "started_at": min(d.get("started_at") or "" for d in docs),
        "duration_s": max(d.get("duration_s") or 0 for d in docs),
        "counts": {**{s: statuses.get(s, 0) for s in ("passed", "failed", "skipped", "error")},
                   "advisory": sum(o.advisory for o in outcomes)},
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


def merge_checks(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each check once: a check in one file as it is, a sliced check's entries from
    several files combined (:func:`combine_slices`)."""
    by_id: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_id.setdefault(entry["id"], []).append(entry)
    merged = []
    for check_id, parts in by_id.items():
        unsliced = [part for part in parts if not part.get("slices")]
        if len(parts) == 1:
            merged.append(parts[0])
        elif not unsliced:
            merged.append(combine_slices(check_id, parts))
        elif all(part["status"] in ("skipped", "error") for part in unsliced):
            # a sliced check not run on some shard (the target lacks what it needs, or the
            # shard stopped at setup): as the unsharded run, which would not have run it
            merged.append(min(unsliced, key=lambda part: part["status"] != "error"))
        else:
            raise MergeError(f"check {check_id} is in more than one file")
    return merged


def combine_slices(check_id: str, parts: list[dict[str, Any]]) -> dict[str, Any]:
    """A sliced check's entries of several shards (suite/slices.py) as the one entry of an
    unsharded run, which runs the slices in order and stops at the first that fails: that
    slice's entry gives the status and the failure, and the examples are those of the
    slices up to it (all of them, as each shard returned them, when none failed)."""
    total = _same([(check_id, p) for p in parts], f"the slice counts of {check_id}",
                  lambda p: p["slices"]["of"])
    ran = {r["index"]: r["examples"] for p in parts for r in p["slices"]["ran"]}
    if sum(len(p["slices"]["ran"]) for p in parts) != len(ran):
        raise MergeError(f"a slice of check {check_id} is in more than one file")
    failing = [p for p in parts if p["slices"]["failed"] is not None]
    first = min(failing, key=lambda p: p["slices"]["failed"]) if failing else None
    upto = first["slices"]["failed"] if first else total
    missing = sorted(set(range(1, upto + 1)) - set(ran))
    if missing:
        raise MergeError(f"slice {missing[0]}/{total} of check {check_id} is missing "
                         "(give the results of every shard)")
    entry = dict(first or parts[0])
    entry["examples"] = (sum(ran[i] for i in range(1, upto + 1)) if first
                         else sum(p["examples"] for p in parts))
    entry["duration_s"] = round(sum(p.get("duration_s") or 0 for p in parts), 3)
    entry["slices"] = {"of": total, "failed": upto if first else None,
                       "ran": [{"index": i, "examples": ran[i]} for i in range(1, upto + 1)]}
    return entry


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
