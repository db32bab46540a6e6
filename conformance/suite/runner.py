"""A whole run, as ``conformance run`` does it: start the embedded reference target (and
the SMTP capture) when no endpoint is given, check the configuration and reach the target
before anything else, run the pytest suite in-process, and stop what was started.

Exceptions of type :class:`RunError` carry the exit code of PRODUCT.md (2 configuration or
credentials the target refuses, 3 unreachable or stopped answering) and one readable line;
one raised after the first request also carries the run's state, so that the report is
still written. A target that answers during setup but breaks the contract (an undecodable or
invalid response) is no RunError: the run goes on to report it as a failure of AM-SCHEMA
with its evidence (exit 1), every other check not run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conformance.contract import ContractError, load_contract
from conformance.suite import test_conformance
from conformance.suite.client import (
    ClientConfig,
    Exchange,
    LoginRefused,
    Recorder,
    TargetClient,
    TargetError,
)
from conformance.suite.config import REFERENCE_OWNER, REFERENCE_USER, SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.fetch import local_wsdl as fetch_local_wsdl
from conformance.suite.outcome import SETUP_CHECK, failure_record
from conformance.suite.plugin import SuiteState
from conformance.suite.registry import select

EXIT_USAGE, EXIT_UNREACHABLE = 2, 3


class RunError(Exception):
    def __init__(self, message: str, exit_code: int, state: SuiteState | None = None) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        self.state = state  # set once a request was sent: the report must still be written


class _Injection:
    """Hands the prepared state to the plugin (looked up as ``conformance-run``)."""

    __name__ = "conformance-run"

    def __init__(self, state: SuiteState) -> None:
        self.state = state


@dataclass
class Embedded:
    target: Any
    capture: Any


@contextlib.contextmanager
def embedded_target(faults: list[str]) -> Iterator[Embedded]:
    """The reference target on a free loopback port, mailing to a capture server."""
    from conformance.reference import ReferenceTarget, TargetConfig
    from conformance.reference.faults import UnknownFault
    from conformance.suite.smtp_capture import SmtpCapture

    quiet_target_logs()
    capture = SmtpCapture(wait=1.0).start()  # the reference target mails before it answers
    try:
        try:
            target = ReferenceTarget(TargetConfig(smtp=capture.address, faults=faults))
        except UnknownFault as exc:
            raise RunError(str(exc), EXIT_USAGE) from None
        with target:
            yield Embedded(target, capture)
    finally:
        capture.stop()


def quiet_target_logs() -> None:
    """The embedded target's log (a fault's internal errors, say) is not the run's output."""
    target_log = logging.getLogger("conformance.reference")
    if not target_log.handlers:
        target_log.addHandler(logging.NullHandler())
        target_log.propagate = False


def embedded_config(config: SuiteConfig, endpoint: str) -> SuiteConfig:
    config.endpoint = endpoint
    config.user, config.password = config.user or REFERENCE_USER[0], (
        config.password or REFERENCE_USER[1])
    config.owner_user = config.owner_user or REFERENCE_OWNER[0]
    config.owner_password = config.owner_password or REFERENCE_OWNER[1]
    config.owner_id = config.owner_id or REFERENCE_OWNER[2]
    config.embedded = True
    if config.client is None:
        config.client = ClientConfig(endpoint)
    config.client.endpoint = endpoint
    return config


def prepare(config: SuiteConfig, capture: Any = None) -> SuiteState:
    """Check the configuration and reach the target; the state the plugin will use."""
    missing = [flag for flag, value in (
        ("--user", config.user), ("--password", config.password),
        ("--owner-user", config.owner_user), ("--owner-password", config.owner_password),
        ) if not value]  # --owner-id may be left to discovery
    if missing:
        raise RunError(f"missing {', '.join(missing)} (give the options or the "
                       "CONFORMANCE_* environment variables)", EXIT_USAGE)
    try:
        select(config.checks)
    except KeyError as exc:
        raise RunError(str(exc.args[0]), EXIT_USAGE) from None
    try:
        contract = load_contract(local_wsdl(config))
    except ContractError as exc:
        raise RunError(str(exc), EXIT_USAGE) from None
    state = SuiteState(config=config, capture=capture)
    state.redactor.add(*config.secrets())
    recorder = Recorder()
    client = TargetClient(contract, config.client or ClientConfig(config.endpoint), recorder)
    ctx = RunContext(config, contract, client, recorder, capture)
    state.context = ctx
    try:
        ctx.setup()
    except TargetError as exc:
        state.redactor.add(*ctx.session_keys)
        state.setup_error = f"{config.endpoint}: {exc}"
        breach = contract_breach(recorder)
        if breach is None:
            code = EXIT_USAGE if isinstance(exc, LoginRefused) else EXIT_UNREACHABLE
            raise RunError(state.setup_error, code, state) from None
        state.setup_failure = failure_record(ctx, f"during setup: {exc}",
                                             f"conformance run --check {SETUP_CHECK}")
        return state
    state.redactor.add(*ctx.session_keys)
    return state


def contract_breach(recorder: Recorder) -> Exchange | None:
    """The setup exchange in which the target answered (HTTP 200 or 500, the statuses of
    SOAP 1.1 over HTTP) something undecodable or invalid, if that is why setup stopped."""
    last = recorder.current[-1] if recorder.current else None
    if last is not None and last.error is None and last.response_invalid and (
            last.status in (200, 500)):
        return last
    return None


def local_wsdl(config: SuiteConfig) -> str:
    """The WSDL for messages (one given as a URL fetched through the suite's session)."""
    return fetch_local_wsdl(config.wsdl, config.client or ClientConfig(config.endpoint))


def run_pytest(state: SuiteState, report_dir: Path, quiet: bool = True,
               extra: list[str] | None = None) -> int:
    """Run the suite's tests in this process; returns pytest's exit code."""
    report_dir.mkdir(parents=True, exist_ok=True)
    results_path = report_dir / "results.json"
    from conformance.publish import OUTPUT_NAMES  # issue 14: EARL, badge, summary

    for stale in (results_path, report_dir / "junit.xml", report_dir / "report.html",
                  *(report_dir / name for name in OUTPUT_NAMES)):
        stale.unlink(missing_ok=True)  # never render an earlier run's results as this one's
    state.target_info["results_path"] = str(results_path)
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        args = [
            str(Path(test_conformance.__file__)), "-c", str(ini), "--rootdir", tmp,
            "-p", "no:cacheprovider", "-p", "no:randomly",
            f"--junitxml={report_dir / 'junit.xml'}", "-o", "junit_family=xunit2",
            "-o", "junit_suite_name=addmessage-conformance",
            f"--results-json={results_path}",
            "-qq" if quiet else "-v", "--no-header", "-rN",
            "-W", "ignore::DeprecationWarning",
            "-o", "console_output_style=classic",  # no [100%]: progress lines say more
            "-W", "ignore::pytest.PytestAssertRewriteWarning", *(extra or []),
        ]
        code = int(pytest.main(args, plugins=[_Injection(state)]))
    if results_path.is_file():
        from conformance.report import render_report

        render_report(results_path, report_dir / "report.html")
        if (report_dir / "junit.xml").is_file():  # checks after pytest's tests (issue 14)
            from conformance.report.junit import add_missing

            add_missing(json.loads(results_path.read_text(encoding="utf-8")),
                        report_dir / "junit.xml")
    return code
