"""What ``--workers`` gains against a slow target, side by side in one run.

The reference target runs in a process of its own (``conformance serve --latency MS``, so
every SOAP answer comes about MS milliseconds late, like a remote target's), mailing to an
SMTP capture in this process. The whole suite then runs twice through the same path as
``conformance run`` (pre-flight, pytest, results.json, junit.xml, report.html): once
serially and once with ``--workers N``, same profile and seed; rounds alternate. Printed:
each run's wall time, the speed-up, and whether both runs gave the same verdict and the same
checks in the same order with the same statuses and example counts.

With ``--xdist``, the same under plain pytest instead: ``pytest --pyargs
conformance.suite.test_conformance`` serially and with pytest-xdist's ``-n N``, each
session in a process of its own, the target mailing to the port the session's observer
worker listens on (``--smtp-capture``).

Run from the repository root: ``.venv/bin/python benchmarks/workers.py [--workers N]
[--latency MS] [--profile P] [--seed N] [--rounds N] [--xdist]``. The last line is
machine-readable.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from conformance.contract import CANONICAL_WSDL
from conformance.orchestrate import run_session
from conformance.suite import runner
from conformance.suite.config import PROFILES, REFERENCE_OWNER, REFERENCE_USER, SuiteConfig
from conformance.suite.smtp_capture import SmtpCapture


def run_suite(endpoint: str, capture: SmtpCapture, profile: str, seed: int, workers: int,
              report_dir: Path) -> tuple[float, dict[str, Any]]:
    config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                         owner_user="", owner_password="", owner_id="",
                         profile=PROFILES[profile], seed=seed, workers=workers)
    runner.embedded_config(config, endpoint)
    started = time.perf_counter()
    state = runner.prepare(config, capture)
    run_session(state, report_dir)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


def run_pytest(endpoint: str, capture_at: str, profile: str, seed: int, workers: int,
               report_dir: Path) -> tuple[float, dict[str, Any]]:
    """The suite under plain pytest, with ``-n workers`` (pytest-xdist) above 1."""
    report_dir.mkdir(parents=True)
    env = {**os.environ, "CONFORMANCE_PASSWORD": REFERENCE_USER[1],
           "CONFORMANCE_OWNER_PASSWORD": REFERENCE_OWNER[1],
           "CONFORMANCE_CACHE_DIR": str(report_dir / "cache")}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
         "conformance.suite.test_conformance", "--endpoint", endpoint, "--user",
         REFERENCE_USER[0], "--owner-user", REFERENCE_OWNER[0], "--smtp-capture",
         capture_at, "--profile", profile, "--seed", str(seed), "--example-db", "none",
         "--results-json", str(report_dir / "results.json"),
         *(["-n", str(workers)] if workers > 1 else [])],
        cwd=report_dir, env=env, stdout=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def summary(results: dict[str, Any]) -> list[tuple[str, str, int]]:
    return [(c["id"], c["status"], c["examples"]) for c in results["checks"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--latency", type=float, default=20.0, help="milliseconds")
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--xdist", action="store_true",
                        help="plain pytest, serial and with pytest-xdist's -n N")
    args = parser.parse_args()
    runner.quiet_target_logs()
    capture = None if args.xdist else SmtpCapture(wait=1.0).start()
    capture_at = capture.address if capture is not None else f"127.0.0.1:{free_port()}"
    child = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0", "--quiet",
         "--smtp", capture_at, "--latency", str(args.latency)],
        stdout=subprocess.PIPE, text=True)
    times: dict[int, list[float]] = {1: [], args.workers: []}
    same = True
    try:
        endpoint = (child.stdout.readline() if child.stdout else "").strip()
        with tempfile.TemporaryDirectory() as tmp:
            for n in range(args.rounds):
                got = {}
                for workers in (1, args.workers):
                    folder = Path(tmp) / f"{n}-{workers}"
                    elapsed, results = (
                        run_suite(endpoint, capture, args.profile, args.seed, workers, folder)
                        if capture is not None else
                        run_pytest(endpoint, capture_at, args.profile, args.seed, workers,
                                   folder))
                    times[workers].append(elapsed)
                    got[workers] = results
                    print(f"round {n + 1}, {workers} worker(s): {elapsed:.1f} s, verdict "
                          f"{results['verdict']}, {results['requests']['total']} requests",
                          flush=True)
                serial, parallel = got[1], got[args.workers]
                if (serial["verdict"], summary(serial)) != (parallel["verdict"],
                                                            summary(parallel)):
                    same = False
                    print("  DIFFERENT results:")
                    for a, b in zip(summary(serial), summary(parallel), strict=False):
                        if a != b:
                            print(f"    serial {a} / parallel {b}")
    finally:
        child.terminate()
        child.wait(timeout=10)
        if capture is not None:
            capture.stop()
    serial_s = statistics.median(times[1])
    parallel_s = statistics.median(times[args.workers])
    print(f"{'pytest-xdist, ' if args.xdist else ''}latency {args.latency:g} ms, profile "
          f"{args.profile}, seed {args.seed}: serial "
          f"{serial_s:.1f} s, {args.workers} workers {parallel_s:.1f} s, speed-up "
          f"{serial_s / parallel_s:.2f}x, same verdict and checks: {same}")
    print(f"serial_s={serial_s:.1f} parallel_s={parallel_s:.1f} workers={args.workers} "
          f"speedup={serial_s / parallel_s:.2f} same={same}")


if __name__ == "__main__":
    main()
