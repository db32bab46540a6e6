"""``conformance baseline RESULTS --output baseline.toml``: write the failures of a run as
a known-failure baseline (one waiver per failed check: id, fingerprint, message, a reason to
fill in, an expiry date), for ``conformance run --baseline baseline.toml``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_OK, CliError
from conformance.cli.help import summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("baseline", help="write a run's failures as a baseline",
                                   description=summary(__doc__))
    parser.add_argument("results", help="results.json of a run")
    parser.add_argument("--output", default="baseline.toml", help="the baseline to write")
    parser.add_argument("--days", type=int, default=90,
                        help="days until the waivers expire (default: 90)")
    parser.set_defaults(handler=write)


def write(args: argparse.Namespace) -> int:
    from conformance.suite import results
    from conformance.suite.baseline import baseline_toml

    if args.days < 1:
        raise CliError("--days must be at least 1")
    try:
        document = results.load(Path(args.results))
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {args.results}: {exc}") from None
    text = baseline_toml(document, args.days)
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    count = text.count("[[waiver]]")
    print(f"{args.output}: {count} known failure{'' if count == 1 else 's'} waived for "
          f"{args.days} days; fill in each reason")
    return EXIT_OK
