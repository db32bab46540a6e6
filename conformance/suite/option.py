"""One run option as a row of the table in :mod:`conformance.suite.settings`: its key, its
kind, its default, its help, the surfaces that have it, and how a value from the
environment or the configuration file is converted to its kind (one line naming what is
allowed when it cannot be). Also the value parsers argparse and pytest use for it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ENV_PREFIX = "CONFORMANCE_"
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}

RUN, REPLAY, COMPARE, PYTEST = "run", "replay", "compare", "pytest"  # the surfaces
ALL = (RUN, REPLAY, PYTEST)
SAME = object()  # Option.pytest_default: the pytest option has the row's default


@dataclass(frozen=True)
class Option:
    key: str  # "report-dir": the long flag without dashes, and the configuration file's key
    kind: str  # str, path, int, float, bool, list, choice, rate
    default: Any = None
    secret: bool = False  # never in a file (only "<key>-env"), redacted when printed
    choices: tuple[str, ...] = ()
    sep: str = ","  # list items in an environment variable
    env_only: bool = False  # in a file only as "<key>-env" (like a secret), shown when printed
    help: str = ""
    metavar: str | None = None
    on: tuple[str, ...] = ALL  # the surfaces: `conformance run`, `replay`, `compare`, pytest
    short: str | None = None  # "-v" (command line only)
    const: str | None = None  # a choice whose value may be left out ("--differential")
    parse: Callable[[str], Any] | None = None  # the command-line parser, if not by kind
    pytest_flag: str | None = None  # the plugin's flag when it must differ (pytest's own)
    pytest_help: str | None = None  # the plugin's help when its meaning differs
    pytest_default: Any = SAME  # the plugin's default when its meaning differs

    @property
    def dest(self) -> str:
        return self.key.replace("-", "_")

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.dest.upper()

    def flags(self, surface: str) -> list[str]:
        """The option's flags on ``surface`` (long first: argparse takes the dest from it)."""
        if surface == PYTEST:
            return [self.pytest_flag or "--" + self.key]
        return ["--" + self.key, *([self.short] if self.short else [])]

    def default_on(self, surface: str) -> Any:
        value = self.default if surface != PYTEST or self.pytest_default is SAME else (
            self.pytest_default)
        return list(value) if isinstance(value, list) else value

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


_COERCE: dict[str, Callable[[Option, Any], Any]] = {
    "str": _str, "path": _str, "int": _int, "float": _float, "bool": _bool, "list": _list,
    "choice": _choice, "rate": _rate}


def rate_limit_option(value: str) -> float | str:
    """--rate-limit on a command line: a number of requests per second (0: none) or auto;
    else one line (argparse and pytest report it as a usage error)."""
    try:
        return rate_limit_value(value)
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
