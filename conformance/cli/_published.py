"""Shared by ``conformance earl``, ``badge`` and ``summary``: each turns a kept results.json
into one more artefact (every run also writes it beside its results.json). Default output:
that artefact's file name beside RESULTS; ``--output -`` prints it. Exit 2 with one line when
RESULTS cannot be read or is not a results.json of this suite, or the output cannot be
written."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_OK, EXIT_USAGE, CliError

Render = Callable[[dict[str, Any]], bytes]


def register_artefact(subparsers: Any, name: str, summary: str, file_name: str,
                      render: Callable[[], Render]) -> None:
    """Add sub-command ``name`` writing ``render()(results)`` to ``file_name``."""
    description = (f"{summary[0].upper()}{summary[1:]}, from a kept results.json (every "
                   f"run also writes {file_name}).")
    parser = subparsers.add_parser(name, help=summary, description=description)
    parser.add_argument("results", help="results.json of a run")
    parser.add_argument("--output", "-o", metavar="PATH",
                        help=f"where to write it (default: {file_name} beside RESULTS; "
                             "- prints it)")
    parser.set_defaults(handler=lambda args: write_artefact(args, file_name, render()))


def write_artefact(args: argparse.Namespace, file_name: str, render: Render) -> int:
    from conformance.publish import read_results
    from conformance.report import ReportError

    source = Path(args.results)
    try:
        content = render(read_results(source))
    except ReportError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    if args.output == "-":
        sys.stdout.buffer.write(content)
        return EXIT_OK
    output = Path(args.output) if args.output else source.with_name(file_name)
    if output.resolve() == source.resolve():
        raise CliError(f"--output {output} would overwrite the results file", EXIT_USAGE)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(content)
    except OSError as exc:
        raise CliError(f"cannot write {output}: {exc.strerror or exc}", EXIT_USAGE) from None
    print(f"{args.command}: {output}")
    return EXIT_OK
