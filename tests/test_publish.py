"""EARL JSON-LD, the SVG badge and the Markdown summary of a run (conformance/publish/):
written beside results.json by every run and again by ``conformance earl|badge|summary``;
the EARL read back with rdflib's JSON-LD parser (a real RDF library), the badge with lxml,
the summary as GitHub-flavoured Markdown table rows."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF

from conformance.cli import main as cli_main
from conformance.publish import BADGE_NAME, EARL_NAME, SUMMARY_NAME
from conformance.publish.badge import badge_bytes
from conformance.publish.earl import earl_bytes
from conformance.publish.summary import summary_markdown
from conformance.suite.registry import all_checks

ROOT = Path(__file__).resolve().parents[1]
EARL = rdflib.Namespace("http://www.w3.org/ns/earl#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DOAP = rdflib.Namespace("http://usefulinc.com/ns/doap#")
CHECKS = ("AM-STATUS", "AM-SLEVEL", "AM-ERR-SESSION")
# rdflib's own JSON-LD parser still builds a ConjunctiveGraph internally (rdflib 7.x)
pytestmark = pytest.mark.filterwarnings(
    "ignore:ConjunctiveGraph is deprecated:DeprecationWarning")


@pytest.fixture(scope="module")
def faulty_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A quick run of three checks against the embedded target with ``status-reopen``."""
    out = tmp_path_factory.mktemp("publish-run")
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--seed", "1",
         "--fault", "status-reopen", *[a for c in CHECKS for a in ("--check", c)],
         "--report-dir", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ})
    assert done.returncode == 1, done.stdout + done.stderr
    return out


def results_of(run: Path) -> dict[str, Any]:
    return json.loads((run / "results.json").read_text(encoding="utf-8"))


def graph(data: bytes) -> rdflib.Graph:
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="json-ld")


def outcomes(g: rdflib.Graph) -> dict[str, str]:
    found = {}
    for assertion in g.subjects(RDF.type, EARL.Assertion):
        test = g.value(assertion, EARL.test)
        result = g.value(assertion, EARL.result)
        outcome = g.value(result, EARL.outcome)
        found[str(g.value(test, DCTERMS.identifier))] = str(outcome).rpartition("#")[2]
        assert g.value(assertion, EARL.mode) == EARL.automatic
    return found


def test_every_run_writes_earl_badge_and_summary(faulty_run: Path) -> None:
    for name in (EARL_NAME, BADGE_NAME, SUMMARY_NAME):
        assert (faulty_run / name).is_file(), name
    assert "norges bank" not in (faulty_run / EARL_NAME).read_text(encoding="utf-8")


def test_earl_parses_as_rdf_with_assertor_subject_tests_and_outcomes(faulty_run: Path
                                                                     ) -> None:
    results = results_of(faulty_run)
    g = graph((faulty_run / EARL_NAME).read_bytes())
    found = outcomes(g)
    assert found["AM-STATUS"] == "failed"
    assert found["AM-SLEVEL"] == found["AM-ERR-SESSION"] == "passed"
    assert set(found) == {c.id for c in all_checks()}
    assert {v for k, v in found.items() if k not in CHECKS} == {"untested"}
    assertor, = g.subjects(RDF.type, EARL.Assertor)
    assert (assertor, RDF.type, EARL.Software) in g
    assert str(g.value(g.value(assertor, DOAP.release), DOAP.revision)) == results[
        "suite_version"]
    subject, = g.subjects(RDF.type, EARL.TestSubject)
    assert str(subject) == results["target"]["endpoint"]
    checksum = g.value(g.value(subject, DCTERMS.requires), SPDX.checksum)
    assert str(g.value(checksum, SPDX.checksumValue)) == results["contract_sha256"]
    status = rdflib.URIRef("urn:addmessage-conformance:check:AM-STATUS")
    assert (status, RDF.type, EARL.TestCase) in g
    assert "ticket.status" in str(g.value(status, DCTERMS.source))  # the clause
    for assertion in g.subjects(RDF.type, EARL.Assertion):
        assert g.value(assertion, EARL.assertedBy) == assertor
        assert g.value(assertion, EARL.subject) == subject
    failed = next(a for a in g.subjects(EARL.test, status))
    message = str(g.value(g.value(failed, EARL.result), DCTERMS.description))
    assert "ticket.status was" in message


