"""The options of a run, declared once: each row of :data:`OPTIONS` is one option with its
key (the long flag without dashes, also its key in ``conformance.toml`` /
``[tool.conformance]``), its kind, default, metavar, help, choices, whether it is a secret
(a secret never comes from a file: the file names the environment variable that holds it,
``<key>-env``), its environment variable (``CONFORMANCE_<KEY>``) and the surfaces that have
it: ``conformance run``, ``conformance replay`` (the target options), ``conformance
compare`` (what to run: profile, seed, checks), the pytest plugin.

Derived from the table: the options of ``conformance run``, ``replay`` and ``compare``
(:func:`declare`, used by :mod:`conformance.cli.run`), the pytest plugin's options (the
same, in :mod:`conformance.suite.plugin`), and the configuration file's schema (the rows of
``run``: :func:`table`, used by :mod:`conformance.cli.config_file`, which also applies the
table's defaults after the command line, the environment and the file).

Options local to one surface, outside the table: ``--config`` and ``--print-config`` of
``conformance run`` (:data:`NOT_SETTINGS`; they choose and show the settings, they are not
settings), ``replay``'s positional RESULTS and its required ``--check`` (the failed check,
not a selection), the plugin's ``--results-json`` (``run`` writes into ``--report-dir``),
and the other options of ``conformance compare`` (the targets, its ``--config``, and ``--timeout``,
``--workers``, ``--report-dir`` with another meaning or default there).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from conformance.suite.config import (
    DEFAULT_PROFILE,
    DEFAULT_SETTLE_TIME,
    EMBEDDED_SETTLE_TIME,
    PROFILES,
)
from conformance.suite.guard import DEFAULT_MAX_FAILURES, DEFAULT_MAX_TIME
from conformance.suite.option import (
    ALL,
    COMPARE,
    PYTEST,
    REPLAY,
    RUN,
    Option,
    positive_int,
    rate_limit_option,
)
from conformance.suite.ratelimit import DEFAULT_MAX_WAIT_S
from conformance.suite.transport import MAX_RESPONSE_BYTES, NO_REDIRECTS, REDIRECT_POLICIES

__all__ = ["ALL", "COMPARE", "OPTIONS", "PYTEST", "REPLAY", "RUN", "Option", "declare", "install",
           "rows", "table", "toml_value"]

TARGET = (RUN, REPLAY, PYTEST)  # naming the target and how to reach it
RUN_ONLY = (RUN,)
RUN_AND_PYTEST = (RUN, PYTEST)
SELECTION = (RUN, COMPARE, PYTEST)  # what to run: `compare` runs it on every target
EMBEDDED_ONLY = (RUN, REPLAY)  # switches of the embedded reference target


def _o(key: str, kind: str, default: Any = None, **fields: Any) -> Option:
    return Option(key, kind, default, **fields)


OPTIONS: tuple[Option, ...] = (
    # the target and its users (shared with `replay`)
    _o("endpoint", "str", metavar="URL",
       help="SOAP endpoint URL of the ticket port under test; without it the embedded "
            "reference target is started on a free loopback port and tested",
       pytest_help="SOAP endpoint URL of the ticket port under test"),
    _o("wsdl", "path", metavar="PATH|URL",
       help="the WSDL the suite builds its messages from: the target's own (a URL is "
            "fetched through the same HTTP session as the calls); default: the canonical "
            "contract shipped with the suite"),
    _o("user", "str", env_only=True, help="the agent user who adds messages (or "
       "$CONFORMANCE_USER)"),
    _o("password", "str", secret=True, help="the agent's password (or $CONFORMANCE_PASSWORD, "
       "which keeps it out of the process list)"),
    _o("owner-user", "str", env_only=True, metavar="USER",
       help="the user who owns the suite's tickets and whose notifications are observed "
            "(or $CONFORMANCE_OWNER_USER)"),
    _o("owner-password", "str", secret=True, metavar="PASSWORD",
       help="the owner's password (or $CONFORMANCE_OWNER_PASSWORD)"),
    _o("owner-id", "str", metavar="ID", help="the owner's user id on the target, used as "
       "newTicket's owner (or $CONFORMANCE_OWNER_ID; default: discovered)"),
    # transport (pytest-timeout owns pytest's --timeout: the plugin's is --request-timeout)
    _o("timeout", "float", 30.0, metavar="SECONDS", pytest_flag="--request-timeout",
       help="how long to wait for each answer of the target"),
    _o("retries", "int", 2, metavar="N",
       help="how often a refused or timed-out connection attempt is retried"),
    _o("rate-limit", "rate", 0.0, metavar="PER_SECOND|auto", parse=rate_limit_option,
       help="at most this many requests per second (0: no limit), or auto (honour HTTP "
            "429 and Retry-After)"),
    _o("rate-limit-max-wait", "float", DEFAULT_MAX_WAIT_S, metavar="SECONDS",
       help="with --rate-limit auto: the most a run waits for 429 answers in total "
            "(default: 300)"),
    _o("header", "list", [], secret=True, sep="\n", metavar="NAME:VALUE",
       help="an extra HTTP header sent with every request, e.g. an API key for a gateway "
            "(repeatable; values are redacted from reports)"),
    _o("basic-auth", "str", secret=True, metavar="USER:PASSWORD",
       help="HTTP basic authentication for a proxy in front of the target"),
    _o("client-cert", "path", metavar="PEM",
       help="TLS client certificate to present to the target"),
    _o("client-key", "path", metavar="PEM",
       help="the key of the TLS client certificate, if not in the same file"),
    _o("ca-bundle", "path", metavar="PEM",
       help="CA certificates to verify the target's TLS certificate with"),
    _o("follow-redirects", "choice", NO_REDIRECTS, choices=REDIRECT_POLICIES,
       help="redirects are reported as a transport error of the check; 'same-origin' "
            "follows 307/308 (and, for the WSDL, any redirect) to the target's own scheme, "
            "host and port, never elsewhere"),
    _o("max-response-bytes", "int", MAX_RESPONSE_BYTES, metavar="BYTES",
       help="the largest answer or WSDL document the suite reads"),
    _o("max-transport-failures", "int", DEFAULT_MAX_FAILURES, metavar="N",
       help="after this many timeouts or resets in a row (of one operation, or of all), "
            "further calls fail at once as errors (0: never)"),
    _o("max-time", "float", DEFAULT_MAX_TIME, metavar="SECONDS",
       help="the run-wide budget: after it nothing more is sent and the checks not "
            "finished end as errors (0: no budget)"),
    _o("smtp-capture", "str", metavar="HOST:PORT",
       help="listen there for the target's mail (external targets; configure the target "
            "to send there); without it the mail checks are skipped"),
    _o("ticket-category", "str", metavar="ID",  # default: discovered
       help="categoryId of the tickets the suite creates (default: discovered)"),
    _o("reply-template", "str", metavar="ID",  # default: discovered
       help="replyTemplateId whose body holds %%message.body%%, for the template checks "
            "(default: discovered)"),
    _o("fault", "list", [], metavar="NAME", on=EMBEDDED_ONLY,
       help="embedded target only: switch on an implementation fault (repeatable; see "
            "`conformance faults`)"),
    # observation of what a call causes later (issue 9.3)
    _o("settle-time", "float", metavar="SECONDS",
       help=f"how long to wait for the notifications and mail a call causes (default "
            f"{DEFAULT_SETTLE_TIME:g} s; {EMBEDDED_SETTLE_TIME:g} s for the embedded "
            "target)"),
    _o("variant", "list", [], metavar="NAME", on=EMBEDDED_ONLY,
       help="embedded target only: switch on a legitimate variation (see `conformance "
            "variants`)"),
    # what to run, and where the results go
    _o("profile", "choice", DEFAULT_PROFILE, choices=tuple(sorted(PROFILES)),
       on=SELECTION, help="the test budget: quick (a smoke test), standard (a CI job), "
       "thorough (certification)"),
    _o("seed", "int", metavar="N", on=SELECTION,
       help="the seed of the generated inputs; the same seed repeats a run exactly "
            "(default: a random one, printed and reported)"),
    _o("check", "list", [], metavar="ID", on=SELECTION,
       help="run only this check (repeatable; ids in the README)"),
    _o("report-dir", "path", "reports/latest", metavar="DIR", on=RUN_ONLY,  # as cli/checks
       help="where report.html, junit.xml, results.json and the log of an internal error "
            "are written"),
    _o("detection", "bool", False, on=RUN_ONLY,
       help="embedded target only: also run the fault catalogue and put the detection "
            "score in the results (about a minute more)"),
    _o("verbose", "bool", False, short="-v", on=RUN_ONLY,  # pytest has its own
       help="show pytest's own output"),
    # speed (issue 12)
    _o("workers", "int", 1, metavar="N", on=RUN_AND_PYTEST,
       help="run the checks on N threads against the target, each with its own sessions "
            "and tickets; the results keep the serial order"),
    _o("max-body-bytes", "int", metavar="N", parse=positive_int, on=RUN_AND_PYTEST,
       help="the target's limit for messageBody/htmlMessageBody in UTF-8 bytes: past it a "
            "refusal with a documented errorCode is allowed, a silent cut never"),
    # issue 14: the differential oracle against the embedded reference target
    _o("differential", "choice", choices=("advisory", "fail"), const="advisory",
       on=RUN_AND_PYTEST,
       help="also send the run's examples to a fresh embedded reference target and compare "
            "the answers: differences no check names are advisory findings (=fail: they "
            "fail the run)"),
    # CI at scale (issue 13)
    _o("example-db", "path", "default", metavar="DIR|redis://HOST:PORT/DB|none",
       on=RUN_AND_PYTEST, pytest_default=None,
       help="Hypothesis example database: failures found before are tried first "
            "(default: <report-dir>/.examples)",
       pytest_help="Hypothesis example database: failures found before are tried first "
                   "(default: .examples next to --results-json; none without it)"),
    _o("example-db-readonly", "bool", False, on=RUN_AND_PYTEST,
       help="read the example database, write new failures only locally"),
    _o("baseline", "path", metavar="FILE", on=RUN_AND_PYTEST,
       help="known failures to waive (see `conformance baseline`)"),
    _o("shard", "str", metavar="K/N", on=RUN_AND_PYTEST,
       help="run only the K-th of N shares of the checks (combine with `conformance "
            "merge`)"),
)
NOT_SETTINGS = {"help", "config", "print_config", "handler", "command", "run_parser"}


def rows(surface: str) -> list[Option]:
    """The options ``surface`` has, in the table's order."""
    return [o for o in OPTIONS if surface in o.on]


