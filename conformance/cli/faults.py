"""``conformance faults``: list the reference target's faults, one per line: the name, then
the check ids that must catch it (tab-separated; ``--verbose`` adds the description)."""

from __future__ import annotations

import argparse
from typing import Any

from conformance.cli import EXIT_OK
from conformance.cli.help import summary


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("faults", help="list the reference target's faults",
                                   description=summary(__doc__))
    parser.add_argument("--verbose", "-v", action="store_true", help="add descriptions")
    parser.add_argument("--score", action="store_true",
                        help="run each fault against the suite (quick profile) and print "
                             "whether its checks caught it, then the detection score")
    parser.add_argument("--seed", type=int, default=1, help="seed for --score")
    parser.set_defaults(handler=list_faults)


def list_faults(args: argparse.Namespace) -> int:
    from conformance.reference.faults import CATALOGUE

    if args.score:
        return score(args.seed)
    for spec in CATALOGUE:
        line = f"{spec.name}\t{' '.join(spec.caught_by)}"
        print(f"{line}\t{spec.description}" if args.verbose else line)
    return EXIT_OK


def score(seed: int) -> int:
    from conformance.suite.detection import detection_score

    def show(result: dict[str, Any]) -> None:
        verdict = "caught" if result["caught"] else f"MISSED by {' '.join(result['missed'])}"
        print(f"{result['name']}\t{' '.join(result['checks'])}\t{verdict}", flush=True)

    result = detection_score("quick", seed, progress=show)
    print(f"the suite caught {result['caught']} of {result['total']} known faults "
          f"(quick profile, seed {seed}, {result['duration_s']} s)")
    return EXIT_OK if result["caught"] == result["total"] else 1
