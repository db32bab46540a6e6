"""Evidence that shows what happened (issue 9, point 8): each recorded exchange carries the
HTTP method, URL, status and headers of the request and the response, secrets redacted
(basic auth, extra header values, cookies, session keys); a mail finding carries the mail
and its recipients. In results.json and in the report's failure details."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.contract import CANONICAL_WSDL
from conformance.report import render_report
from conformance.suite import results, runner
from conformance.suite.config import PROFILES, SuiteConfig, transport_config
from conformance.suite.evidence import REDACTED, redact_headers
from conformance.suite.outcome import Outcome, run_check
from conformance.suite.plugin import SuiteState, results_document
from conformance.suite.registry import select

API_KEY, PROXY_PASSWORD = "api-key-3141592653", "proxy-pw-2718281828"
CHECKS = ["AM-STATUS", "AM23-BCC-HIDDEN"]


@pytest.fixture(scope="module")
def failed_run() -> Iterator[tuple[SuiteState, dict[str, Outcome]]]:
    with runner.embedded_target(["status-reopen", "bcc-visible"]) as embedded:
        endpoint = embedded.target.endpoint
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=7, checks=CHECKS)
        config.client = transport_config(
            endpoint, timeout=30, retries=0, rate_limit=0,
            headers=[f"X-Api-Key: {API_KEY}", "X-Trace: visible-trace"],
            basic_auth=f"proxy:{PROXY_PASSWORD}", client_cert=None, client_key=None,
            ca_bundle=None)
        runner.embedded_config(config, endpoint)
        state = runner.prepare(config, embedded.capture)
        outcomes = {c.id: run_check(state.context, c, None, "replay") for c in select(CHECKS)}
        state.outcomes = list(outcomes.values())
        yield state, outcomes


def test_headers_are_redacted_by_name() -> None:
    shown = redact_headers({"Authorization": "Basic abc", "Cookie": "s=1", "X-Key": "k",
                            "SOAPAction": '"urn:x#y"'}, ["x-key"])
    assert shown == {"Authorization": REDACTED, "Cookie": REDACTED, "X-Key": REDACTED,
                     "SOAPAction": '"urn:x#y"'}


def test_failure_carries_method_url_status_and_headers(failed_run: tuple) -> None:
    state, outcomes = failed_run
    failure = outcomes["AM-STATUS"].failure
    assert failure is not None
    assert failure["method"] == "POST" and failure["url"] == state.config.endpoint
    assert failure["http_status"] == 200
    sent = {k.lower(): v for k, v in failure["request_headers"].items()}
    assert sent["soapaction"].strip('"').endswith(f"#{failure['operation']}")
    assert sent["content-type"].startswith("text/xml")
    assert sent["authorization"] == REDACTED and sent["x-api-key"] == REDACTED
    assert sent["x-trace"] == REDACTED  # every extra header value counts as a secret
    assert sent["user-agent"]  # what the suite's HTTP stack really sent
    received = {k.lower(): v for k, v in failure["response_headers"].items()}
    assert received["content-type"].startswith("text/xml")
    for exchange in failure["exchanges"]:
        assert exchange["method"] == "POST" and exchange["url"] == state.config.endpoint
        assert exchange["request_headers"] and exchange["response_headers"]


def test_mail_finding_names_the_mail_and_its_recipients(failed_run: tuple) -> None:
    _state, outcomes = failed_run
    failure = outcomes["AM23-BCC-HIDDEN"].failure
    assert failure is not None
    bcc = failure["example"]["mail"]["bcc"]
    assert failure["mail"], "the mail received for the example is evidence"
    shown = [m for m in failure["mail"] if any(b in json.dumps(m["headers"]) for b in bcc)]
    assert shown and all(m["envelope_to"] for m in shown)
    assert all("Message-ID" in m["headers"] for m in failure["mail"])


def test_results_and_report_show_the_evidence_without_secrets(failed_run: tuple,
                                                              tmp_path: Path) -> None:
    state, _outcomes = failed_run
    state.context.teardown()
    path = results.write(results_document(state), tmp_path / "results.json", state.redactor)
    render_report(path, tmp_path / "report.html")
    written = path.read_text(encoding="utf-8")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for text in (written, page):
        assert API_KEY not in text and PROXY_PASSWORD not in text
        assert "visible-trace" not in text and "X-Trace" in text
        assert "norges bank" not in text and state.context.agent_key not in text
        assert "SOAPAction" in text and "Content-Type" in text
    assert f"POST {state.config.endpoint}" in page
    assert "2 session(s) opened, 2 closed" in page and 'id="discovery"' in page
    assert json.loads(written)["sessions"]["closed"] == 2
