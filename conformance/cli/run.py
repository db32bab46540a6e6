"""``conformance run``: run the suite against an endpoint, or against the embedded
reference target when no ``--endpoint`` is given. Writes report.html, junit.xml and
results.json into the report dir, also when the run stops early. Exit codes (PRODUCT.md):
0 conformant, 1 not conformant (a MUST check failed), 2 usage or configuration error
(credentials the target refuses included), 3 target unreachable or stopped answering,
4 internal error of the suite (one line names the log with the traceback)."""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.cli import (
    EXIT_INTERNAL,
    EXIT_NONCONFORMANT,
    EXIT_OK,
    EXIT_UNREACHABLE,
    CliError,
    checks,
    config_file,
)
from conformance.cli.checks import limits
from conformance.cli.help import EXIT_CODES, Formatter
from conformance.contract import CANONICAL_WSDL
from conformance.suite import settings
from conformance.suite.config import (
    ENV_OWNER_ID,
    ENV_OWNER_PASSWORD,
    ENV_OWNER_USER,
    ENV_PASSWORD,
    ENV_USER,
    PROFILES,
    SuiteConfig,
    from_env,
    transport_config,
)

if TYPE_CHECKING:  # zeep and requests are imported when a run starts, not for --help
    from conformance.suite.client import ClientConfig

EXIT_BY_VERDICT = {"conformant": EXIT_OK, "nonconformant": EXIT_NONCONFORMANT,
                   "error": EXIT_UNREACHABLE}


DESCRIPTION = ("Run the conformance suite against the ticket port at --endpoint, or, "
               "without it, against the embedded reference target, and write report.html, "
               "junit.xml and results.json into the report dir.")


def add_options(parser: argparse.ArgumentParser, surface: str) -> None:
    """The options ``surface`` (``run``, or ``replay``: the target options) has, as the
    table of :mod:`conformance.suite.settings` declares them."""
    for option in settings.rows(surface):
        flags, kwargs = settings.declare(option, surface)
        parser.add_argument(*flags, **kwargs)


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """Options naming a target and how to reach it (``replay``'s options)."""
    add_options(parser, settings.REPLAY)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="run the conformance suite against an endpoint or the embedded target",
        description=DESCRIPTION, epilog=EXIT_CODES, formatter_class=Formatter)
    add_options(parser, settings.RUN)
    # local to `run` (settings.NOT_SETTINGS): they choose and show the settings
    parser.add_argument("--config", metavar="PATH", help="configuration file (default: "
                        "./conformance.toml, else [tool.conformance] in ./pyproject.toml)")
    parser.add_argument("--print-config", nargs="?", const="toml", choices=("toml", "json"),
                        help="print the merged settings (secrets redacted) and exit")
    parser.set_defaults(handler=run, run_parser=parser)
    settings.install(parser)  # keep last: the table's defaults apply after env and file


def client_config(args: argparse.Namespace) -> ClientConfig:
    try:
        config = transport_config(
            args.endpoint or "", timeout=args.timeout, retries=args.retries,
            rate_limit=args.rate_limit, headers=args.header, basic_auth=args.basic_auth,
            rate_limit_max_wait=getattr(args, "rate_limit_max_wait", None),
            client_cert=args.client_cert, client_key=args.client_key,
            ca_bundle=args.ca_bundle, follow_redirects=args.follow_redirects,
            max_response_bytes=args.max_response_bytes)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return limits(config, args)


def http_url(value: str, flag: str) -> str:
    """``value`` if it is a usable http(s) URL; a usage error otherwise."""
    return checks.http_url(value, flag)


