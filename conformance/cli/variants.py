"""``conformance variants``: list the legitimate variations the reference target can be
started with (``conformance serve --variant NAME``), one per line: the name, then the clause
or standard that allows it (tab-separated; ``--verbose`` adds the description)."""

from __future__ import annotations

import argparse
from typing import Any

from conformance.cli import EXIT_OK
from conformance.cli.help import summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("variants", help="list the reference target's legitimate "
                                   "variations", description=summary(__doc__))
    parser.add_argument("--verbose", "-v", action="store_true", help="add descriptions")
    parser.set_defaults(handler=list_variants)


def list_variants(args: argparse.Namespace) -> int:
    from conformance.reference.variants import CATALOGUE

    for spec in CATALOGUE:
        line = f"{spec.name}\t{spec.allowed_by}"
        print(f"{line}\t{spec.description}" if args.verbose else line)
    return EXIT_OK
