"""A whole run in this process: the suite's pytest session (the engine's checks, with the
state ``conformance run`` prepared injected), then the report of what it wrote."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from conformance.orchestrate.outputs import JUNIT_NAME, render_outputs, stale_outputs
from conformance.suite import test_conformance
from conformance.suite.plugin import SuiteState


class _Injection:
    """Hands the prepared state to the plugin (looked up as ``conformance-run``)."""

    __name__ = "conformance-run"

    def __init__(self, state: SuiteState) -> None:
        self.state = state


def run_session(state: SuiteState, report_dir: Path, quiet: bool = True,
                extra: list[str] | None = None) -> int:
    """Run the suite's tests in this process, then render the report; returns pytest's
    exit code."""
    report_dir.mkdir(parents=True, exist_ok=True)
    results_path = report_dir / "results.json"
    for stale in stale_outputs(report_dir):
        stale.unlink(missing_ok=True)  # never render an earlier run's results as this one's
    state.target_info["results_path"] = str(results_path)
    with tempfile.TemporaryDirectory() as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        args = [
            str(Path(test_conformance.__file__)), "-c", str(ini), "--rootdir", tmp,
            "-p", "no:cacheprovider", "-p", "no:randomly",
            f"--junitxml={report_dir / JUNIT_NAME}", "-o", "junit_family=xunit2",
            "-o", "junit_suite_name=addmessage-conformance",
            f"--results-json={results_path}",
            "-qq" if quiet else "-v", "--no-header", "-rN",
            "-W", "ignore::DeprecationWarning",
            "-o", "console_output_style=classic",  # no [100%]: progress lines say more
            "-W", "ignore::pytest.PytestAssertRewriteWarning", *(extra or []),
        ]
        code = int(pytest.main(args, plugins=[_Injection(state)]))
    render_outputs(report_dir)
    return code
