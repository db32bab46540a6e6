"""Running the suite in-process against a running target (the embedded one with faults is
``conformance.suite.detection.run_embedded``), or as ``conformance run`` in a process of its
own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import Outcome
from conformance.suite.provisional import run_in_order


def prepare_and_run(endpoint: str, wsdl: str, checks: list[str], seed: int = 1
                    ) -> dict[str, Outcome]:
    """Outcome of each check against a running target, with the reference users."""
    config = SuiteConfig(endpoint=endpoint, wsdl=wsdl, user="", password="", owner_user="",
                         owner_password="", owner_id="", profile=PROFILES["quick"], seed=seed,
                         checks=checks)
    runner.embedded_config(config, endpoint)
    config.embedded = False
    state = runner.prepare(config)
    assert state.context is not None
    return run_in_order(state.context, select(checks), lambda _check_id: "replay")


ROOT = Path(__file__).resolve().parent.parent


def cli_run(report_dir: Path, checks: list[str], *options: str
            ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any], str]:
    """``conformance run --profile quick`` on ``checks`` with ``options``: the finished
    process, its results.json and its junit.xml."""
    args = [sys.executable, "-m", "conformance", "run", "--profile", "quick", *options,
            "--report-dir", str(report_dir)]
    for check_id in checks:
        args += ["--check", check_id]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          check=False)
    results = json.loads((report_dir / "results.json").read_text())
    return done, results, (report_dir / "junit.xml").read_text()


def in_junit_order(junit: str, checks: list[str]) -> bool:
    """Whether junit.xml names ``checks`` in that order."""
    places = [junit.index(f"[{c}]") for c in checks]
    return places == sorted(places)
