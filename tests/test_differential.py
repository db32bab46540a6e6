"""The differential oracle (conformance/differential/): the run's generated examples sent
to a target and to a fresh embedded reference target, answers normalised and compared.
Against the reference target with ``status-reopen`` and only AM-SLEVEL selected (a check
that does not look at the status), the reopened ticket is a finding with both exchanges;
when AM-STATUS runs and fails, the same difference is named by it and no finding remains;
the faultless target gives no finding; ``conformance run --differential=fail`` fails the run,
and junit.xml has the outcome as a test case like any other check's."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conformance.contract import CANONICAL_WSDL
from conformance.differential import CHECK_ID, run_differential
from conformance.differential.normalise import IdMap, differences, normalise
from conformance.report.junit import add_missing
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import Outcome, run_check
from conformance.suite.results import verdict

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def session(faults: list[str], checks: list[str], seed: int = 3) -> Iterator[Any]:
    """A finished in-process session (state with outcomes) against the embedded target."""
    with runner.embedded_target(faults) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=seed, checks=checks,
                             faults=faults)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        state.outcomes = [run_check(state.context, c, None, "replay") for c in select(checks)]
        yield state


def differential(faults: list[str], checks: list[str], mode: str = "advisory"
                 ) -> tuple[Outcome, list[Outcome]]:
    with session(faults, checks) as state:
        return run_differential(state, mode), list(state.outcomes)


def test_a_difference_no_selected_check_names_is_a_finding_with_both_exchanges() -> None:
    outcome, checks = differential(["status-reopen"], ["AM-SLEVEL"])
    assert [c.status for c in checks] == ["passed"]  # the selected check does not see it
    assert outcome.id == CHECK_ID and outcome.status == "failed" and outcome.level == "SHOULD"
    findings = outcome.failure["findings"]
    paths = {(f["operation"], f["path"], f["target"], f["reference"]) for f in findings}
    assert ("getTicket", "ticketResult.item.ticket.status.value", "open", "closed") in paths
    first = findings[0]
    assert "getTicket" in first["target_request"] and "getTicket" in first["reference_request"]
    assert ">open<" in first["target_response"] and ">closed<" in first["reference_response"]
    assert first["example"]["status"] == "close"  # the setTicket verb
    assert verdict([*checks, outcome]) == "conformant"  # advisory: not part of the verdict


def test_a_difference_a_failed_check_names_is_not_a_second_finding() -> None:
    outcome, checks = differential(["status-reopen"], ["AM-SLEVEL", "AM-STATUS"], "fail")
    assert {c.id: c.status for c in checks} == {"AM-SLEVEL": "passed", "AM-STATUS": "failed"}
    assert outcome.status == "passed", outcome.failure
    assert outcome.level == "MUST" and "0 difference(s) no check names" in outcome.reason
    assert "named by failed checks" in outcome.reason and " 0 named" not in outcome.reason


def test_the_faultless_target_gives_no_finding() -> None:
    outcome, _checks = differential([], ["AM-ATTACHMENTS", "AM-ERR-SESSION", "AM23-TEMPLATE"])
    assert outcome.status == "passed", outcome.failure and outcome.failure["findings"][:3]
    assert outcome.examples > 10


def test_no_generated_example_is_skipped_not_passed() -> None:
    outcome, _checks = differential([], ["AM-WSDL"])
    assert outcome.status == "skipped" and "no addMessage-family example" in outcome.reason


def test_normalisation_maps_ids_masks_keys_and_times_and_ignores_order() -> None:
    left, right = IdMap(), IdMap()
    a = {"errorCode": 0, "messageId": "77", "sessionKey": "k1",
         "ticketResult": {"item": [{"field": "ticket.created_at", "type": "TypeDateTime",
                                    "value": "2026-01-01 10:00"},
                                   {"field": "ticket.id", "type": "TypeInteger",
                                    "value": "1602"}]},
         "messageIds": {"item": ["5", "77"]}}
    b = {"errorCode": 0, "messageId": "9001", "sessionKey": "other",
         "ticketResult": {"item": [{"field": "ticket.id", "type": "TypeInteger",
                                    "value": "40"},
                                   {"field": "ticket.created_at", "type": "TypeDateTime",
                                    "value": "2030-05-05 23:59"}]},
         "messageIds": {"item": ["9001", "12"]}}
    left.map("ticket", "1602"), right.map("ticket", "40")
    left.map("message", "5"), right.map("message", "12")
    assert differences(normalise(a, left), normalise(b, right)) == []
    b["errorCode"] = 13
    assert differences(normalise(a, left), normalise(b, right)) == [
        {"path": "errorCode", "target": 0, "reference": 13}]


def test_cli_differential_fail_fails_the_run(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--seed", "3",
         "--fault", "status-reopen", "--check", "AM-SLEVEL", "--differential=fail",
         "--report-dir", str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
        timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    record = next(c for c in results["checks"] if c["id"] == CHECK_ID)
    assert record["status"] == "failed" and record["level"] == "MUST"
    assert record["failure"]["findings"][0]["reference_response"]
    assert "norges bank" not in (tmp_path / "results.json").read_text(encoding="utf-8")
    assert f"FAILED   {CHECK_ID}" in done.stdout
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "differential-findings" in page and "Reference: response" in page
    # junit.xml has it as a test case like any other check, counted in the suite's totals
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ["test_check[AM-SLEVEL]", f"test_check[{CHECK_ID}]"]
    failure = cases[f"test_check[{CHECK_ID}]"].find("failure")
    assert failure is not None and (failure.get("message") or "").startswith(f"{CHECK_ID}: ")
    assert cases["test_check[AM-SLEVEL]"].find("failure") is None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    assert "norges bank" not in (tmp_path / "junit.xml").read_text(encoding="utf-8")


PYTEST_JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">
<testsuite name="addmessage-conformance" errors="0" failures="0" skipped="0" tests="1"
 time="1.0" timestamp="t"><testcase classname="" name="test_check[AM-SLEVEL]" time="0.5" />
</testsuite></testsuites>"""


