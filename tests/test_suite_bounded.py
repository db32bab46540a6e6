"""Bounded time and honest outcomes against a bad target (issue 11, points 3-5; issue 9.6):
a target that hangs or resets costs a few timeouts, not one per check; the run-wide budget
stops the run; a run that stops at setup still writes its three reports; a target that
answers but breaks the contract during setup is a failed check (exit 1), credentials it
refuses exit 2, an unreachable one exit 3; transport failures are said in words.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bad_servers import HANG, RESET, TRUNCATE, BadProxy
from waitress.server import create_server

from conformance import soap
from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import runner, transport
from conformance.suite.catalogue import select
from conformance.suite.client import ClientConfig, http_session
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.guard import DEFAULT_MAX_FAILURES
from conformance.suite.outcome import ERROR, FAILED, SETUP_CHECK, run_check
from conformance.suite.plugin import execute
from conformance.suite.results import verdict

CLI = [sys.executable, "-m", "conformance"]
CREDENTIALS = ["--user", "egon", "--password", "norges bank", "--owner-user", "kari",
               "--owner-password", "nordmann", "--owner-id", "11"]
# Checks whose examples all send addMessage (and nothing else of the family) first.
ADD_MESSAGE_CHECKS = ["AM-STATUS", "AM-SLEVEL", "AM-BODY-EXACT", "AM-MESSAGE-ID",
                      "AM-MESSAGE-LISTED", "AM-TICKET-FIELDS"]


@pytest.fixture
def bad(make_target: Callable[..., ReferenceTarget]) -> Iterator[Callable[..., BadProxy]]:
    made: list[BadProxy] = []

    def make(behaviour: dict[str, str]) -> BadProxy:
        made.append(BadProxy(make_target().endpoint, behaviour))
        return made[-1]

    yield make
    for proxy in made:
        proxy.close()


def suite_config(endpoint: str, **client: Any) -> SuiteConfig:
    return SuiteConfig(
        endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon", password="norges bank",
        owner_user="kari", owner_password="nordmann", owner_id="11",
        profile=PROFILES["quick"], seed=1,
        client=ClientConfig(endpoint, timeout=client.pop("timeout", 0.5), retries=0,
                            **client))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=120,
                          cwd=cwd)


# 5. bounded time ------------------------------------------------------------------------------
@pytest.mark.parametrize("behaviour", [HANG, RESET])
def test_consecutive_failures_of_an_operation_end_its_checks_at_once(
        bad: Callable[..., BadProxy], behaviour: str) -> None:
    """addMessage hangs (or resets) on every call: after 3 of them it is not sent again, so
    six checks cost 3 timeouts, not 6; the others end as errors saying why."""
    proxy = bad({"addMessage": behaviour})
    state = runner.prepare(suite_config(proxy.endpoint, max_failures=3))
    assert state.context is not None
    outcomes = [run_check(state.context, check, None, "replay")
                for check in select(ADD_MESSAGE_CHECKS)]
    assert proxy.hits[behaviour] == 3
    assert [o.status for o in outcomes] == [ERROR] * len(ADD_MESSAGE_CHECKS)
    words = {HANG: "the target did not answer within 0.5 s",
             RESET: "the target reset the connection"}[behaviour]
    assert words in outcomes[0].reason
    assert all("not sent: addMessage stopped answering (3 calls in a row failed" in o.reason
               for o in outcomes[3:]), [o.reason for o in outcomes]
    assert state.stopped_reason() is not None
    assert verdict(outcomes, state.stopped_reason()) == "error"


def test_run_wide_budget_stops_sending(target: ReferenceTarget) -> None:
    state = runner.prepare(suite_config(target.endpoint, max_time=3600))
    assert state.context is not None
    state.context.client.guard.max_time = 0.01  # the budget is used up from here on
    time.sleep(0.05)
    [outcome] = [run_check(state.context, c, None, "replay") for c in select(["AM-STATUS"])]
    assert outcome.status == ERROR
    assert "not sent: the run's time budget of 0.01 s (--max-time) is used up" in (
        outcome.reason)


def test_a_quick_run_against_a_hanging_target_ends_soon_with_its_report(
        bad: Callable[..., BadProxy], tmp_path: Path) -> None:
    """Every addMessage-family call hangs; the whole quick profile still ends, exit 3, with
    report.html, junit.xml and results.json (measured: about 10 s at --timeout 0.5)."""
    proxy = bad({"addMessage": HANG, "addMessage2": HANG, "addMessage3": HANG})
    started = time.monotonic()
    done = cli("run", "--endpoint", proxy.endpoint, *CREDENTIALS, "--profile", "quick",
               "--timeout", "0.5", "--retries", "0", "--report-dir", "out", cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert done.returncode == 3, done.stdout + done.stderr
    # DEFAULT_MAX_FAILURES per hanging operation, and AM-CONCURRENT's 4 threads may all be
    # in flight at once
    assert proxy.hits[HANG] <= DEFAULT_MAX_FAILURES * 3 + 4, proxy.hits
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "error" and "stopped answering" in data["aborted"]
    assert (tmp_path / "out" / "junit.xml").is_file()
    assert (tmp_path / "out" / "report.html").is_file()
    print(f"quick run against a hanging target: {elapsed:.1f} s, {proxy.hits[HANG]} hung calls")


# 4. a report on every run that started, 3./9.6 exit codes at setup ------------------------------
def test_a_run_stopped_at_setup_writes_its_reports(bad: Callable[..., BadProxy],
                                                   tmp_path: Path) -> None:
    proxy = bad({"*": HANG})
    done = cli("run", "--endpoint", proxy.endpoint, *CREDENTIALS, "--timeout", "0.5",
               "--retries", "0", "--check", "AM-STATUS", "--check", "AM-SLEVEL",
               "--report-dir", "out", cwd=tmp_path)
    assert done.returncode == 3, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "login: the target" in line and "Traceback" not in done.stderr
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "error" and "login" in data["aborted"]
    assert [(c["id"], c["status"]) for c in data["checks"]] == [("AM-STATUS", ERROR),
                                                                ("AM-SLEVEL", ERROR)]
    assert all(c["reason"].startswith("not run: the run stopped at setup: ")
               for c in data["checks"])
    assert data["setup_exchanges"][0]["operation"] == "login"
    junit = (tmp_path / "out" / "junit.xml").read_text(encoding="utf-8")
    assert "not run: the run stopped at setup" in junit
    assert "norges bank" not in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_refused_credentials_exit_2_with_a_report(tmp_path: Path) -> None:
    done = cli("run", "--password", "wrong", "--check", "AM-STATUS", "--report-dir", "out",
               cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "login refused by the target: errorCode 2" in line
    data = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "error" and "wrong" not in json.dumps(data)


def _invalid_login_target() -> Any:
    """Answers every POST with a SOAP envelope whose loginResponse does not validate."""
    body = soap.envelope_bytes(soap.parse_xml(
        b'<t:loginResponse xmlns:t="urn:superoffice:service:ticket"><t:bogus>1</t:bogus>'
        b'</t:loginResponse>'))

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        start_response("200 OK", [("Content-Type", soap.CONTENT_TYPE),
                                  ("Content-Length", str(len(body)))])
        return [body]

    return create_server(app, host="127.0.0.1", port=0, threads=2)


def test_an_invalid_answer_at_setup_is_a_failed_check_not_a_usage_error() -> None:
    server = _invalid_login_target()
    endpoint = f"http://127.0.0.1:{server.effective_port}/service/ticket"
    import threading

    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        state = runner.prepare(suite_config(endpoint))  # no RunError: the target answered
        outcomes = {cid: execute(state, cid) for cid in (SETUP_CHECK, "AM-STATUS")}
    finally:
        stop_serving(server, thread)
    failure = outcomes[SETUP_CHECK].failure
    assert outcomes[SETUP_CHECK].status == FAILED and failure is not None
    assert "during setup: login: the response does not validate" in failure["message"]
    assert "bogus" in failure["response"] and failure["operation"] == "login"
    assert outcomes["AM-STATUS"].status == ERROR
    assert verdict(list(outcomes.values()), state.setup_error) == "nonconformant"  # exit 1


# 3. transport errors in words ---------------------------------------------------------------------
def test_a_cut_off_answer_is_said_in_words(bad: Callable[..., BadProxy]) -> None:
    proxy = bad({"*": TRUNCATE})
    session = http_session(ClientConfig(proxy.endpoint))
    with pytest.raises(Exception) as raised:
        response = session.post(proxy.endpoint, data=b"x", stream=True,
                                headers={"SOAPAction": "x#login"})
        transport.read_capped(response, 1 << 20)
    assert transport.reason(raised.value, 5) == (
        "the target closed the connection after 151 of 302 bytes of its answer")
