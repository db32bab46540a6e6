"""What a run leaves behind, in order: the differential phase (when asked), results.json
(the engine's results document, redacted), then what reads only results.json: EARL, the
badge and the summary beside it, and the HTML report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance.publish import OUTPUT_NAMES, write_beside
from conformance.report import render_report
from conformance.report.junit import add_missing
from conformance.suite import results
from conformance.suite.outcome import Redactor
from conformance.suite.plugin import SuiteState, results_document

REPORT_NAME = "report.html"
JUNIT_NAME = "junit.xml"


def differential_phase(state: SuiteState, option: str | None) -> None:
    """With --differential, one more outcome (AM-REFERENCE-DIFF) after the checks."""
    mode = state.differential or option
    if mode and state.context is not None and state.setup_error is None:
        from conformance.differential import run_differential

        state.outcomes.append(run_differential(state, mode))


def finish_session(state: SuiteState, results_path: Path, differential: str | None) -> None:
    """After the checks, in the pytest session: results.json and the published outputs
    beside it."""
    write_results(session_document(state, results_path, differential), results_path,
                  state.redactor)


def session_document(state: SuiteState, results_path: Path, differential: str | None
                     ) -> dict[str, Any]:
    """After the checks: the work left for the session's end (the fault catalogue's score,
    say), the differential phase, then the session's results document, redacted."""
    for work in state.at_finish:
        work()
    state.target_info.setdefault("results_path", str(results_path))
    differential_phase(state, differential)
    document: dict[str, Any] = state.redactor.deep(results_document(state))
    return document


def write_results(document: dict[str, Any], results_path: Path, redactor: Redactor) -> None:
    """results.json and the published outputs beside it."""
    results.write(document, results_path, redactor)
    write_beside(results_path, redactor.deep(document))


def stale_outputs(report_dir: Path) -> list[Path]:
    """Every file a run writes into its report dir."""
    return [report_dir / name for name in ("results.json", JUNIT_NAME, REPORT_NAME,
                                           *OUTPUT_NAMES)]


def render_outputs(report_dir: Path) -> None:
    """The HTML report of the results.json in ``report_dir``, if the run wrote one, and the
    checks that ran after pytest's tests (the differential oracle) added to junit.xml."""
    results_path = report_dir / "results.json"
    if results_path.is_file():
        render_report(results_path, report_dir / REPORT_NAME)
        if (report_dir / JUNIT_NAME).is_file():  # the checks that ran after pytest's tests
            add_missing(json.loads(results_path.read_text(encoding="utf-8")),
                        report_dir / JUNIT_NAME)