def suite_config(args: argparse.Namespace, seed: int | None, profile: str,
                 selected: list[str]) -> SuiteConfig:
    if args.endpoint:
        http_url(args.endpoint, "--endpoint")
    if args.wsdl and args.wsdl.startswith(("http://", "https://")):
        http_url(args.wsdl, "--wsdl")
    checks.smtp_address(args.smtp_capture)
    return SuiteConfig(
        endpoint=args.endpoint or "", wsdl=args.wsdl or str(CANONICAL_WSDL),
        user=from_env(args.user, ENV_USER) or "",
        password=from_env(args.password, ENV_PASSWORD) or "",
        owner_user=from_env(args.owner_user, ENV_OWNER_USER) or "",
        owner_password=from_env(args.owner_password, ENV_OWNER_PASSWORD) or "",
        owner_id=from_env(args.owner_id, ENV_OWNER_ID) or "",
        profile=PROFILES[profile], seed=seed if seed is not None else random.randrange(2**31),
        checks=selected, client=client_config(args), category=args.ticket_category or "",
        reply_template=args.reply_template or "", faults=list(args.fault),
        smtp_capture=args.smtp_capture if args.endpoint else None,
        max_body_bytes=_max_body_bytes(args),
        settle_time=_settle_time(args), workers=workers(getattr(args, "workers", None)))


def _max_body_bytes(args: argparse.Namespace) -> int | None:
    """--max-body-bytes, also from the environment or the file, is a positive number."""
    value = getattr(args, "max_body_bytes", None)
    if value is not None and value < 1:
        raise CliError(f"--max-body-bytes {value}: expected a positive number")
    return value


def _settle_time(args: argparse.Namespace) -> float | None:
    value = getattr(args, "settle_time", None)
    if value is not None and not 0 <= value <= 600:
        raise CliError(f"--settle-time {value:g}: expected 0 to 600 seconds")
    return value


def workers(value: int | None) -> int:
    """--workers (also from the environment or the file) must be 1 or more; a command
    without the option (replay) runs on one."""
    if value is None:
        return 1
    if value < 1:
        raise CliError(f"--workers {value}: must be 1 or more")
    return value


@contextlib.contextmanager
def target_for(config: SuiteConfig, args: argparse.Namespace) -> Any:
    """Yields the SMTP capture to use, with the embedded target running if needed."""
    from conformance.suite import runner

    if config.endpoint:
        if args.fault:
            raise CliError("--fault applies to the embedded target only; start a faulty "
                           "target with `conformance serve --fault NAME`")
        if getattr(args, "variant", None):
            raise CliError("--variant applies to the embedded target only; start one with "
                           "`conformance serve --variant NAME`")
        capture = None
        if args.smtp_capture:
            from conformance.suite.smtp_capture import SmtpCapture

            host, _, port = args.smtp_capture.rpartition(":")
            try:
                capture = SmtpCapture(host or "127.0.0.1", int(port)).start()
            except (ValueError, OSError, RuntimeError) as exc:
                raise CliError(f"--smtp-capture {args.smtp_capture}: {exc}") from None
        try:
            yield capture
        finally:
            if capture is not None:
                capture.stop()
        return
    with runner.embedded_target(config.faults, getattr(args, "variant", None)) as embedded:
        runner.embedded_config(config, embedded.target.endpoint)
        yield embedded.capture


