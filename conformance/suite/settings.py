"""The options of ``conformance run`` in one table: each option's key (the long flag
without dashes, also its key in ``conformance.toml`` / ``[tool.conformance]``), its kind,
its default, and whether it is a secret (a secret never comes from a file: the file names
the environment variable that holds it, ``<key>-env``).

The table is the one place the defaults of ``conformance run`` live: the CLI applies them
after the command line, the environment (``CONFORMANCE_<KEY>``) and the configuration file
(see :mod:`conformance.cli.config_file`). An option declared on the command line but not in
the table still works in the file: its row is derived from the argparse declaration.
Extend the table with a row when an option needs a kind argparse cannot express.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from conformance.suite.config import DEFAULT_PROFILE, PROFILES

ENV_PREFIX = "CONFORMANCE_"
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Option:
    key: str  # "report-dir"
    kind: str  # str, path, int, float, bool, list, choice, rate
    default: Any = None
    secret: bool = False  # never in a file (only "<key>-env"), redacted when printed
    choices: tuple[str, ...] = ()
    sep: str = ","  # list items in an environment variable
    env_only: bool = False  # in a file only as "<key>-env" (like a secret), shown when printed

    @property
    def dest(self) -> str:
        return self.key.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.dest.upper()

    def allowed(self) -> str:
        return {"str": "a string", "path": "a path (relative to the file)",
                "int": "an integer", "float": "a number", "bool": "true or false",
                "list": "a list of strings", "rate": "a number of requests per second, "
                "or \"auto\" (honour HTTP 429 and Retry-After)",
                "choice": "one of " + ", ".join(self.choices)}[self.kind]

    def coerce(self, value: Any) -> Any:
        """The value in the option's type; ``ValueError`` naming what is allowed."""
        try:
            converted = _COERCE[self.kind](self, value)
        except (TypeError, ValueError):
            converted = _INVALID
        if converted is _INVALID:
            raise ValueError(f"{value!r} is not allowed: expected {self.allowed()}")
        return converted


_INVALID = object()


def _str(option: Option, value: Any) -> Any:
    return value if isinstance(value, str) else _INVALID


def _int(option: Option, value: Any) -> Any:
    if isinstance(value, bool) or isinstance(value, float):
        return _INVALID
    return int(value)


def _float(option: Option, value: Any) -> Any:
    if isinstance(value, bool):
        return _INVALID
    number = float(value)
    return number if number >= 0 else _INVALID


def _bool(option: Option, value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    return _INVALID


def _list(option: Option, value: Any) -> Any:
    if isinstance(value, str):
        return [v.strip() for v in value.split(option.sep) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return _INVALID


def _choice(option: Option, value: Any) -> Any:
    return value if value in option.choices else _INVALID


def rate_limit_value(value: Any) -> float | str:
    """``--rate-limit``: requests per second (0: none), or ``auto``."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    if isinstance(value, bool):
        raise ValueError(value)
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


def _rate(option: Option, value: Any) -> Any:
    return rate_limit_value(value)


_COERCE = {"str": _str, "path": _str, "int": _int, "float": _float, "bool": _bool,
           "list": _list, "choice": _choice, "rate": _rate}

OPTIONS: tuple[Option, ...] = (
    # the target and its users
    Option("endpoint", "str"),
    Option("wsdl", "path"),
    Option("user", "str", env_only=True),
    Option("password", "str", secret=True),
    Option("owner-user", "str", env_only=True),
    Option("owner-password", "str", secret=True),
    Option("owner-id", "str"),
    Option("ticket-category", "str"),  # default: discovered
    Option("reply-template", "str"),  # default: discovered
    Option("smtp-capture", "str"),
    Option("fault", "list", []),
    Option("variant", "list", []),
    Option("settle-time", "float"),  # default: 3 s, 1 s for the embedded target
    # transport
    Option("timeout", "float", 30.0),
    Option("retries", "int", 2),
    Option("rate-limit", "rate", 0.0),
    Option("rate-limit-max-wait", "float", 300.0),
    Option("header", "list", [], secret=True, sep="\n"),
    Option("basic-auth", "str", secret=True),
    Option("client-cert", "path"),
    Option("client-key", "path"),
    Option("ca-bundle", "path"),
    # what to run, and where the results go
    Option("profile", "choice", DEFAULT_PROFILE, choices=tuple(sorted(PROFILES))),
    Option("seed", "int"),
    Option("check", "list", []),
    Option("report-dir", "path", "reports/latest"),  # as cli/checks.DEFAULT_REPORT_DIR
    Option("detection", "bool", False),
    Option("verbose", "bool", False),
    # CI at scale (issue 13)
    Option("example-db", "path", "default"),
    Option("example-db-readonly", "bool", False),
    Option("baseline", "path"),
    Option("shard", "str"),
    # speed (issue 12)
    Option("workers", "int", 1),
)
NOT_SETTINGS = {"help", "config", "print_config", "handler", "command", "run_parser"}


def table(parser: argparse.ArgumentParser | None = None) -> dict[str, Option]:
    """The table by ``dest``, with rows derived for options only ``parser`` declares."""
    rows = {o.dest: o for o in OPTIONS}
    for action in parser._actions if parser is not None else []:
        if action.dest in rows or action.dest in NOT_SETTINGS or not action.option_strings:
            continue
        rows[action.dest] = _derived(action, declared_default(action))
    return rows


def _derived(action: argparse.Action, default: Any) -> Option:
    key = max(action.option_strings, key=len).lstrip("-")
    if isinstance(action, argparse._StoreTrueAction):
        return Option(key, "bool", False)
    if action.choices:
        return Option(key, "choice", default, choices=tuple(map(str, action.choices)))
    if isinstance(action, argparse._AppendAction):
        return Option(key, "list", [])
    kind = {int: "int", float: "float"}.get(action.type, "str")  # type: ignore[arg-type]
    return Option(key, kind, default)


def install(parser: argparse.ArgumentParser) -> None:
    """Make the parser leave every setting unset (None) unless given on the command line,
    so that the environment and the file can come in between it and the table's default."""
    rows = table(parser)
    # set_defaults below overwrites each action's default: keep the declared one, for the
    # rows derived from the parser and for --help
    for action in parser._actions:
        if not hasattr(action, "declared_default"):
            action.declared_default = action.default  # type: ignore[attr-defined]
    parser.set_defaults(**{dest: None for dest in rows})


def declared_default(action: argparse.Action) -> Any:
    """An option's default as declared, also after :func:`install`."""
    return getattr(action, "declared_default", action.default)


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
