"""``conformance faults``: list the reference target's faults, one per line: the name, then
the check ids that must catch it (tab-separated; ``--verbose`` adds the description)."""

from __future__ import annotations

import argparse
from typing import Any

from conformance.cli import EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("faults", help="list the reference target's faults",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="add descriptions")
    parser.set_defaults(handler=list_faults)


def list_faults(args: argparse.Namespace) -> int:
    from conformance.reference.faults import CATALOGUE

    for spec in CATALOGUE:
        line = f"{spec.name}\t{' '.join(spec.caught_by)}"
        print(f"{line}\t{spec.description}" if args.verbose else line)
    return EXIT_OK