def run(args: argparse.Namespace) -> int:
    from conformance.orchestrate import run_session
    from conformance.suite import runner

    if args.detection and args.endpoint:
        raise CliError("--detection applies to the embedded target only (it restarts the "
                       "reference target with each fault)")
    merged = config_file.merge(args)
    if args.print_config:
        print(config_file.render(merged, settings.table(), args.print_config))
        return EXIT_OK
    config = suite_config(args, args.seed, args.profile, list(args.check))
    report_dir = checks.report_dir(args.report_dir)
    ci_options(config, args, report_dir)
    log = checks.log_to(report_dir)
    stopped: Any = None
    try:
        with target_for(config, args) as capture:
            try:
                state = runner.prepare(config, capture)
            except runner.RunError as exc:
                if exc.state is None:  # before the first request: no run, no report
                    raise
                stopped = exc
            if stopped is not None:
                stopped_at_setup(stopped, report_dir, args.verbose)
                raise CliError(str(stopped), stopped.exit_code)
            if state.context is not None and state.context.discovery:
                print(state.context.discovery["line"], flush=True)
            if not args.verbose:
                from conformance.cli.progress import Progress

                state.progress = Progress(config.profile, len(config.checks or select_all()))
            if args.detection:  # in the pytest session, after the checks
                state.at_finish.append(lambda: setattr(state, "detection",
                                                       score_catalogue(config.seed)))
            state.differential = args.differential  # issue 14
            print(f"testing {config.endpoint} (profile {config.profile.name}, seed "
                  f"{config.seed}{', faults ' + ','.join(config.faults) if config.faults else ''})",
                  flush=True)
            code = run_session(state, report_dir, quiet=not args.verbose)
    except runner.RunError as exc:
        raise CliError(str(exc), exc.exit_code) from None
    if code not in (0, 1):
        raise RuntimeError(f"the suite could not run (pytest exit code {code})")
    return summarise(state, report_dir, log)


def stopped_at_setup(exc: Any, report_dir: Path, verbose: bool) -> None:
    """A run that stopped at setup still writes its report (every check "error", not run)."""
    from conformance.orchestrate import run_session

    run_session(exc.state, report_dir, quiet=not verbose, extra=[] if verbose else ["--tb=no"])
    print(f"report: {report_dir / 'report.html'} (also results.json, junit.xml): "
          "the run stopped at setup", flush=True)


def select_all() -> list[Any]:
    from conformance.suite.catalogue import select

    return select([])


def ci_options(config: SuiteConfig, args: argparse.Namespace, report_dir: Path) -> None:
    from conformance.suite import ci

    try:
        ci.configure(config, report_dir=report_dir, example_db=args.example_db,
                     readonly=args.example_db_readonly, shard=args.shard,
                     baseline=args.baseline)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def score_catalogue(seed: int) -> dict[str, Any]:
    from conformance.suite.detection import detection_score

    print("running the fault catalogue (quick profile) for the detection score...", flush=True)
    score = detection_score("quick", seed)
    print(f"the suite caught {score['caught']} of {score['total']} known faults "
          f"({score['duration_s']} s)", flush=True)
    return score


def summarise(state: Any, report_dir: Path, log: Path | None = None) -> int:
    from conformance.suite.baseline import verdict_text
    from conformance.suite.outcome import INTERNAL_PREFIX
    from conformance.suite.results import class_summary, verdict

    outcomes = state.outcomes
    for outcome in outcomes:
        status = "ADVISORY" if outcome.advisory else outcome.status.upper()
        line = f"{status:8} {outcome.id:22} {outcome.examples:5} examples"
        if outcome.waived:
            line += (f"  [waiver expired {outcome.waived['expires']}]" if outcome.waived[
                "expired"] else f"  [waived until {outcome.waived['expires']}]")
        if outcome.failure:
            line += f"  {outcome.failure['message'][:160]}"
        elif outcome.reason:
            line += f"  {outcome.reason[:160]}"
        print(state.redactor.text(line))
    classes = class_summary(outcomes)
    print("classes: " + ", ".join(f"{c['title']} {c['status']}" for c in classes.values()))
    result = verdict(outcomes, state.setup_error or state.stopped_reason())
    if state.detection:
        print(f"detection: the suite caught {state.detection['caught']} of "
              f"{state.detection['total']} known faults")
    print(f"verdict: {verdict_text(result, outcomes)}")
    print(f"report: {report_dir / 'report.html'} (also results.json, junit.xml)")
    sys.stdout.flush()
    internal = [o.id for o in outcomes if (o.reason or "").startswith(INTERNAL_PREFIX)]
    if internal and result != "nonconformant":
        raise CliError(f"internal error of the suite in {', '.join(internal)}; the traceback "
                       f"is in {log or 'the log'}", EXIT_INTERNAL)
    return EXIT_BY_VERDICT[result]
