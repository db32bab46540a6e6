"""Throughput of the conformance suite against the embedded reference target.

What is measured, in one process and against one running target:

1. the suite: every registered check of a profile (default ``standard``) run with
   :func:`conformance.suite.provisional.run_in_order` (as a serial session runs them), wall
   clock from the first check to the last;
   it counts checked examples (sum of ``Outcome.examples``) and SOAP calls (every exchange
   the recording client made, including set-up and observation calls of the checks);
2. a raw replay: the very same request bytes, in the same order, POSTed with their
   SOAPAction over ONE persistent ``http.client`` connection to the same target (still
   running, the agent still logged in, so recorded session keys stay valid), each response
   read fully and nothing else done with it.

Why: the target's own work is the same in both, so ``ratio = suite time / raw replay time``
is the harness overhead (zeep building the calls, requests, hardened parsing, xmlschema
validation and decoding, Hypothesis generation and shrinking, the checks' logic). Aim:
the standard profile under 60 s, and a ratio under 2x.

Run from the repository root: ``.venv/bin/python benchmarks/throughput.py [--profile P]
[--seed N]``. The last line is machine-readable:
``suite_examples_per_s=X raw_calls_per_s=Y ratio=Z``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import subprocess
import sys
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from conformance import soap
from conformance.contract import CANONICAL_WSDL, Contract, ContractError
from conformance.suite import runner
from conformance.suite.catalogue import all_checks
from conformance.suite.client import Exchange
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.provisional import run_in_order


def soap_action(contract: Contract, operation: str) -> str:
    """The SOAPAction of an exchange's operation (``addMessage2:malformed`` -> addMessage2)."""
    try:
        return contract.operation(operation.split(":", 1)[0]).soap_action
    except ContractError:
        return ""


def replay(endpoint: str, contract: Contract, exchanges: list[Exchange]) -> float:
    """POST every recorded request over one persistent connection; returns seconds."""
    url = urlsplit(endpoint)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=60)
    path = url.path or "/"
    started = time.perf_counter()
    try:
        for exchange in exchanges:
            headers = {"Content-Type": soap.CONTENT_TYPE,
                       "SOAPAction": f'"{soap_action(contract, exchange.operation)}"'}
            conn.request("POST", path, body=exchange.request, headers=headers)
            conn.getresponse().read()
    finally:
        conn.close()
    return time.perf_counter() - started


@contextlib.contextmanager
def served_target() -> Iterator[Any]:
    """The reference target in a process of its own (``conformance serve``), mailing to a
    capture server in this one: the target's threads do not share the suite's GIL."""
    from conformance.suite.smtp_capture import SmtpCapture

    capture = SmtpCapture(wait=1.0).start()
    child = subprocess.Popen(
        [sys.executable, "-m", "conformance", "serve", "--port", "0", "--quiet",
         "--smtp", capture.address], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = (child.stdout.readline() if child.stdout else "").strip()
        yield SimpleNamespace(target=SimpleNamespace(endpoint=endpoint), capture=capture)
    finally:
        child.terminate()
        child.wait(timeout=10)
        capture.stop()



def prepared_context(embedded: Any, profile: str, seed: int) -> RunContext:
    """The run context of a suite run against ``embedded``, set up (logged in)."""
    config = runner.embedded_config(SuiteConfig(
        endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="", owner_user="",
        owner_password="", owner_id="", profile=PROFILES[profile], seed=seed),
        embedded.target.endpoint)
    ctx = runner.prepare(config, embedded.capture).context
    assert ctx is not None
    return ctx


@contextlib.contextmanager
def every_exchange(ctx: RunContext) -> Iterator[list[Exchange]]:
    """Every exchange the checks make inside the block, kept (the Recorder keeps only the
    current example's); afterwards the Recorder records as before."""
    recorded: list[Exchange] = []
    keep = ctx.recorder.add

    def add_and_keep(exchange: Exchange) -> None:
        keep(exchange)
        recorded.append(exchange)

    ctx.recorder.add = add_and_keep  # type: ignore[method-assign]
    try:
        yield recorded
    finally:
        ctx.recorder.add = keep  # type: ignore[method-assign]

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="standard")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target", choices=("embedded", "process"), default="embedded",
                        help="the reference target in this process (as `conformance run` "
                             "does) or in a process of its own")
    args = parser.parse_args()

    started_target = (runner.embedded_target([]) if args.target == "embedded"
                      else served_target())
    with started_target as embedded:
        ctx = prepared_context(embedded, args.profile, args.seed)
        with every_exchange(ctx) as recorded:
            started = time.perf_counter()
            outcomes = list(run_in_order(ctx, all_checks(), lambda _id: "").values())
            suite_s = time.perf_counter() - started
        ctx.client.session.close()
        raw_s = replay(ctx.config.endpoint, ctx.contract, recorded)
        time.sleep(0.2)  # let waitress finish its last task before the target closes

    examples = sum(o.examples for o in outcomes)
    calls = len(recorded)
    statuses = {s: sum(o.status == s for o in outcomes) for s in sorted(
        {o.status for o in outcomes})}
    suite_eps, suite_cps, raw_cps = examples / suite_s, calls / suite_s, calls / raw_s
    ratio = suite_s / raw_s
    rows = [
        ("profile / seed", f"{args.profile} / {args.seed}"),
        ("target", args.target),
        ("checks", f"{len(outcomes)} ({', '.join(f'{k} {v}' for k, v in statuses.items())})"),
        ("suite time", f"{suite_s:.2f} s"),
        ("examples", f"{examples}"),
        ("SOAP calls", f"{calls}"),
        ("suite examples/s", f"{suite_eps:.1f}"),
        ("suite calls/s", f"{suite_cps:.1f}"),
        ("raw replay time", f"{raw_s:.2f} s"),
        ("raw calls/s", f"{raw_cps:.1f}"),
        ("ratio suite/raw", f"{ratio:.2f}x"),
    ]
    for name, value in rows:
        print(f"{name:18} {value}")
    for outcome in outcomes:
        if outcome.status not in ("passed", "skipped"):
            message = outcome.reason or (outcome.failure or {}).get("message")
            print(f"  {outcome.id}: {outcome.status}: {message}")
    print(f"suite_examples_per_s={suite_eps:.1f} raw_calls_per_s={raw_cps:.1f} "
          f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
