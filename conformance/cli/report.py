"""``conformance report RESULTS [--output PATH]``: render report.html again from results.json.

For a results file kept from a CI run, say; the page comes from the same code ``conformance
run`` uses. Default output: ``report.html`` beside the results file. Exit 2 with one line when
the file cannot be read or is not a results.json, or the page cannot be written."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_OK, EXIT_USAGE, CliError
from conformance.cli.help import summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("report", help="render report.html from a results.json",
                                   description=summary(__doc__))
    parser.add_argument("results", help="results.json of a run")
    parser.add_argument("--output", "-o", metavar="PATH",
                        help="where to write the page (default: report.html beside RESULTS)")
    parser.set_defaults(handler=report)


def report(args: argparse.Namespace) -> int:
    from conformance.report import ReportError, render_report

    results = Path(args.results)
    output = Path(args.output) if args.output else results.with_name("report.html")
    if output.resolve() == results.resolve():
        raise CliError(f"--output {output} would overwrite the results file", EXIT_USAGE)
    try:
        written = render_report(results, output)
    except ReportError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    print(f"report: {written}")
    return EXIT_OK
