"""``conformance replay RESULTS --check ID``: re-run the minimal failing example of a check
from a results.json against the target (the recorded endpoint, or a new embedded target
with the recorded faults) and say whether it still fails. Exit 1 if it does, 0 if not."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_NONCONFORMANT, EXIT_OK, EXIT_UNREACHABLE, CliError
from conformance.cli.help import summary
from conformance.cli.run import add_target_options, suite_config, target_for


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("replay", help="re-run a check's minimal failing example",
                                   description=summary(__doc__))
    # local to replay (see conformance.suite.settings): what to replay
    parser.add_argument("results", help="results.json of an earlier run")
    parser.add_argument("--check", required=True, metavar="ID", help="the failed check")
    add_target_options(parser)  # the table's rows for replay
    parser.set_defaults(handler=replay)


def replay(args: argparse.Namespace) -> int:
    from conformance.suite import results, runner
    from conformance.suite.catalogue import select
    from conformance.suite.outcome import ERROR, FAILED, run_check

    try:
        recorded = results.load(Path(args.results))
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read {args.results}: {exc}") from None
    entry = next((c for c in recorded.get("checks", []) if c.get("id") == args.check), None)
    if entry is None:
        raise CliError(f"{args.results} has no check {args.check}")
    failure = entry.get("failure") or {}
    target = recorded.get("target", {})
    if not args.endpoint and not target.get("embedded"):
        args.endpoint = target.get("endpoint")
    if not args.fault and not args.endpoint:
        args.fault = list(target.get("faults") or [])
    config = suite_config(args, recorded.get("seed"), recorded.get("profile", "quick"),
                          [args.check])
    if config.max_body_bytes is None:  # the limit the run declared (--max-body-bytes)
        config.max_body_bytes = target.get("max_body_bytes")
    check = select([args.check])[0]
    example = failure.get("example")
    try:
        with target_for(config, args) as capture:
            state = runner.prepare(config, capture)
            if example is not None and "steps" not in example:
                state.context.replay_example = example  # type: ignore[union-attr]
            outcome = run_check(state.context, check, None, "")
            state.context.teardown()  # type: ignore[union-attr]  # log out its sessions
    except runner.RunError as exc:
        raise CliError(str(exc), exc.exit_code) from None
    where = config.endpoint
    if outcome.status == FAILED:
        print(state.redactor.text(f"{args.check} still fails on {where}: "
                                  f"{outcome.failure['message']}"))  # type: ignore[index]
        return EXIT_NONCONFORMANT
    if outcome.status == ERROR:
        print(f"{args.check} could not be judged on {where}: {outcome.reason}")
        return EXIT_UNREACHABLE
    print(f"{args.check} {outcome.status} on {where} with the recorded example"
          + ("" if example is not None else " (no recorded example: the check ran again)"))
    return EXIT_OK
