"""Known-failure baselines: a vendor with an accepted deviation gates on new regressions
without losing the verdict, and without hiding the deviation.

``conformance baseline results.json --output baseline.toml`` writes one ``[[waiver]]`` per
failed check: the check id, a fingerprint of the failure (stable across runs with the same
seed: the check id and its message with every number masked and the suite's notes on how
the example was found removed), the message for people, a ``reason`` to fill in and an
``expires`` date. A run with ``--baseline FILE`` marks a failure that matches a waiver that
has not expired as ``waived`` (its status stays ``failed``); it does not count against the
verdict. A new failure, a changed one (another fingerprint) and one whose waiver expired
count as before, and the expired waiver says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.suite.outcome import FAILED, Outcome

DEFAULT_DAYS = 90
NUMBERS = re.compile(r"\d+")
NOTES = re.compile(r"\s*\((found by a fixed example|a failing example saved by an earlier "
                   r"run|the failure did not reproduce)[^)]*\)")


class BaselineError(Exception):
    """The baseline file cannot be used: a configuration error (exit 2)."""


@dataclass(frozen=True)
class Waiver:
    check: str
    fingerprint: str
    expires: dt.date
    reason: str = ""
    message: str = ""


@dataclass(frozen=True)
class Baseline:
    path: str
    waivers: tuple[Waiver, ...]

    def find(self, check_id: str, fingerprint: str) -> Waiver | None:
        return next((w for w in self.waivers if (w.check, w.fingerprint) == (
            check_id, fingerprint)), None)


def fingerprint(check_id: str, message: str) -> str:
    masked = NUMBERS.sub("N", NOTES.sub("", message or "")).strip()
    return hashlib.sha256(f"{check_id}\0{masked}".encode()).hexdigest()[:16]


def load_baseline(path: Path) -> Baseline:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc.strerror or exc}"
                            ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"waiver"}
    if unknown:
        raise BaselineError(f"{path}: unknown key {sorted(unknown)[0]!r} (allowed: "
                            "[[waiver]] tables)")
    return Baseline(str(path), tuple(_waiver(path, n, entry) for n, entry in
                                     enumerate(data.get("waiver", []), 1)))


def _waiver(path: Path, number: int, entry: Any) -> Waiver:
    where = f"{path}: waiver {number}"
    if not isinstance(entry, dict):
        raise BaselineError(f"{where}: expected a [[waiver]] table")
    unknown = set(entry) - {"check", "fingerprint", "expires", "reason", "message"}
    if unknown:
        raise BaselineError(f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: check, "
                            "fingerprint, expires, reason, message)")
    for key in ("check", "fingerprint"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise BaselineError(f"{where}: key {key!r} must be a non-empty string")
    expires = entry.get("expires")
    if isinstance(expires, dt.datetime):
        expires = expires.date()
    if not isinstance(expires, dt.date):
        raise BaselineError(f"{where}: key 'expires' must be a date (expires = 2027-03-01)")
    return Waiver(entry["check"], entry["fingerprint"], expires,
                  str(entry.get("reason") or ""), str(entry.get("message") or ""))


def apply(baseline: Baseline | None, outcome: Outcome, today: dt.date | None = None) -> None:
    """Mark ``outcome`` waived when the baseline knows its failure (status stays failed)."""
    if baseline is None or outcome.status != FAILED or outcome.failure is None:
        return
    waiver = baseline.find(outcome.id, fingerprint(outcome.id, outcome.failure["message"]))
    if waiver is None:
        return
    expired = waiver.expires < (today or dt.date.today())
    outcome.waived = {"reason": waiver.reason, "expires": waiver.expires.isoformat(),
                      "fingerprint": waiver.fingerprint, "expired": expired,
                      "baseline": baseline.path}


def is_waived(check: Outcome | dict[str, Any]) -> bool:
    """A failure waived by a baseline entry that has not expired."""
    waiver = check.get("waived") if isinstance(check, dict) else check.waived
    return bool(waiver and not waiver.get("expired"))


def verdict_text(verdict: str, outcomes: list[Outcome]) -> str:
    waived = sum(1 for o in outcomes if is_waived(o))
    advisory = sum(1 for o in outcomes if o.advisory)
    extras = []
    if verdict == "conformant" and waived:
        extras.append(f"{waived} waived failure{'' if waived == 1 else 's'}")
    if advisory and verdict != "error":  # failed SHOULD checks, not part of the verdict
        extras.append(f"{advisory} advisory finding{'' if advisory == 1 else 's'}")
    return verdict + (f", with {' and '.join(extras)}" if extras else "")


def baseline_toml(document: dict[str, Any], days: int = DEFAULT_DAYS,
                  today: dt.date | None = None) -> str:
    """The baseline of a results document: one waiver per failed check."""
    from conformance.suite.settings import toml_value

    expires = (today or dt.date.today()) + dt.timedelta(days=days)
    where = document.get("target") or {}
    faults = ", ".join(where.get("faults") or []) or "none"
    target = (f"the embedded reference target (faults: {faults})" if where.get("embedded")
              else where.get("endpoint"))
    lines = [f"# Known failures of {target}, from the run of {document.get('started_at')} "
             f"(seed {document.get('seed')}, profile {document.get('profile')}).",
             "# `conformance run --baseline FILE` waives exactly these failures until they "
             "expire;", "# a new or changed failure still fails the run. Fill in each "
             "reason."]
    for check in document.get("checks", []):
        if check.get("status") != FAILED or not check.get("failure"):
            continue
        message = check["failure"].get("message") or ""
        lines += ["", "[[waiver]]", f"check = {toml_value(check['id'])}",
                  f"fingerprint = {toml_value(fingerprint(check['id'], message))}",
                  f"message = {toml_value(message[:300])}",
                  'reason = ""  # why this deviation is accepted',
                  f"expires = {expires.isoformat()}"]
    return "\n".join(lines) + "\n"


def summary(path: str | None, outcomes: list[Outcome]) -> dict[str, Any] | None:
    """What results.json says about the baseline: which failures it waived, which
    waivers expired."""
    if path is None:
        return None
    return {"file": path, "waived": [o.id for o in outcomes if is_waived(o)],
            "expired": [o.id for o in outcomes if o.waived and o.waived.get("expired")]}
