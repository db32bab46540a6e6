"""Start-up time of the light commands, side by side with the interpreter's own start.

Times whole processes, in turn (``python -c pass``, ``conformance --help``, ``conformance
faults``, with ``--results FILE`` also ``conformance report FILE`` (rendering a page
from a run's results.json, a second pytest session in the same process), and optionally
the same commands of an older checkout given with ``--baseline DIR``, run with
``PYTHONPATH=DIR`` from a neutral directory), ``--runs`` times each, and prints the median
wall and CPU seconds (CPU from the children's resource usage) and the ratio to the
interpreter floor. Aim (issue 12): 0.5 s or less for ``--help`` and ``faults``.

Run: ``.venv/bin/python benchmarks/startup.py [--runs N] [--results results.json]
[--baseline /path/to/old/tree]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def timed(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", help="an older source tree to compare with")
    parser.add_argument("--results", help="a results.json to time `conformance report` on")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env)}
    trees = {"": env}
    if args.baseline:
        trees["baseline "] = {**env, "PYTHONPATH": os.path.abspath(args.baseline)}
    for label, tree_env in trees.items():
        commands[f"{label}conformance --help"] = (
            [sys.executable, "-m", "conformance", "--help"], tree_env)
        commands[f"{label}conformance faults"] = (
            [sys.executable, "-m", "conformance", "faults"], tree_env)
    page = os.path.join(tempfile.gettempdir(), f"startup-report-{os.getpid()}.html")
    if args.results:
        for label, tree_env in trees.items():
            commands[f"{label}conformance report"] = (
                [sys.executable, "-m", "conformance", "report",
                 os.path.abspath(args.results), "--output", page], tree_env)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as neutral:  # no ./conformance shadows the tree
        for argv, tree_env in commands.values():
            timed(argv, tree_env, neutral)  # warm-up (bytecode caches)
        for _ in range(args.runs):
            for name, (argv, tree_env) in commands.items():
                results[name].append(timed(argv, tree_env, neutral))
    if os.path.exists(page):
        os.remove(page)
    floor = statistics.median(w for w, _c in results["python -c pass"])
    print(f"median of {args.runs} runs each, in turn:")
    for name, runs in results.items():
        wall = statistics.median(w for w, _c in runs)
        cpu = statistics.median(c for _w, c in runs)
        print(f"  {name:32} wall {wall:5.2f} s  cpu {cpu:5.2f} s  {wall / floor:5.1f}x python")
    line = " ".join(f"{name.replace(' ', '_')}={statistics.median(w for w, _c in runs):.2f}"
                    for name, runs in results.items())
    print(line)


if __name__ == "__main__":
    main()
