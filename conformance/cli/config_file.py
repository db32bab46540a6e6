"""The configuration of ``conformance run`` from four places, first one wins: the command
line, the environment (``CONFORMANCE_<KEY>``), the configuration file, the defaults of
:mod:`conformance.suite.settings`, whose table is also the file's schema.

The file is ``--config PATH``, else ``conformance.toml`` in the current directory, else the
``[tool.conformance]`` table of ``pyproject.toml`` there. Its keys are the long options of
``conformance run`` (``report-dir = "reports/nightly"``; ``_`` may stand for ``-``); a
secret is never a value in it, only the name of the variable holding it
(``password-env = "VENDOR_PASSWORD"``). Relative paths are relative to the file. A bad key
or value is one line naming the file, the key and what is allowed (exit 2). The
``[compare]`` table belongs to ``conformance compare`` (cli/compare.py) and is skipped here.
"""

from __future__ import annotations

import argparse
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.cli import CliError
from conformance.suite.settings import Option, table, toml_value

FILE_NAME = "conformance.toml"
REDACTED = "[REDACTED]"
NOT_PATHS = ("http://", "https://", "redis://", "rediss://", "unix://")
KEYWORDS = ("none", "default")
SECTIONS = ("compare",)  # tables of other commands (conformance compare's targets)


@dataclass
class Merged:
    """The settled values (by dest) and where each came from."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    file: Path | None = None


def find_file(explicit: str | None, cwd: Path | None = None) -> tuple[Path, dict[str, Any]
                                                                      ] | None:
    """The configuration file and its settings table, or None when there is none."""
    cwd = cwd or Path.cwd()
    if explicit:
        path = Path(explicit)
        data = _read(path)
        return path, data.get("tool", {}).get("conformance", {}) if path.name == (
            "pyproject.toml") else data
    if (cwd / FILE_NAME).is_file():
        return cwd / FILE_NAME, _read(cwd / FILE_NAME)
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file():
        section = _read(pyproject).get("tool", {}).get("conformance")
        if section is not None:
            return pyproject, section
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CliError(f"{path}: not valid TOML: {exc}") from None


def file_values(path: Path, data: dict[str, Any], rows: dict[str, Option]
                ) -> dict[str, tuple[Any, str]]:
    """(value, source) by dest from a settings table; CliError for a bad key or value."""
    by_key = {o.key: o for o in rows.values()}
    out: dict[str, tuple[Any, str]] = {}
    for raw_key, value in data.items():
        if raw_key in SECTIONS and isinstance(value, dict):
            continue  # read by that command (cli/compare.py)
        key = str(raw_key).replace("_", "-")
        env_ref = key.endswith("-env") and key[:-4] in by_key
        option = by_key.get(key[:-4] if env_ref else key)
        if option is None:
            raise CliError(f"{path}: unknown key {raw_key!r} (allowed: "
                           f"{', '.join(sorted(by_key))}; a secret as <key>-env)")
        if (option.secret or option.env_only) and not env_ref:
            raise CliError(f"{path}: key {raw_key!r}: credentials are never written in a "
                           "file; "
                           f"name the environment variable that holds it: "
                           f"{option.key}-env = \"VARIABLE\"")
        where = f"{path.name} {raw_key}"
        if env_ref:
            if not isinstance(value, str) or not value:
                raise CliError(f"{path}: key {raw_key!r}: expected the name of an "
                               "environment variable")
            if value not in os.environ:
                continue  # unset: the option stays unset (the run says what is missing)
            value, where = os.environ[value], f"${value} (named by {path.name})"
        try:
            converted = option.coerce(value)
        except ValueError as exc:
            raise CliError(f"{path}: key {raw_key!r}: {exc}") from None
        if option.kind == "path" and converted and not str(converted).startswith(
                NOT_PATHS) and converted not in KEYWORDS:
            converted = str(path.parent / converted)  # an absolute one stays as it is
        out[option.dest] = (converted, where)
    return out


def env_values(rows: dict[str, Option]) -> dict[str, tuple[Any, str]]:
    out: dict[str, tuple[Any, str]] = {}
    for dest, option in rows.items():
        raw = os.environ.get(option.env)
        if raw is None or raw == "":
            continue
        try:
            out[dest] = (option.coerce(raw), f"${option.env}")
        except ValueError as exc:
            raise CliError(f"environment variable {option.env}: {exc}") from None
    return out


def merge(args: argparse.Namespace, cwd: Path | None = None) -> Merged:
    """Fill every unset setting of ``args`` (in place) from environment, file, default."""
    rows = table()
    found = find_file(getattr(args, "config", None), cwd)
    from_file = file_values(*found, rows) if found else {}
    from_env = env_values(rows)
    merged = Merged(file=found[0] if found else None)
    for dest, option in rows.items():
        given = getattr(args, dest, None)
        if given is not None:
            value, source = given, "command line"
        elif dest in from_env:
            value, source = from_env[dest]
        elif dest in from_file:
            value, source = from_file[dest]
        else:
            value, source = _copy(option.default), "default"
        setattr(args, dest, value)
        merged.values[dest], merged.sources[dest] = value, source
    return merged


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


def printable(merged: Merged, rows: dict[str, Option]) -> dict[str, Any]:
    """The merged settings by key, secrets redacted."""
    out: dict[str, Any] = {}
    for dest, value in merged.values.items():
        option = rows[dest]
        if option.secret and value:
            value = [REDACTED] * len(value) if isinstance(value, list) else REDACTED
        out[option.key] = value
    return out


def render(merged: Merged, rows: dict[str, Option], form: str) -> str:
    values = printable(merged, rows)
    if form == "json":
        return json.dumps({"file": str(merged.file) if merged.file else None,
                           "settings": values,
                           "sources": {rows[d].key: s for d, s in merged.sources.items()}},
                          indent=2)
    lines = [f"# conformance run: merged settings (file: {merged.file or 'none'})"]
    for dest, value in values.items():
        source = merged.sources[_dest(dest)]
        if value is None:
            lines.append(f"# {dest} is not set")
        else:
            lines.append(f"{dest} = {toml_value(value)}  # {source}")
    return "\n".join(lines)


def _dest(key: str) -> str:
    return key.replace("-", "_")