@pytest.mark.parametrize(("status", "element", "counter"), [
    ("failed", "properties", None), ("skipped", "skipped", "skipped"),
    ("error", "error", "errors"), ("passed", None, None)])
def test_junit_gets_the_advisory_outcome_as_any_other_check(
        status: str, element: str | None, counter: str | None, tmp_path: Path) -> None:
    """The advisory (SHOULD) outcome maps to junit as pytest maps any other SHOULD check's
    (test_conformance.py): a finding is a passing test case with an "advisory" property
    (advisory findings are no failures; the verdict and exit code stay untouched), no
    finding a plain test case; a second call adds nothing."""
    path = tmp_path / "junit.xml"
    path.write_text(PYTEST_JUNIT, encoding="utf-8")
    document = {"checks": [
        {"id": "AM-SLEVEL", "status": "passed", "level": "MUST"},
        {"id": CHECK_ID, "status": status, "level": "SHOULD", "duration_s": 2.0,
         "reason": "no generated example" if status != "failed" else None,
         "failure": {"message": "1 difference"} if status == "failed" else None}]}
    assert add_missing(document, path) == [CHECK_ID]
    assert add_missing(document, path) == []
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "2"
    case = [c for c in suite.iter("testcase")][-1]
    assert case.get("name") == f"test_check[{CHECK_ID}]" and case.get("time") == "2.000"
    assert [e.tag for e in case] == ([element] if element else [])
    if status == "failed":
        prop = case.find("properties/property")
        assert prop is not None and prop.get("name") == "advisory"
        assert (prop.get("value") or "").startswith(f"SHOULD {CHECK_ID}: 1 difference")
    for key in ("failures", "skipped", "errors"):
        assert suite.get(key) == ("1" if key == counter else "0")
