"""Time of a suite run against a faulty target, beside a clean run (issue 12, point 2).

In one process, the checks of a profile (default ``quick``) run against the embedded
reference target three times: clean, with one mail fault (default ``mail-drops-cc``, caught
by AM23-MAIL) and with one body fault (default ``body-trim``, caught by AM-BODY-EXACT). Each
run gets a fresh target (the fault is switched on when the target starts); the time is wall
clock from the first check to the last, as in ``throughput.py`` (target start-up, log-in and
log-out are left out). With ``--rounds N`` every kind runs N times, the rounds interleaved
(clean, mail, body, clean, ...), and the median is reported. Each line also names the
slowest check of the run (its own ``duration_s``), which is where a faulty run's extra time
goes. There is no untimed warm-up run: the first clean run also pays what is built once per
process (measured at well under a second), which flatters the ratios of one round a little.

Why: a failing check shrinks its failure, and each shrink step re-runs an example; a mail
that never comes used to cost a fixed wait per step, so a faulty target took ten times as
long to say "broken" as a clean one to say "conformant". Aim: each faulty run 2x the clean
run or less. Nothing here is asserted on time.

A run that measures nothing useful exits 1: a faulty run where a check its fault is caught
by (``conformance faults``) does not fail, or a clean run where any check fails.

Run from the repository root: ``.venv/bin/python benchmarks/failing.py [--profile P]
[--seed N] [--rounds N] [--settle-time S] [--mail-fault F] [--body-fault F] [--checks ID
...]``. The last line
is machine-readable: ``clean_s=X mail_s=Y mail_ratio=R body_s=Z body_ratio=S``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field

from throughput import prepared_context  # beside this script

from conformance.reference.faults import CATALOGUE, FaultSpec
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES
from conformance.suite.outcome import FAILED, Outcome
from conformance.suite.provisional import run_in_order

FAULTS = {spec.name: spec for spec in CATALOGUE}


@dataclass
class Kind:
    """One kind of run: clean (no fault) or with one fault, and its measured rounds."""

    name: str
    fault: FaultSpec | None
    seconds: list[float] = field(default_factory=list)
    failed: list[list[str]] = field(default_factory=list)  # failed check ids, per round
    slowest: list[tuple[float, str]] = field(default_factory=list)  # per round

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def missed(self, checks: list[str]) -> list[str]:
        """Checks that should have failed in some round but did not (for a clean run: the
        checks that failed, since none should)."""
        if self.fault is None:
            return sorted({c for failed in self.failed for c in failed})
        expected = [c for c in self.fault.caught_by if c in checks]
        return [c for c in expected if any(c not in failed for failed in self.failed)]


def timed_run(fault: FaultSpec | None, checks: list[str], profile: str, seed: int,
              settle_time: float | None = None) -> tuple[float, list[Outcome]]:
    """Seconds from the first selected check to the last against a fresh embedded target
    with ``fault`` (none for a clean run), and the outcomes."""
    with runner.embedded_target([fault.name] if fault else []) as embedded:
        ctx = prepared_context(embedded, profile, seed)
        ctx.config.settle_time = settle_time  # None: the embedded target's default
        started = time.perf_counter()
        outcomes = run_in_order(ctx, select(checks), lambda _id: "")  # as a session does
        seconds = time.perf_counter() - started
        ctx.teardown()
        ctx.client.session.close()
        time.sleep(0.2)  # let waitress finish its last task before the target closes
    return seconds, list(outcomes.values())


def fault_spec(name: str) -> FaultSpec:
    try:
        return FAULTS[name]
    except KeyError:
        raise argparse.ArgumentTypeError(
            f"unknown fault {name!r} (see `conformance faults`)") from None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1,
                        help="runs of each kind; the median is reported")
    parser.add_argument("--mail-fault", type=fault_spec, default=FAULTS["mail-drops-cc"])
    parser.add_argument("--body-fault", type=fault_spec, default=FAULTS["body-trim"])
    parser.add_argument("--settle-time", type=float, default=None, metavar="SECONDS",
                        help="as conformance run's (default: the embedded target's, 1 s; "
                        "3 s is the default against any other target)")
    parser.add_argument("--checks", nargs="+", default=[],
                        help="only these check ids (default: every check of the profile)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be 1 or more")
    try:
        checks = [c.id for c in select(args.checks)]
    except KeyError as exc:
        parser.error(str(exc.args[0]))

    kinds = [Kind("clean", None), Kind("mail", args.mail_fault),
             Kind("body", args.body_fault)]
    for kind in kinds:
        if kind.fault and not set(kind.fault.caught_by) & set(checks):
            parser.error(f"fault {kind.fault.name} is caught by "
                         f"{', '.join(kind.fault.caught_by)}, none of them selected")
    for _ in range(args.rounds):
        for kind in kinds:
            seconds, outcomes = timed_run(kind.fault, checks, args.profile, args.seed,
                                          args.settle_time)
            kind.seconds.append(seconds)
            kind.failed.append([o.id for o in outcomes if o.status == FAILED])
            kind.slowest.append(max((o.duration_s, o.id) for o in outcomes))

    clean = kinds[0].median
    settle = "default" if args.settle_time is None else f"{args.settle_time:g} s"
    print(f"profile {args.profile}, seed {args.seed}, {len(checks)} checks, settle time "
          f"{settle}, {args.rounds} round(s), median wall time of the checks")
    ok = True
    for kind in kinds:
        label = f"{kind.name} ({kind.fault.name})" if kind.fault else kind.name
        failed = sorted({c for f in kind.failed for c in f})
        missed = kind.missed(checks)
        ok = ok and not missed
        if kind.fault is None:
            verdict = ("0 failed" if not failed
                       else f"{len(failed)} failed: {', '.join(failed)}  <- a clean run fails")
        else:
            verdict = f"{len(failed)} failed: {', '.join(failed) or '-'}"
            if missed:
                verdict += f"  <- fault not caught by {', '.join(missed)}"
        slow_s, slow_id = statistics.median_low(kind.slowest)
        verdict += f"; slowest {slow_id} {slow_s:.2f} s"
        rounds = ", ".join(f"{s:.2f}" for s in kind.seconds)
        print(f"{label:28} {kind.median:7.2f} s  {kind.median / clean:5.2f}x  {verdict}"
              + (f"  (rounds: {rounds})" if args.rounds > 1 else ""))
    mail, body = kinds[1].median, kinds[2].median
    print(f"clean_s={clean:.2f} mail_s={mail:.2f} mail_ratio={mail / clean:.2f} "
          f"body_s={body:.2f} body_ratio={body / clean:.2f}")
    if not ok:
        print("not a valid measurement: see the arrows above", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
