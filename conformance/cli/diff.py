"""``conformance diff [CANONICAL] TARGET``: compare a target's WSDL with the canonical one
(without CANONICAL: the canonical contract shipped with the suite).

Prints the differences (breaking or compatible) and the WS-I Basic Profile 1.1 results of
TARGET as tables; ``--json PATH`` writes the same as JSON. Exit code 0 without a breaking
difference, 1 with one (or, with ``--strict-wsi``, when TARGET fails a WS-I MUST), 2 for a
usage error: bad arguments, an unreadable file or URL, a document that is not a WSDL.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.cli import CliError
from conformance.cli.help import summary
from conformance.contract import CANONICAL_WSDL, ContractError

if TYPE_CHECKING:  # the WSDL tools (zeep, xmlschema) are imported when a diff runs
    from conformance.contractcheck import ContractCheck

MAX_DETAILS = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="compare a target's WSDL with the canonical contract, and check it with WS-I BP 1.1",
        description=summary(__doc__),
    )
    parser.add_argument("canonical", nargs="?", metavar="CANONICAL",
                        help="the canonical WSDL, a path or URL (default: the contract "
                             "shipped with the suite)")
    parser.add_argument("target", metavar="TARGET",
                        help="the target's WSDL, a path or URL (e.g. <endpoint>?wsdl)")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the report as JSON")
    parser.add_argument(
        "--strict-wsi",
        action="store_true",
        help="exit 1 when the target's WSDL fails a WS-I MUST assertion",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from conformance.contractcheck import check_contract

    canonical, target = args.canonical or str(CANONICAL_WSDL), args.target
    try:
        check = check_contract(canonical, target)
    except ContractError as exc:
        raise CliError(str(exc)) from None
    if args.json is not None:
        _write_json(args.json, check.to_dict())
    print(render(check))
    code = check.exit_code(strict_wsi=args.strict_wsi)
    print(_verdict(check, code, args.strict_wsi))
    return code


def _write_json(path: Path, data: dict[str, Any]) -> None:
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None


def render(check: ContractCheck) -> str:
    """The terminal report: the differences, then the WS-I results of the target."""
    from conformance.contractcheck.table import render_table

    diff = check.diff
    lines = [f"Contract diff: {diff.canonical_source} -> {diff.target_source}", ""]
    if diff.differences:
        rows = [
            ("BREAKING" if d.breaking else "compatible", d.kind, d.path, d.canonical, d.target)
            for d in diff.differences
        ]
        lines.append(render_table(("IMPACT", "KIND", "PATH", "CANONICAL", "TARGET"), rows,
                                  (10, 24, 48, 32, 32)))
        counts = diff.to_dict()["counts"]
        lines.append("")
        lines.append(f"{len(diff.differences)} difference(s): {counts['breaking']} breaking, "
                     f"{counts['compatible']} compatible.")
        if diff.namespace_only:
            lines.append("Only namespaces differ: the suite can still test this target with "
                         "its own WSDL.")
    else:
        lines.append("No differences.")
    lines += ["", *_render_wsi(check)]
    return "\n".join(lines)


def _render_wsi(check: ContractCheck) -> list[str]:
    """Failed assertions as a table with their details; passed ones as a list of ids."""
    from conformance.contractcheck.table import render_table

    failed = [r for r in check.wsi if not r.passed]
    passed = [r.id for r in check.wsi if r.passed]
    lines = [f"WS-I Basic Profile 1.1 on {check.diff.target_source}: "
             f"{len(passed)} passed, {len(failed)} failed"]
    if failed:
        rows = []
        for result in failed:
            details = list(result.details[:MAX_DETAILS])
            if len(result.details) > MAX_DETAILS:
                details.append(f"... and {len(result.details) - MAX_DETAILS} more")
            rows.append((result.id, result.level, result.title, details[0] if details else ""))
            rows += [("", "", "", detail) for detail in details[1:]]
        lines.append(render_table(("ID", "LEVEL", "ASSERTION", "DETAILS"), rows,
                                  (6, 6, 60, 70)))
    lines += textwrap.wrap("passed: " + " ".join(passed), width=100,
                           subsequent_indent="        ")
    return lines


def _verdict(check: ContractCheck, code: int, strict_wsi: bool) -> str:
    if check.diff.breaking:
        return "\nVerdict: breaking differences (exit 1)."
    if code:
        return "\nVerdict: no breaking difference, but WS-I MUST assertions fail (exit 1)."
    note = "" if check.wsi_passed or strict_wsi else " (WS-I failures are reported only)"
    return f"\nVerdict: no breaking difference{note} (exit 0)."
