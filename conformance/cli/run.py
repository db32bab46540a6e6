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
from conformance.cli.checks import DEFAULT_REPORT_DIR, limits
from conformance.cli.help import EXIT_CODES, Formatter
from conformance.contract import CANONICAL_WSDL
from conformance.suite import settings
from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SETTLE_TIME,
    EMBEDDED_SETTLE_TIME,
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
from conformance.suite.guard import DEFAULT_MAX_FAILURES, DEFAULT_MAX_TIME
from conformance.suite.transport import MAX_RESPONSE_BYTES, NO_REDIRECTS, REDIRECT_POLICIES

if TYPE_CHECKING:  # zeep and requests are imported when a run starts, not for --help
    from conformance.suite.client import ClientConfig

EXIT_BY_VERDICT = {"conformant": EXIT_OK, "nonconformant": EXIT_NONCONFORMANT,
                   "error": EXIT_UNREACHABLE}


DESCRIPTION = ("Run the conformance suite against the ticket port at --endpoint, or, "
               "without it, against the embedded reference target, and write report.html, "
               "junit.xml and results.json into the report dir.")


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """Options naming a target and how to reach it (shared with ``replay``)."""
    parser.add_argument("--endpoint", metavar="URL",
                        help="SOAP endpoint URL of the ticket port under test; without it "
                             "the embedded reference target is started on a free loopback "
                             "port and tested")
    parser.add_argument("--wsdl", metavar="PATH|URL",
                        help="the WSDL the suite builds its messages from: the target's own "
                             "(a URL is fetched through the same HTTP session as the calls); "
                             "default: the canonical contract shipped with the suite")
    parser.add_argument("--user", help=f"the agent user who adds messages (or ${ENV_USER})")
    parser.add_argument("--password", help=f"the agent's password (or ${ENV_PASSWORD}, "
                                           "which keeps it out of the process list)")
    parser.add_argument("--owner-user", metavar="USER",
                        help="the user who owns the suite's tickets and whose notifications "
                             f"are observed (or ${ENV_OWNER_USER})")
    parser.add_argument("--owner-password", metavar="PASSWORD",
                        help=f"the owner's password (or ${ENV_OWNER_PASSWORD})")
    parser.add_argument("--owner-id", metavar="ID",
                        help="the owner's user id on the target, used as newTicket's owner "
                             f"(or ${ENV_OWNER_ID})")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS",
                        help="how long to wait for each answer of the target")
    parser.add_argument("--retries", type=int, default=2, metavar="N",
                        help="how often a refused or timed-out connection attempt is retried")
    parser.add_argument("--rate-limit", type=rate_limit_option, default=0.0,
                        metavar="PER_SECOND|auto",
                        help="at most this many requests per second (0: no limit), or auto "
                             "(honour HTTP 429 and Retry-After)")
    parser.add_argument("--rate-limit-max-wait", type=float, metavar="SECONDS",
                        help="with --rate-limit auto: the most a run waits for 429 answers "
                             "in total (default: 300)")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE",
                        help="an extra HTTP header sent with every request, e.g. an API key "
                             "for a gateway (repeatable; values are redacted from reports)")
    parser.add_argument("--basic-auth", metavar="USER:PASSWORD",
                        help="HTTP basic authentication for a proxy in front of the target")
    parser.add_argument("--client-cert", metavar="PEM",
                        help="TLS client certificate to present to the target")
    parser.add_argument("--client-key", metavar="PEM",
                        help="the key of the TLS client certificate, if not in the same file")
    parser.add_argument("--ca-bundle", metavar="PEM",
                        help="CA certificates to verify the target's TLS certificate with")
    parser.add_argument("--follow-redirects", choices=REDIRECT_POLICIES, default=NO_REDIRECTS,
                        help="redirects are reported as a transport error of the check; "
                             "'same-origin' follows 307/308 (and, for the WSDL, any redirect) "
                             "to the target's own scheme, host and port, never elsewhere")
    parser.add_argument("--max-response-bytes", type=int, default=MAX_RESPONSE_BYTES,
                        metavar="BYTES",
                        help="the largest answer or WSDL document the suite reads")
    parser.add_argument("--max-transport-failures", type=int, default=DEFAULT_MAX_FAILURES,
                        metavar="N",
                        help="after this many timeouts or resets in a row (of one operation, "
                             "or of all), further calls fail at once as errors (0: never)")
    parser.add_argument("--max-time", type=float, default=DEFAULT_MAX_TIME, metavar="SECONDS",
                        help="the run-wide budget: after it nothing more is sent and the "
                             "checks not finished end as errors (0: no budget)")
    parser.add_argument("--smtp-capture", metavar="HOST:PORT",
                        help="listen there for the target's mail (external targets; configure "
                             "the target to send there); without it the mail checks are "
                             "skipped")
    parser.add_argument("--ticket-category", metavar="ID",
                        help="categoryId of the tickets the suite creates (default: "
                             "discovered)")
    parser.add_argument("--reply-template", metavar="ID",
                        help="replyTemplateId whose body holds %%message.body%%, for the "
                             "template checks (default: discovered)")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="embedded target only: switch on an implementation fault "
                             "(repeatable; see `conformance faults`)")
    # observation of what a call causes later (issue 9.3)
    parser.add_argument("--settle-time", type=float, default=None, metavar="SECONDS",
                        help="how long to wait for the notifications and mail a call "
                             f"causes (default {DEFAULT_SETTLE_TIME:g} s; "
                             f"{EMBEDDED_SETTLE_TIME:g} s for the embedded target)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME",
                        help="embedded target only: switch on a legitimate variation (see "
                             "`conformance variants`)")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="run the conformance suite against an endpoint or the embedded target",
        description=DESCRIPTION, epilog=EXIT_CODES, formatter_class=Formatter)
    add_target_options(parser)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE,
                        help="the test budget: quick (a smoke test), standard (a CI job), "
                             "thorough (certification)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="the seed of the generated inputs; the same seed repeats a run "
                             "exactly (default: a random one, printed and reported)")
    parser.add_argument("--check", action="append", default=[], metavar="ID",
                        help="run only this check (repeatable; ids in the README)")
    parser.add_argument("--report-dir", default=DEFAULT_REPORT_DIR, metavar="DIR",
                        help="where report.html, junit.xml, results.json and the log of "
                             "an internal error are written")
    parser.add_argument("--detection", action="store_true",
                        help="embedded target only: also run the fault catalogue and put the "
                             "detection score in the results (about a minute more)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="show pytest's own output")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="run the checks on N threads against the target, each with its "
                             "own sessions and tickets; the results keep the serial order")
    parser.add_argument("--max-body-bytes", type=positive_int, default=None, metavar="N",
                        help="the target's limit for messageBody/htmlMessageBody in UTF-8 "
                             "bytes: past it a refusal with a documented errorCode is "
                             "allowed, a silent cut never")
    # issue 14: the differential oracle against the embedded reference target
    parser.add_argument("--differential", nargs="?", const="advisory",
                        choices=("advisory", "fail"), default=None,
                        help="also send the run's examples to a fresh embedded reference "
                             "target and compare the answers: differences no check names "
                             "are advisory findings (=fail: they fail the run)")
    add_ci_options(parser)
    parser.set_defaults(handler=run, run_parser=parser)
    settings.install(parser)  # keep last: the table's defaults apply after env and file


