"""``conformance run``: run the suite against an endpoint, or against the embedded
reference target when no ``--endpoint`` is given. Writes report.html, junit.xml and
results.json into the report dir. Exit codes: 0 conformant, 1 not conformant (a MUST check
failed), 2 usage or configuration error, 3 target unreachable or run aborted."""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from conformance.cli import EXIT_NONCONFORMANT, EXIT_OK, EXIT_UNREACHABLE, CliError
from conformance.contract import CANONICAL_WSDL
from conformance.suite.config import (
    DEFAULT_PROFILE,
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


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """Options naming a target and how to reach it (shared with ``replay``)."""
    parser.add_argument("--endpoint", help="SOAP endpoint URL (default: start the embedded "
                        "reference target on a free loopback port)")
    parser.add_argument("--wsdl", help="WSDL path or URL for messages (default: canonical)")
    parser.add_argument("--user", help=f"agent user (or ${ENV_USER})")
    parser.add_argument("--password", help=f"agent password (or ${ENV_PASSWORD})")
    parser.add_argument("--owner-user", help=f"ticket owner user (or ${ENV_OWNER_USER})")
    parser.add_argument("--owner-password",
                        help=f"ticket owner password (or ${ENV_OWNER_PASSWORD})")
    parser.add_argument("--owner-id", help=f"the owner's user id (or ${ENV_OWNER_ID})")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--retries", type=int, default=2, help="retries of refused connects")
    parser.add_argument("--rate-limit", type=float, default=0.0, help="requests per second")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE",
                        help="extra HTTP header (repeatable)")
    parser.add_argument("--basic-auth", metavar="USER:PASSWORD", help="HTTP basic auth")
    parser.add_argument("--client-cert", help="TLS client certificate (PEM)")
    parser.add_argument("--client-key", help="key of the TLS client certificate")
    parser.add_argument("--ca-bundle", help="CA bundle for the target's certificate")
    parser.add_argument("--smtp-capture", metavar="HOST:PORT",
                        help="listen there for the target's mail (external targets)")
    parser.add_argument("--ticket-category", default="1", help="categoryId for new tickets")
    parser.add_argument("--reply-template", default="1", help="replyTemplateId to use")
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="embedded target only: switch on a fault (see `conformance "
                             "faults`)")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("run", help="run the conformance suite",
                                   description=__doc__.splitlines()[0])
    add_target_options(parser)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE)
    parser.add_argument("--seed", type=int, help="the same seed repeats a run exactly")
    parser.add_argument("--check", action="append", default=[], metavar="ID",
                        help="run only this check (repeatable)")
    parser.add_argument("--report-dir", default="reports", help="where reports are written")
    parser.add_argument("--detection", action="store_true",
                        help="embedded target only: also run the fault catalogue and put the "
                             "detection score in the results (about a minute more)")
    parser.add_argument("--verbose", "-v", action="store_true", help="pytest's own output")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="run the checks on N threads against the target, each with its "
                             "own sessions and tickets; the results keep the serial order")
    parser.set_defaults(handler=run)


def client_config(args: argparse.Namespace) -> ClientConfig:
    try:
        return transport_config(
            args.endpoint or "", timeout=args.timeout, retries=args.retries,
            rate_limit=args.rate_limit, headers=args.header, basic_auth=args.basic_auth,
            client_cert=args.client_cert, client_key=args.client_key,
            ca_bundle=args.ca_bundle)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def http_url(value: str, flag: str) -> str:
    """``value`` if it is a usable http(s) URL; a usage error otherwise."""
    parts = urlparse(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
            c.isspace() for c in value):
        raise CliError(f"{flag} {value!r} is not an http:// or https:// URL")
    return value


def suite_config(args: argparse.Namespace, seed: int | None, profile: str,
                 checks: list[str]) -> SuiteConfig:
    if args.endpoint:
        http_url(args.endpoint, "--endpoint")
    return SuiteConfig(
        endpoint=args.endpoint or "", wsdl=args.wsdl or str(CANONICAL_WSDL),
        user=from_env(args.user, ENV_USER) or "",
        password=from_env(args.password, ENV_PASSWORD) or "",
        owner_user=from_env(args.owner_user, ENV_OWNER_USER) or "",
        owner_password=from_env(args.owner_password, ENV_OWNER_PASSWORD) or "",
        owner_id=from_env(args.owner_id, ENV_OWNER_ID) or "",
        profile=PROFILES[profile], seed=seed if seed is not None else random.randrange(2**31),
        checks=checks, client=client_config(args), category=args.ticket_category,
        reply_template=args.reply_template, faults=list(args.fault))


@contextlib.contextmanager
def target_for(config: SuiteConfig, args: argparse.Namespace) -> Any:
    """Yields the SMTP capture to use, with the embedded target running if needed."""
    from conformance.suite import runner

    if config.endpoint:
        if args.fault:
            raise CliError("--fault applies to the embedded target only; start a faulty "
                           "target with `conformance serve --fault NAME`")
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
    with runner.embedded_target(config.faults) as embedded:
        runner.embedded_config(config, embedded.target.endpoint)
        yield embedded.capture


def run(args: argparse.Namespace) -> int:
    from conformance.suite import runner

    if args.detection and args.endpoint:
        raise CliError("--detection applies to the embedded target only (it restarts the "
                       "reference target with each fault)")
    config = suite_config(args, args.seed, args.profile, list(args.check))
    if args.workers < 1:
        raise CliError(f"--workers {args.workers}: give 1 or more")
    config.workers = args.workers
    report_dir = Path(args.report_dir)
    try:
        with target_for(config, args) as capture:
            state = runner.prepare(config, capture)
            if args.detection:
                state.detection = score_catalogue(config.seed)
            print(f"testing {config.endpoint} (profile {config.profile.name}, seed "
                  f"{config.seed}{', faults ' + ','.join(config.faults) if config.faults else ''})",
                  flush=True)
            code = runner.run_pytest(state, report_dir, quiet=not args.verbose)
    except runner.RunError as exc:
        raise CliError(str(exc), exc.exit_code) from None
    if code not in (0, 1):
        raise CliError(f"the suite could not run (pytest exit code {code})", 2)
    return summarise(state, report_dir)


def score_catalogue(seed: int) -> dict[str, Any]:
    from conformance.suite.detection import detection_score

    print("running the fault catalogue (quick profile) for the detection score...", flush=True)
    score = detection_score("quick", seed)
    print(f"the suite caught {score['caught']} of {score['total']} known faults "
          f"({score['duration_s']} s)", flush=True)
    return score


def summarise(state: Any, report_dir: Path) -> int:
    from conformance.suite.results import class_summary, verdict

    outcomes = state.outcomes
    for outcome in outcomes:
        line = f"{outcome.status.upper():8} {outcome.id:22} {outcome.examples:5} examples"
        if outcome.failure:
            line += f"  {outcome.failure['message'][:160]}"
        elif outcome.reason:
            line += f"  {outcome.reason[:160]}"
        print(state.redactor.text(line))
    classes = class_summary(outcomes)
    print("classes: " + ", ".join(f"{c['title']} {c['status']}" for c in classes.values()))
    result = verdict(outcomes, state.setup_error)
    if state.detection:
        print(f"detection: the suite caught {state.detection['caught']} of "
              f"{state.detection['total']} known faults")
    print(f"verdict: {result}")
    print(f"report: {report_dir / 'report.html'} (also results.json, junit.xml)")
    sys.stdout.flush()
    return EXIT_BY_VERDICT[result]