def test_earl_outcomes_for_errors_skips_and_should_findings(faulty_run: Path) -> None:
    results = copy.deepcopy(results_of(faulty_run))
    by_id = {c["id"]: c for c in results["checks"]}
    by_id["AM-SLEVEL"].update(status="error", reason="read timed out")
    by_id["AM-ERR-SESSION"].update(status="skipped", reason="the target serves no usable WSDL")
    results["checks"].append({**by_id["AM-STATUS"], "id": "AM23-MAIL", "status": "skipped",
                              "reason": "no SMTP capture: run with --smtp-capture"})
    by_id["AM-STATUS"]["level"] = "SHOULD"
    found = outcomes(graph(earl_bytes(results)))
    assert found["AM-SLEVEL"] == "cantTell"
    assert found["AM-ERR-SESSION"] == "inapplicable"
    assert found["AM23-MAIL"] == "untested"
    assert found["AM-STATUS"] == "failed"


def test_badge_is_svg_with_verdict_and_classes(faulty_run: Path) -> None:
    svg = lxml.etree.fromstring((faulty_run / BADGE_NAME).read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("data-verdict") == "nonconformant"
    value = svg.xpath("//*[@id='badge-value']")[0].text
    assert value == "not conformant · 0/1 classes"
    ok = copy.deepcopy(results_of(faulty_run))
    ok["verdict"] = "conformant"
    ok["classes"]["core"]["status"] = "passed"
    ok["target"]["endpoint"] = "http://x/<script>&"
    again = lxml.etree.fromstring(badge_bytes(ok))
    assert again.xpath("//*[@id='badge-value']")[0].text == "conformant · 1/1 classes"
    assert again.xpath("//*[local-name()='rect']")[1].get("fill") == "#2e7d32"


def test_summary_lists_the_failure_in_a_table_that_holds(faulty_run: Path) -> None:
    text = (faulty_run / SUMMARY_NAME).read_text(encoding="utf-8")
    assert text.startswith("### addMessage conformance: not conformant")
    row = next(line for line in text.splitlines() if line.startswith("| `AM-STATUS`"))
    assert "| MUST | failed |" in row and "ticket.status was" in row
    assert "2 passed, 1 failed" in text and "[report.html](report.html)" in text
    hostile = copy.deepcopy(results_of(faulty_run))
    failure = next(c for c in hostile["checks"] if c["id"] == "AM-STATUS")["failure"]
    failure["message"] = "a | b\nc `d` <e>"
    row = next(line for line in summary_markdown(hostile).splitlines()
               if line.startswith("| `AM-STATUS`"))
    assert row.count(" | ") == 3 and "a \\| b c \\`d\\` \\<e\\>" in row


def test_cli_writes_each_artefact_again_from_a_results_file(
        faulty_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = faulty_run / "results.json"
    for command, name in (("earl", "x.jsonld"), ("badge", "x.svg"), ("summary", "x.md")):
        assert cli_main([command, str(results), "--output", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_bytes() == (faulty_run / {
            "earl": EARL_NAME, "badge": BADGE_NAME, "summary": SUMMARY_NAME}[command]
        ).read_bytes()
    assert len(graph((tmp_path / "x.jsonld").read_bytes())) > 100


@pytest.mark.parametrize("content", [None, "{not json", '{"verdict": 1}'])
def test_cli_bad_results_file_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None) -> None:
    source = tmp_path / "results.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    for command in ("earl", "badge", "summary"):
        assert cli_main([command, str(source)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("conformance: error: ") and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == (["results.json"] if content else [])