def add_ci_options(parser: argparse.ArgumentParser) -> None:
    """Configuration file, example database, shard, baseline (issue 13)."""
    parser.add_argument("--config", metavar="PATH", help="configuration file (default: "
                        "./conformance.toml, else [tool.conformance] in ./pyproject.toml)")
    parser.add_argument("--print-config", nargs="?", const="toml", choices=("toml", "json"),
                        help="print the merged settings (secrets redacted) and exit")
    parser.add_argument("--example-db", metavar="DIR|redis://HOST:PORT/DB|none",
                        help="Hypothesis example database: failures found before are tried "
                             "first (default: <report-dir>/.examples)")
    parser.add_argument("--example-db-readonly", action="store_true",
                        help="read the example database, write new failures only locally")
    parser.add_argument("--baseline", metavar="FILE",
                        help="known failures to waive (see `conformance baseline`)")
    parser.add_argument("--shard", metavar="K/N", help="run only the K-th of N shares of "
                        "the checks (combine with `conformance merge`)")


def rate_limit_option(value: str) -> float | str:
    """--rate-limit: a number of requests per second (0: none) or auto; else one line."""
    try:
        return settings.rate_limit_value(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--rate-limit {value}: must be 0 (no limit) or more, or auto") from None


def positive_int(value: str) -> int:
    """A positive number of bytes (argparse reports anything else as a usage error)."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


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
        max_body_bytes=getattr(args, "max_body_bytes", None),
        settle_time=_settle_time(args), workers=workers(getattr(args, "workers", None)))


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
    merged = config_file.merge(args, args.run_parser)
    if args.print_config:
        print(config_file.render(merged, settings.table(args.run_parser), args.print_config))
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
