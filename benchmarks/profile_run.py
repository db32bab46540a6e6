"""Where a suite run spends its time: every check of a profile against the embedded
reference target, under cProfile, in one process (the suite's thread is profiled; the
target's threads are not, so time spent waiting for the target shows as socket reads).

Also counts the SOAP calls per operation and role (set-up, observation, subject), which is
what "needless reads" are measured by.

Run from the repository root: ``.venv/bin/python benchmarks/profile_run.py [--profile P]
[--seed N] [--top N] [--sort tottime|cumulative]``.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import pstats
import time

from throughput import every_exchange, prepared_context  # beside this script

from conformance.suite import runner
from conformance.suite.catalogue import all_checks
from conformance.suite.config import PROFILES
from conformance.suite.provisional import run_in_order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()

    with runner.embedded_target([]) as embedded:
        ctx = prepared_context(embedded, args.profile, args.seed)
        profiler = cProfile.Profile()
        with every_exchange(ctx) as recorded:
            started = time.perf_counter()
            profiler.enable()
            outcomes = list(run_in_order(ctx, all_checks(), lambda _id: "").values())
            profiler.disable()
            wall = time.perf_counter() - started

    statuses = collections.Counter(o.status for o in outcomes)
    print(f"profile {args.profile} seed {args.seed}: {len(outcomes)} checks "
          f"{dict(statuses)}, {sum(o.examples for o in outcomes)} examples, "
          f"{len(recorded)} SOAP calls, {wall:.2f} s under cProfile")
    calls = collections.Counter((e.operation, e.role) for e in recorded)
    print("calls by operation/role: " + ", ".join(
        f"{op}/{role} {n}" for (op, role), n in calls.most_common()))
    stats = pstats.Stats(profiler)
    print("own time by package (share of the profiled wall time):")
    for name, seconds in by_package(stats).most_common(12):
        print(f"  {name:28} {seconds:6.2f} s  {seconds / wall:5.1%}")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


def by_package(stats: pstats.Stats) -> collections.Counter[str]:
    """Own (not cumulative) time summed by top-level package, socket waits apart."""
    totals: collections.Counter[str] = collections.Counter()
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        own = row[2]
        if "site-packages/" in filename:
            name = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif "/conformance/" in filename:
            name = "conformance." + filename.split("/conformance/", 1)[1].split("/", 1)[0]
        elif filename == "~":
            name = ("socket waits" if any(w in function for w in ("recv", "sendall", "acquire"))
                    else "builtins")
        else:
            name = "stdlib"
        totals[name.removesuffix(".py")] += own
    return totals


if __name__ == "__main__":
    main()
