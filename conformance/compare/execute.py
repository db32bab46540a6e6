"""Running each target of a comparison: one ``conformance run`` per target, as a child
process with the same seed, profile and checks, into its own report sub-dir
(``<report-dir>/<name>/``: report.html, results.json, junit.xml, EARL, badge, run.log).

Child processes because a run is a whole pytest session (pytest is not re-entrant in one
process, let alone in threads); so ``--workers N`` runs up to N targets at once. Each child
gets only its own target's users and secrets, in the ``CONFORMANCE_*`` environment
variables (never on a command line); the caller's ``CONFORMANCE_*`` variables are not
passed on, so the embedded reference target always runs with its own seed users."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from conformance.compare.targets import TargetSpec
from conformance.suite.config import (
    ENV_OWNER_ID,
    ENV_OWNER_PASSWORD,
    ENV_OWNER_USER,
    ENV_PASSWORD,
    ENV_USER,
)

LOG_NAME = "run.log"


@dataclass
class RunPlan:
    seed: int
    profile: str
    checks: list[str] = field(default_factory=list)
    timeout: float | None = None  # seconds per request, passed to each run
    extra: list[str] = field(default_factory=list)  # more `conformance run` options


@dataclass
class TargetRun:
    spec: TargetSpec
    report_dir: Path
    exit_code: int
    message: str = ""  # the run's last line of error output when it did not finish

    @property
    def results_path(self) -> Path:
        return self.report_dir / "results.json"


def command(spec: TargetSpec, plan: RunPlan, report_dir: Path) -> list[str]:
    # --config os.devnull: a target's run never takes another target's settings (endpoint,
    # users, headers) from the configuration file of the current directory
    args = [sys.executable, "-m", "conformance", "run", "--config", os.devnull,
            "--profile", plan.profile,
            "--seed", str(plan.seed), "--report-dir", str(report_dir)]
    for check in plan.checks:
        args += ["--check", check]
    if plan.timeout is not None:
        args += ["--timeout", str(plan.timeout)]
    if spec.embedded:
        for fault in spec.faults:
            args += ["--fault", fault]
    else:
        args += ["--endpoint", spec.endpoint]
    for flag, value in (("--wsdl", spec.wsdl), ("--smtp-capture", spec.smtp_capture)):
        if value:
            args += [flag, value]
    return [*args, *plan.extra]


def environment(spec: TargetSpec) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")}
    secrets = spec.secrets()
    for name, value in ((ENV_USER, spec.user), (ENV_PASSWORD, secrets.get("password")),
                        (ENV_OWNER_USER, spec.owner_user),
                        (ENV_OWNER_PASSWORD, secrets.get("owner_password")),
                        (ENV_OWNER_ID, spec.owner_id)):
        if value:
            env[name] = value
    return env


def run_target(spec: TargetSpec, plan: RunPlan, base: Path) -> TargetRun:
    report_dir = base / spec.name
    report_dir.mkdir(parents=True, exist_ok=True)
    env = environment(spec)
    (report_dir / "results.json").unlink(missing_ok=True)  # never read an older run's
    log_path = report_dir / LOG_NAME
    with log_path.open("w", encoding="utf-8") as log:
        done = subprocess.run(command(spec, plan, report_dir), env=env, stdout=log,
                              stderr=subprocess.STDOUT, text=True, check=False)
    message = ""
    if done.returncode not in (0, 1):
        lines = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        message = lines[-1] if lines else f"exit code {done.returncode}"
    return TargetRun(spec, report_dir, done.returncode, message)


def run_all(specs: list[TargetSpec], plan: RunPlan, base: Path, workers: int = 1,
            progress: Callable[[TargetRun], None] | None = None) -> list[TargetRun]:
    """Every target run, in the order of ``specs``; up to ``workers`` at once."""
    for spec in specs:
        environment(spec)  # a missing secret is a usage error before anything runs
    base.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(run_target, spec, plan, base) for spec in specs]
        runs = []
        for future in futures:
            run = future.result()
            if progress is not None:
                progress(run)
            runs.append(run)
        return runs