def table() -> dict[str, Option]:
    """The configuration file's schema: the rows of ``conformance run``, by ``dest``."""
    return {o.dest: o for o in rows(RUN)}


def declare(option: Option, surface: str) -> tuple[list[str], dict[str, Any]]:
    """The flags and keyword arguments that declare ``option`` on ``surface``: for
    argparse's ``add_argument`` and pytest's ``addoption`` alike."""
    default = option.default_on(surface)
    kwargs: dict[str, Any] = {"default": default,
                              "help": (option.pytest_help if surface == PYTEST else None)
                              or option.help}
    if option.kind == "bool":
        kwargs["action"] = "store_true"
    elif option.kind == "list":
        kwargs["action"] = "append"
    elif option.kind == "choice":
        kwargs["choices"] = list(option.choices)
        if option.const is not None:
            kwargs.update(nargs="?", const=option.const)
    elif option.parse is not None or option.kind in ("int", "float"):
        kwargs["type"] = option.parse or {"int": int, "float": float}[option.kind]
    if option.metavar is not None:
        kwargs["metavar"] = option.metavar
    if surface == PYTEST and shows_default(kwargs["help"], default):
        # pytest's help has no formatter that adds it (the CLI's cli/help.Formatter does)
        kwargs["help"] += f" (default: {str(default).replace('%', '%%')})"
    return option.flags(surface), kwargs


def shows_default(text: str, default: Any) -> bool:
    """Whether a help text gets ``(default: X)``: when the default means something (not
    None, False, zero or an empty list) and the text does not say it itself."""
    return ("%(default)" not in text and "(default:" not in text
            and default not in (None, False, [], argparse.SUPPRESS))


def install(parser: argparse.ArgumentParser) -> None:
    """Make the parser leave every setting unset (None) unless given on the command line,
    so that the environment and the file can come in between it and the table's default."""
    # set_defaults below overwrites each action's default: keep the declared one for --help
    for action in parser._actions:
        if not hasattr(action, "declared_default"):
            action.declared_default = action.default  # type: ignore[attr-defined]
    parser.set_defaults(**{dest: None for dest in table()})


def toml_value(value: Any) -> str:
    """A TOML literal for the scalars and string lists of the table (a JSON string is a
    valid TOML basic string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
