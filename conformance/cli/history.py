"""``conformance history DIR [--output PATH]``: the results.json files under DIR (one
target's runs across time, e.g. kept CI artefacts) as one HTML page: a plot of checks
passed, advisory findings and p95 latency per run, and what changed between consecutive
runs. Default output: ``history.html`` in DIR. Unreadable results files are left out and
listed; exit 2 with one line when DIR holds none that can be read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_OK, EXIT_USAGE, CliError
from conformance.cli.help import summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("history", help="plot a target's runs across time",
                                   description=summary(__doc__))
    parser.add_argument("folder", metavar="DIR", help="folder holding results.json files")
    parser.add_argument("--output", "-o", metavar="PATH",
                        help="where to write the page (default: DIR/history.html)")
    parser.set_defaults(handler=history)


def history(args: argparse.Namespace) -> int:
    from conformance.history import HistoryError, write_history

    folder = Path(args.folder)
    output = Path(args.output) if args.output else folder / "history.html"
    try:
        written, points, skipped = write_history(folder, output)
    except HistoryError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE) from None
    for line in skipped:
        print(f"left out: {line}", file=sys.stderr)
    last = points[-1]
    print(f"{len(points)} run(s); last: {last.verdict_words}, {last.passed}/{last.total} "
          f"passed, {last.advisory} advisory, p95 {last.p95_ms} ms")
    print(f"history: {written}")
    return EXIT_OK
