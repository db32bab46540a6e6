"""What the report shows, derived from a results.json document: the verdict in words, the
facts of the run, the counts, the check records in family order, each failure's envelopes as
highlighting tokens, and the evidence (what was created on the target, the contract check,
the detection score). Plain data for the templates; no markup is built here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from conformance.report import highlight, plots

FAMILY_ORDER = ("schema", "status", "notification", "persistence", "errors", "robustness",
                "concurrency", "addMessage2/3", "differential", "stateful")
VERDICTS = {"conformant": ("conformant", "pass"), "nonconformant": ("not conformant", "fail"),
            "error": ("error", "error")}
STATUSES = ("passed", "failed", "skipped", "error")
MAX_EXCHANGES = 200


@dataclass
class Fact:
    label: str
    value: str
    code: bool = False


def ordered_checks(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The check records grouped by family (known families in FAMILY_ORDER, then the rest
    as they first appear); within a family, the order of the results."""
    seen = list(dict.fromkeys(str(c.get("family") or "other") for c in checks))
    rank = {f: i for i, f in enumerate([*[f for f in FAMILY_ORDER if f in seen],
                                        *[f for f in seen if f not in FAMILY_ORDER]])}
    return sorted(checks, key=lambda c: rank[str(c.get("family") or "other")])


def verdict(results: dict[str, Any]) -> dict[str, Any]:
    key = str(results.get("verdict"))
    label, css = VERDICTS.get(key, (key, "error"))
    checks = results.get("checks") or []
    waived = [c for c in checks if c.get("status") == "failed" and _waived(c)]
    expired = [c["id"] for c in checks if (c.get("waived") or {}).get("expired")]
    failed_must = [c["id"] for c in checks if c.get("status") == "failed"
                   and c.get("level", "MUST") == "MUST" and c not in waived]
    failed_other = [c["id"] for c in checks if c.get("status") == "failed"
                    and c["id"] not in failed_must and c not in waived]
    errors = [c["id"] for c in checks if c.get("status") == "error"]
    if results.get("aborted"):
        sentence = f"The run was aborted: {results['aborted']}"
    elif failed_must:
        sentence = f"{_count(len(failed_must), 'MUST check')} failed: {', '.join(failed_must)}"
    elif errors:
        sentence = f"{_count(len(errors), 'check')} could not be judged: {', '.join(errors)}"
    elif not checks:
        sentence = "No check ran."
    elif waived:
        sentence = f"Conformant, with {_count(len(waived), 'waived failure')}."
    else:
        skipped = [c["id"] for c in checks if c.get("status") == "skipped"]
        sentence = (f"All {_count(len(checks) - len(skipped), 'check')} that ran passed; "
                    f"skipped: {', '.join(skipped)}." if skipped
                    else f"All {_count(len(checks), 'check')} passed.")
    if failed_other:
        sentence += f" SHOULD checks failed (not part of the verdict): {', '.join(failed_other)}."
    sentence += _waiver_sentence(waived, expired)
    expected = ("nonconformant" if failed_must else "error"
                if errors or results.get("aborted") or not checks else "conformant")
    if key != expected:
        sentence += f" (Inconsistent: the checks below make it {VERDICTS[expected][0]}.)"
    return {"key": key, "label": label, "css": css, "sentence": sentence,
            "classes": list((results.get("classes") or {}).values())}


def _waived(check: dict[str, Any]) -> bool:
    return bool(check.get("waived")) and not check["waived"].get("expired")


def _waiver_sentence(waived: list[dict[str, Any]], expired: list[str]) -> str:
    """Waived failures (a --baseline) are named, never hidden; so are expired waivers."""
    sentence = ""
    if waived:
        sentence += (f" With {_count(len(waived), 'waived known failure')} (still failing, "
                     "accepted by the baseline): " + "; ".join(
                         f"{c['id']} (until {c['waived'].get('expires')}: "
                         f"{c['waived'].get('reason') or 'no reason given'})"
                         for c in waived) + ".")
    if expired:
        sentence += f" Expired waivers (these failures count again): {', '.join(expired)}."
    return sentence


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def facts(results: dict[str, Any], results_sha256: str) -> list[Fact]:
    target = results.get("target") or {}
    contract = results.get("contract") or {}
    endpoint = str(target.get("endpoint") or "-")
    if target.get("embedded"):
        faults = target.get("faults") or []
        endpoint += " (embedded reference target" + (
            f", faults: {', '.join(faults)})" if faults else ")")
    return [
        Fact("Target endpoint", endpoint, code=True),
        Fact("WSDL source", str(contract.get("source") or target.get("wsdl") or "-"),
             code=True),
        Fact("WSDL SHA-256", str(results.get("contract_sha256") or "-"), code=True),
        Fact("Contract version", str(contract.get("version") or "-")),
        Fact("Suite version", str(results.get("suite_version") or "-")),
        Fact("Seed", str(results.get("seed", "-")), code=True),
        Fact("Profile", str(results.get("profile") or "-")),
        Fact("Date", str(results.get("started_at") or "-").replace("T", " ")),
        Fact("Duration", _duration(results.get("duration_s"))),
        Fact("results.json SHA-256", results_sha256, code=True),
    ]


