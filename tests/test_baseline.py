"""Known-failure baselines: `conformance baseline` writes a run's failures; a run with
`--baseline` fails only on new, changed or expired ones, and shows waived failures plainly
(results.json, junit.xml, report, terminal)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import main
from conformance.report.view import verdict as report_verdict
from conformance.suite import baseline
from conformance.suite.outcome import FAILED, Outcome
from conformance.suite.results import verdict

ROOT = Path(__file__).resolve().parents[1]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("CONFORMANCE_")})


def run(report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli("run", "--fault", "slevel-ignored", "--check", "AM-SLEVEL", "--check",
               "AM-ERR-SLEVEL", "--profile", "quick", "--seed", "8", "--example-db", "none",
               "--report-dir", str(report_dir), *extra)


def test_a_baselined_failure_is_waived_shown_and_exit_0(tmp_path: Path) -> None:
    first = run(tmp_path / "a")
    assert first.returncode == 1, first.stdout + first.stderr
    written = cli("baseline", str(tmp_path / "a" / "results.json"), "--output",
                  str(tmp_path / "baseline.toml"))
    assert written.returncode == 0 and "1 known failure" in written.stdout, written.stderr
    waivers = tomllib.loads((tmp_path / "baseline.toml").read_text())["waiver"]
    assert [w["check"] for w in waivers] == ["AM-SLEVEL"] and waivers[0]["reason"] == ""
    assert waivers[0]["expires"] > dt.date.today()

    second = run(tmp_path / "b", "--baseline", str(tmp_path / "baseline.toml"))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "verdict: conformant, with 1 waived failure" in second.stdout
    assert "[waived until" in second.stdout
    data = json.loads((tmp_path / "b" / "results.json").read_text())
    assert data["verdict"] == "conformant"
    assert data["verdict_text"] == "conformant, with 1 waived failure"
    assert data["baseline"]["waived"] == ["AM-SLEVEL"]
    slevel = next(c for c in data["checks"] if c["id"] == "AM-SLEVEL")
    assert slevel["status"] == "failed" and slevel["failure"]  # never hidden
    assert slevel["waived"]["expires"] == waivers[0]["expires"].isoformat()
    junit = ET.parse(tmp_path / "b" / "junit.xml").getroot()
    case = next(c for c in junit.iter("testcase") if "AM-SLEVEL" in (c.get("name") or ""))
    skipped = case.find("skipped")
    assert skipped is not None and "waived known failure" in (skipped.get("message") or "")
    page = (tmp_path / "b" / "report.html").read_text(encoding="utf-8")
    assert "waived known failure" in page and "AM-SLEVEL" in page


def failed(check_id: str, message: str) -> Outcome:
    return Outcome(check_id, "t", "MUST", "f", "core", "c", status=FAILED,
                   failure={"message": message})


def waivers_for(*outcomes: Outcome, expires: dt.date) -> baseline.Baseline:
    return baseline.Baseline("b.toml", tuple(
        baseline.Waiver(o.id, baseline.fingerprint(o.id, o.failure["message"]), expires)
        for o in outcomes if o.failure))


def test_new_changed_and_expired_failures_still_count() -> None:
    today = dt.date(2027, 1, 10)
    known = failed("AM-SLEVEL", "getMessage returned message.slevel '1'; expected '2'")
    book = waivers_for(known, expires=dt.date(2027, 1, 31))
    again = failed("AM-SLEVEL", "getMessage returned message.slevel '1'; expected '2' "
                                "(a failing example saved by an earlier run, tried first)")
    changed = failed("AM-SLEVEL", "getMessage returned no message")
    new = failed("AM-STATUS", "ticket.status was '1' before, '2' after")
    for outcome in (again, changed, new):
        baseline.apply(book, outcome, today)
    assert baseline.is_waived(again) and verdict([again]) == "conformant"
    assert changed.waived is None and verdict([again, changed]) == "nonconformant"
    assert new.waived is None and verdict([again, new]) == "nonconformant"

    late = failed("AM-SLEVEL", known.failure["message"])  # type: ignore[index]
    baseline.apply(book, late, dt.date(2027, 2, 1))
    assert late.waived and late.waived["expired"] and verdict([late]) == "nonconformant"
    shown = report_verdict({"verdict": "nonconformant", "checks": [late.to_dict()]})
    assert "Expired waivers" in shown["sentence"] and "AM-SLEVEL" in shown["sentence"]


def test_fingerprints_mask_ids_and_keep_the_failure() -> None:
    one = baseline.fingerprint("AM-X", "addMessage linked attachments ['86'] and lists []")
    two = baseline.fingerprint("AM-X", "addMessage linked attachments ['91'] and lists []")
    assert one == two
    assert one != baseline.fingerprint("AM-Y", "addMessage linked attachments ['86'] and "
                                               "lists []")
    assert one != baseline.fingerprint("AM-X", "getMessage lists no attachment")


@pytest.mark.parametrize(("text", "words"), [
    ("[[waiver]]\ncheck = 'AM-X'\nfingerprint = 'f'\n", "'expires' must be a date"),
    ("[[waiver]]\ncheck = 'AM-X'\nfingerprint = 'f'\nexpires = 2027-01-01\nwhy = ''\n",
     "unknown key 'why'"),
    ("waivers = 1\n", "unknown key 'waivers'"),
    ("[[waiver\n", "not valid TOML"),
])
def test_a_bad_baseline_is_one_line_and_exit_2(
        tmp_path: Path, text: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", "--baseline", str(path), "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert words in err and str(path) in err and len(err.strip().splitlines()) == 1


def test_waived_failures_in_merged_shards(tmp_path: Path) -> None:
    from conformance.suite.merge import merge_documents

    known = failed("AM-SLEVEL", "m")
    baseline.apply(waivers_for(known, expires=dt.date.today() + dt.timedelta(days=1)), known)
    doc: dict[str, Any] = {"seed": 1, "profile": "quick", "contract_sha256": "x",
                           "target": {"endpoint": "http://t"}, "checks": [known.to_dict()],
                           "baseline": {"file": "b.toml"}}
    merged = merge_documents([("a", doc)])
    assert merged["verdict"] == "conformant" and merged["baseline"]["waived"] == ["AM-SLEVEL"]
    assert merged["verdict_text"] == "conformant, with 1 waived failure"
