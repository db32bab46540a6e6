"""``conformance merge results-*.json --report-dir DIR``: combine the results of the shards
of one run (``conformance run --shard K/N``) into one results.json, junit.xml and
report.html, with the verdict and counts of an unsharded run with the same seed. Exit code
as ``conformance run``: 0 conformant, 1 not conformant, 3 error."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from conformance.cli import CliError
from conformance.cli.help import summary

REPLAY = re.compile(r"^(?P<base>.*?replay) \S+ (?P<rest>--check .*)$")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("merge", help="combine the results of sharded runs",
                                   description=summary(__doc__))
    parser.add_argument("results", nargs="+", help="results.json of each shard")
    parser.add_argument("--report-dir", default="reports", help="where to write the "
                        "merged results.json, junit.xml and report.html")
    parser.set_defaults(handler=merge)


def merge(args: argparse.Namespace) -> int:
    from conformance.cli.run import EXIT_BY_VERDICT
    from conformance.report import ReportError, render_report
    from conformance.report.junit import write_junit
    from conformance.suite import results
    from conformance.suite.merge import MergeError, merge_documents
    from conformance.suite.outcome import Redactor

    documents = []
    for name in args.results:
        try:
            documents.append((name, results.load(Path(name))))
        except (OSError, ValueError) as exc:
            raise CliError(f"cannot read {name}: {exc}") from None
    try:
        merged = merge_documents(documents)
    except MergeError as exc:
        raise CliError(str(exc)) from None
    report_dir = Path(args.report_dir)
    results_path = report_dir / "results.json"
    for check in merged["checks"]:
        failure = check.get("failure") or {}
        match = REPLAY.match(failure.get("replay") or "")
        if match:  # the example is in the merged file too: replay from there
            failure["replay"] = f"{match['base']} {results_path} {match['rest']}"
    results.write(merged, results_path, Redactor())
    write_junit(merged, report_dir / "junit.xml")
    try:
        render_report(results_path, report_dir / "report.html")
    except ReportError as exc:
        raise CliError(str(exc)) from None
    counts = ", ".join(f"{n} {s}" for s, n in merged["counts"].items())
    print(f"merged {len(documents)} files: {len(merged['checks'])} checks ({counts})")
    print(f"verdict: {merged['verdict']}")
    print(f"report: {report_dir / 'report.html'} (also results.json, junit.xml)")
    return EXIT_BY_VERDICT[merged["verdict"]]