def _duration(seconds: Any) -> str:
    if not isinstance(seconds, int | float):
        return "-"
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)} min {rest:.1f} s" if minutes else f"{rest:.1f} s"


def counts(results: dict[str, Any]) -> list[tuple[str, int]]:
    checks = results.get("checks") or []
    known = results.get("counts") or {}
    out = [(s, int(known.get(s, sum(c.get("status") == s for c in checks)))) for s in STATUSES]
    return [*out, ("requests", int((results.get("requests") or {}).get("total") or 0))]


def failure(record: dict[str, Any]) -> dict[str, Any] | None:
    """A failed record's evidence, envelopes as highlighting tokens."""
    data = record.get("failure")
    if not data:
        return None
    exchanges = data.get("exchanges") or []
    return {
        "message": data.get("message") or record.get("reason") or "",
        "operation": data.get("operation"),
        "http_status": data.get("http_status"),
        "request": highlight.tokens(highlight.pretty(data.get("request"))),
        "response": highlight.tokens(highlight.pretty(data.get("response"))),
        "example": json.dumps(data.get("example"), indent=2, ensure_ascii=False)
        if data.get("example") is not None else None,
        "replay": data.get("replay"),
        "exchanges": [{**e, "request": highlight.tokens(highlight.pretty(e.get("request"))),
                       "response": highlight.tokens(highlight.pretty(e.get("response")))}
                      for e in exchanges[:MAX_EXCHANGES]],
        "exchanges_left_off": max(0, len(exchanges) - MAX_EXCHANGES),
        **http_evidence(data),
        "mail": data.get("mail") or [],
        "findings": differential_findings(data),  # issue 14: the differential oracle's
    }


def http_evidence(data: dict[str, Any]) -> dict[str, Any]:
    """Method, URL and (already redacted) headers of the subject exchange."""
    return {"method": data.get("method"), "url": data.get("url"),
            "request_headers": data.get("request_headers") or {},
            "response_headers": data.get("response_headers") or {}}


def differential_findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The differential oracle's findings: values as JSON, both exchanges as tokens."""
    def envelope(text: Any) -> Any:
        return highlight.tokens(highlight.pretty(text)) if text else None

    return [{**f, "target": json.dumps(f.get("target"), ensure_ascii=False, default=str),
             "reference": json.dumps(f.get("reference"), ensure_ascii=False, default=str),
             **{k: envelope(f.get(k)) for k in ("target_request", "target_response",
                                                "reference_request", "reference_response")}}
            for f in data.get("findings") or []]


def ranges(ids: list[Any]) -> str:
    """``1,2,3,7`` -> ``1-3, 7`` (ids that are not integers are listed as they are)."""
    numbers = sorted({int(i) for i in ids if str(i).isdigit()})
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    parts = [str(low) if low == high else f"{low}-{high}" for low, high in runs]
    return ", ".join([*parts, *[str(i) for i in ids if not str(i).isdigit()]])


def contract_check(results: dict[str, Any]) -> dict[str, Any] | None:
    data = results.get("contract_check")
    if not data:
        return None
    diff = data.get("diff") or {}
    wsi = data.get("wsi") or {}
    assertions = wsi.get("assertions") or []
    return {"diff": diff, "differences": diff.get("differences") or [],
            "wsi": wsi, "wsi_total": len(assertions),
            "wsi_failed": [a for a in assertions if not a.get("passed", True)]}


def pictures(results: dict[str, Any]) -> dict[str, Any]:
    requests = results.get("requests") or {}
    return {"timing": plots.timing_plot(requests.get("by_operation") or {}),
            "mix": plots.mix_charts(results.get("generated") or {})}


__all__ = ["FAMILY_ORDER", "Fact", "contract_check", "counts", "facts", "failure",
           "ordered_checks", "pictures", "ranges", "verdict"]
