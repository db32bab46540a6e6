"""No false alarms on a correct server that behaves otherwise: the suite (quick profile,
in-process) passes the reference target with every legitimate variation of the catalogue
(``conformance variants``), combined, over five seeds. A check that fails a variant is a
bug of the check. Advisory findings (failed SHOULD checks) are allowed: the verdict stays
"conformant". The CLI side: the listing, ``serve --variant``, an unknown name, and a run
whose only finding is advisory (exit 0, shown in results.json, JUnit and the report)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from test_cli_serve import ENDPOINT_LINE, first_line

from conformance.cli import main
from conformance.reference.variants import CATALOGUE, suite_options
from conformance.suite import results
from conformance.suite.detection import run_embedded

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "conformance"]

ALL = [v.name for v in CATALOGUE]  # every variant can be on together with every other
# Variants whose forms the combination overrides (both prefix styles together give a
# default-namespace Envelope around ns1 elements, say): each alone too, on the checks it
# touches most, and the timing variants alone (a combination could mask a race).
ALONE = {
    "default-namespace": ["AM-SCHEMA", "AM-MESSAGE-LISTED", "AM-ERR-SESSION"],
    "xsi-type-element": ["AM-SCHEMA", "AM-MESSAGE-LISTED", "AM-ATTACHMENTS"],
    "uuid-ids": ["AM-MESSAGE-LISTED", "AM-ERR-TICKET", "AM-ATTACHMENT-BYTES"],
    "large-ids": ["AM-MESSAGE-ID", "AM-ERR-ATTACHMENT", "AM-STATEFUL"],
    "known-high-ids": ["AM-ERR-TICKET", "AM-ERR-ATTACHMENT", "AM-ERRORCODE"],
    "notify-delayed": ["AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM-ERR-NO-CHANGE"],
    "mail-queued": ["AM23-MAIL", "AM23-BCC-HIDDEN"],
    "bcc-separate-copies": ["AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS"],
    "bad-request-400": ["AM-ROBUST-FAULT", "AM-ROBUST-FAULT-INVALID", "AM-ROBUST-NO-CHANGE"],
    "activation-notes": ["AM-ERR-NO-CHANGE", "AM-ROBUST-NO-CHANGE", "AM-NOTIFY-FALSE",
                         "AM-STATUS", "AM-STATEFUL"],
    "attachment-in-use": ["AM-STATEFUL", "AM-ATTACHMENTS", "AM-ATTACHMENT-BYTES",
                          "AM-ERR-ATTACHMENT", "AM-DIFFERENTIAL"],
    "notify-unordered": ["AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM-ERR-NO-CHANGE",
                         "AM-STATEFUL"],
    "mail-flowed": ["AM23-MAIL", "AM23-BCC-HIDDEN"],
    "mail-html-only": ["AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS"],
    "template-variables": ["AM23-TEMPLATE", "AM23-MAIL"],
    "request-limit-413": ["AM-BODY-LIMITS", "AM-ATTACHMENT-BYTES"],
    "request-limit-fault": ["AM-BODY-LIMITS", "AM-ATTACHMENT-BYTES"],
    "tidy-names": ["AM-ROUNDTRIP", "AM-ATTACHMENT-META", "AM-TICKET-FIELDS"],
    "busy-503": ["AM-CONCURRENT", "AM-MESSAGE-ID"],
    "lenient-numbers": ["AM-ERR-SLEVEL", "AM-ERR-TICKET", "AM-ERR-ATTACHMENT",
                        "AM-ERRORCODE"],
}
# A failed SHOULD check shrinks for at most this long here (the verdict does not wait).
FAST = {"shrink_time": 1.0}


# Variants under which a target legitimately cannot show what a check reads: that check is
# skipped with the reason (never failed); every other check must pass.
UNOBSERVABLE = {"no-html-field": "AM3-HTML"}


def _false_alarms(outcomes: dict, variants: list[str] = ALL) -> dict:
    skippable = {UNOBSERVABLE[v] for v in variants if v in UNOBSERVABLE}
    return {k: (o.status, o.reason or (o.failure or {}).get("message"))
            for k, o in outcomes.items() if o.status != "passed" and not o.advisory
            and not (o.status == "skipped" and o.id in skippable)}


@pytest.mark.parametrize("seed", range(1, 6))
def test_suite_passes_every_variant_at_once(seed: int) -> None:
    outcomes = run_embedded([], seed=seed, variants=ALL,
                            options={**suite_options(ALL), **FAST})
    assert not _false_alarms(outcomes), f"false alarms (seed {seed})"
    assert results.verdict(list(outcomes.values())) == "conformant"


@pytest.mark.parametrize("variant", sorted(ALONE))
def test_suite_passes_a_variant_alone(variant: str) -> None:
    outcomes = run_embedded([], ALONE[variant], seed=7, variants=[variant],
                            options={**suite_options([variant]), **FAST})
    assert not _false_alarms(outcomes)
    assert all(o.status == "passed" for o in outcomes.values())


def test_a_target_without_an_html_body_field_skips_am3_html_with_the_reason() -> None:
    """no-html-field: getMessage answers 17 for message.html_body (no documented field
    carries the HTML body). AM3-HTML cannot read it back: skipped, not failed; the plain
    bodies of AM-BODY-LIMITS and the other reads (documented fields only) still pass."""
    checks = ["AM3-HTML", "AM-BODY-LIMITS", "AM-BODY-EXACT", "AM-SLEVEL"]
    outcomes = run_embedded([], checks, seed=7, variants=["no-html-field"], options=FAST)
    status = {o.id: o.status for o in outcomes.values()}
    assert status == {"AM3-HTML": "skipped", "AM-BODY-LIMITS": "passed",
                      "AM-BODY-EXACT": "passed", "AM-SLEVEL": "passed"}, status
    reason = outcomes["AM3-HTML"].reason
    assert "17 (InvalidField)" in reason and "message.html_body" in reason


def test_variants_lists_each_with_its_clause(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["variants"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [v.name for v in CATALOGUE]
    for line, spec in zip(lines, CATALOGUE, strict=True):
        assert line == f"{spec.name}\t{spec.allowed_by}" and spec.allowed_by.strip()


def test_unknown_variant_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "0", "--variant", "no-such-variant"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown variant no-such-variant" in err[0]
    assert "xsi-type-envelope" in err[0]  # names the known ones


def test_serve_with_combined_variants_answers_in_their_style() -> None:
    with subprocess.Popen([*CLI, "serve", "--port", "0", "--quiet", "--variant", "gzip",
                           "--variant", "xsi-type-envelope", "--variant", "envelope-prefix"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                          cwd=ROOT) as server:
        try:
            endpoint = first_line(server.stdout, timeout=30)
            assert ENDPOINT_LINE.match(endpoint), endpoint
            body = (b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                    b'<soap:Body><login xmlns="urn:superoffice:service:ticket"><userName>egon'
                    b'</userName><password>norges bank</password></login></soap:Body>'
                    b'</soap:Envelope>')
            request = urllib.request.Request(endpoint, body, {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": '"urn:superoffice:service:ticket#login"',
                "Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                assert response.headers["Content-Encoding"] == "gzip"
                text = gzip.decompress(response.read()).decode()
        finally:
            server.terminate()
            server.wait(timeout=10)
    assert "<SOAP-ENV:Envelope" in text and 'xsi:type="xsd:string"' in text
    assert "<ns1:loginResponse" in text


def test_advisory_finding_keeps_the_verdict_and_exit_code(tmp_path: Path) -> None:
    result = subprocess.run(
        [*CLI, "run", "--profile", "quick", "--seed", "3", "--variant",
         "lenient-extra-elements", "--check", "AM-ROBUST-FAULT", "--check",
         "AM-ROBUST-FAULT-INVALID", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "verdict: conformant, with 1 advisory finding" in result.stdout
    assert "ADVISORY AM-ROBUST-FAULT-INVALID" in result.stdout
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["verdict"] == "conformant"
    assert data["verdict_text"] == "conformant, with 1 advisory finding"
    assert [a["id"] for a in data["advisories"]] == ["AM-ROBUST-FAULT-INVALID"]
    assert data["counts"]["advisory"] == 1
    by_id = {c["id"]: c for c in data["checks"]}
    assert by_id["AM-ROBUST-FAULT-INVALID"]["status"] == "failed"
    assert by_id["AM-ROBUST-FAULT-INVALID"]["advisory"] is True
    assert by_id["AM-ROBUST-FAULT-INVALID"]["level"] == "SHOULD"
    assert by_id["AM-ROBUST-FAULT"]["status"] == "passed"
    junit = (tmp_path / "junit.xml").read_text()
    assert 'name="advisory"' in junit and "<failure" not in junit
    page = (tmp_path / "report.html").read_text()
    assert "conformant, with 1 advisory finding" in page
