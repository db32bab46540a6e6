"""``conformance compare``: the same seed, profile and checks run against several targets,
one matrix of checks by targets (compare.html, compare.md, compare.json in the report dir;
each target's own reports in a sub-dir named after it). The targets come from the
configuration file's ``[[compare.target]]`` tables (conformance.toml, or pyproject.toml's
``[tool.conformance]``) and the command line, which adds to them and overrides them key by
key, or from ``--targets-file``. The embedded reference target is
one of the targets (named ``reference``) unless ``--no-reference``. Exit code: the highest
exit code of the target runs (0 all conformant, 1 a target not conformant, 2 a target's
configuration refused, 3 a target unreachable); 2 with one line for bad input."""

from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Any

from conformance.cli import EXIT_USAGE, CliError
from conformance.cli.help import summary
from conformance.cli.run import add_options
from conformance.suite.settings import COMPARE

PER_TARGET = (("user", "USER", "the agent user"),
              ("password_env", "ENVVAR", "environment variable holding the agent's password"),
              ("owner_user", "USER", "the ticket owner user"),
              ("owner_password_env", "ENVVAR",
               "environment variable holding the owner's password"),
              ("owner_id", "ID", "the owner's user id"),
              ("wsdl", "PATH|URL", "WSDL for messages"),
              ("smtp_capture", "HOST:PORT", "listen there for this target's mail"),
              ("faults", "FAULT", "embedded reference only (endpoint 'reference'): a fault"))


def register(subparsers: Any) -> None:
    from conformance.compare.targets import FLAGS

    parser = subparsers.add_parser("compare", help="run the suite against several targets "
                                   "and compare them", description=summary(__doc__))
    parser.add_argument("--target", action="append", default=[], metavar="NAME=URL",
                        help="a target (repeatable); URL 'reference' is another embedded "
                             "reference target (give it faults with --target-fault)")
    for key, metavar, text in PER_TARGET:
        parser.add_argument(FLAGS[key], action="append", default=[], dest=f"t_{key}",
                            metavar=f"NAME={metavar}", help=f"{text} (repeatable)")
    parser.add_argument("--targets-file", metavar="TOML",
                        help="targets as [[target]] tables (name, endpoint, user, "
                             "password_env, owner_user, owner_password_env, owner_id, "
                             "wsdl, smtp_capture, faults)")
    parser.add_argument("--config", metavar="PATH",
                        help="configuration file with [[compare.target]] tables (default: "
                             "conformance.toml here, else [tool.conformance] of "
                             "pyproject.toml here)")
    parser.add_argument("--no-reference", action="store_true",
                        help="leave the embedded reference target out")
    add_options(parser, COMPARE)  # --profile, --seed, --check: one for every target
    # local to compare (see conformance.suite.settings): another meaning or default here
    parser.add_argument("--timeout", type=float, help="seconds per request")
    parser.add_argument("--workers", type=int, default=1, help="targets run at once")
    parser.add_argument("--report-dir", default="reports/compare",
                        help="where the matrix and each target's sub-dir are written")
    parser.add_argument("--link-base", default="", metavar="URL",
                        help="prefix of the links in compare.md (where the folder is "
                             "published); default: relative links")
    parser.set_defaults(handler=compare)


def file_targets(explicit: str | None) -> tuple[list[Any], dict[str, str]]:
    """The targets of the configuration file's ``[[compare.target]]`` tables (none without
    a file or a ``compare`` table), not yet checked, and where each one is written."""
    from conformance.cli.config_file import find_file
    from conformance.compare.targets import KEYS, specs_from_tables

    found = find_file(explicit)
    if found is None or "compare" not in found[1]:
        return [], {}
    path, data = found
    prefix = "compare" if path.name != "pyproject.toml" else "tool.conformance.compare"
    section = data["compare"]
    if not isinstance(section, dict):
        raise CliError(f"{path}: key {prefix!r} must be a table holding [[{prefix}.target]] "
                       f"tables", EXIT_USAGE)
    unknown = sorted(set(section) - {"target"})
    if unknown:
        raise CliError(f"{path}: unknown key {prefix}.{unknown[0]} (allowed: "
                       f"[[{prefix}.target]] tables with the keys {', '.join(sorted(KEYS))})",
                       EXIT_USAGE)
    return specs_from_tables(section.get("target", []), str(path), f"{prefix}.target",
                             path.parent)


def specs(args: argparse.Namespace) -> list[Any]:
    from conformance.compare.targets import targets_from_args, targets_from_file

    options = {key: getattr(args, f"t_{key}") for key, _m, _t in PER_TARGET}
    if args.targets_file:
        if args.target or any(options.values()):
            raise CliError("give the targets either in --targets-file or as --target "
                           "options, not both", EXIT_USAGE)
        return targets_from_file(Path(args.targets_file), not args.no_reference)
    base, origins = file_targets(args.config)
    found = targets_from_args(args.target, options, not args.no_reference, base, origins)
    if len(found) < 2:
        raise CliError("compare needs at least two targets (--target NAME=URL, or "
                       "[[compare.target]] tables in conformance.toml)", EXIT_USAGE)
    return found


def compare(args: argparse.Namespace) -> int:
    from conformance.compare import RunPlan, TargetRun, TargetSpecError
    from conformance.compare import compare as run_comparison
    from conformance.suite.catalogue import select

    if args.workers < 1:
        raise CliError("--workers must be at least 1", EXIT_USAGE)
    try:
        select(list(args.check))
        targets = specs(args)
        for target in targets:
            target.secrets()
    except KeyError as exc:
        raise CliError(str(exc.args[0]), EXIT_USAGE) from None
    except TargetSpecError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    plan = RunPlan(seed=seed, profile=args.profile, checks=list(args.check),
                   timeout=args.timeout)
    print(f"comparing {len(targets)} targets (profile {args.profile}, seed {seed}, "
          f"{args.workers} at once)", flush=True)

    def progress(run: TargetRun) -> None:
        print(f"  {run.spec.name}: exit {run.exit_code}"
              f"{'  ' + run.message if run.message else ''}", flush=True)

    folder = Path(args.report_dir)
    matrix, runs, written = run_comparison(targets, plan, folder, args.workers,
                                           args.link_base, progress)
    for column in matrix["targets"]:
        print(f"{column['name']:16} {column['verdict_words']:15} "
              + ", ".join(f"{n} {s}" for s, n in matrix["counts"][column["name"]].items()))
    if matrix["differing"]:
        print(f"differ: {', '.join(matrix['differing'])}")
    print(f"comparison: {written[0]} (also {written[1].name}, {written[2].name})")
    return max(run.exit_code for run in runs)
