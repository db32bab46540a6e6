"""The settings of a run from four places, first one wins: the command line (or pytest's
options), the environment (``CONFORMANCE_<KEY>``), the configuration file, the defaults of
:mod:`conformance.suite.settings`, whose table is also the file's schema. Used by
``conformance run`` (cli/config_file.py) and by the pytest plugin used directly.

The file is ``--config PATH`` (the plugin's ``--conformance-config``), else
``conformance.toml`` in the current directory, else the ``[tool.conformance]`` table of
``pyproject.toml`` there. Its keys are the long options of ``conformance run``
(``report-dir = "reports/nightly"``; ``_`` may stand for ``-``); a secret is never a value
in it, only the name of the variable holding it (``password-env = "VENDOR_PASSWORD"``).
Relative paths are relative to the file. A bad key or value is one line naming the file,
the key and what is allowed (:class:`ConfigFileError`). The ``[compare]`` table belongs to
``conformance compare`` (cli/compare.py) and is skipped here.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.suite.settings import Option

FILE_NAME = "conformance.toml"
NOT_PATHS = ("http://", "https://", "redis://", "rediss://", "unix://")
KEYWORDS = ("none", "default")
SECTIONS = ("compare",)  # tables of other commands (conformance compare's targets)


class ConfigFileError(ValueError):
    """A configuration file, a key or a value (also of the environment) that cannot be
    used: one line naming where, the key and what is allowed."""


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
        raise ConfigFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: not valid TOML: {exc}") from None


def file_values(path: Path, data: dict[str, Any], rows: dict[str, Option]
                ) -> dict[str, tuple[Any, str]]:
    """(value, source) by dest from a settings table; CliError for a bad key or value."""
    by_key = {o.key: o for o in rows.values()}
    dest_of = {o.key: dest for dest, o in rows.items()}  # the rows' own keys
    out: dict[str, tuple[Any, str]] = {}
    for raw_key, value in data.items():
        if raw_key in SECTIONS and isinstance(value, dict):
            continue  # read by that command (cli/compare.py)
        key = str(raw_key).replace("_", "-")
        env_ref = key.endswith("-env") and key[:-4] in by_key
        option = by_key.get(key[:-4] if env_ref else key)
        if option is None:
            raise ConfigFileError(f"{path}: unknown key {raw_key!r} (allowed: "
                           f"{', '.join(sorted(by_key))}; a secret as <key>-env)")
        if (option.secret or option.env_only) and not env_ref:
            raise ConfigFileError(f"{path}: key {raw_key!r}: credentials are never written in a "
                           "file; "
                           f"name the environment variable that holds it: "
                           f"{option.key}-env = \"VARIABLE\"")
        where = f"{path.name} {raw_key}"
        if env_ref:
            if not isinstance(value, str) or not value:
                raise ConfigFileError(f"{path}: key {raw_key!r}: expected the name of an "
                               "environment variable")
            if value not in os.environ:
                continue  # unset: the option stays unset (the run says what is missing)
            value, where = os.environ[value], f"${value} (named by {path.name})"
        try:
            converted = option.coerce(value)
        except ValueError as exc:
            raise ConfigFileError(f"{path}: key {raw_key!r}: {exc}") from None
        if option.kind == "path" and converted and not str(converted).startswith(
                NOT_PATHS) and converted not in KEYWORDS:
            converted = str(path.parent / converted)  # an absolute one stays as it is
        out[dest_of[option.key]] = (converted, where)
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
            raise ConfigFileError(f"environment variable {option.env}: {exc}") from None
    return out


def settle(given: dict[str, Any], rows: dict[str, Option], defaults: dict[str, Any],
           explicit: str | None = None, cwd: Path | None = None) -> Merged:
    """Every setting of ``rows`` (by dest): as ``given`` (None: not given), else from the
    environment, else from the file, else ``defaults``; ConfigFileError for a bad one."""
    found = find_file(explicit, cwd)
    from_file = file_values(*found, rows) if found else {}
    from_env = env_values(rows)
    merged = Merged(file=found[0] if found else None)
    for dest in rows:
        value = given.get(dest)
        if value is not None:
            source = "command line"
        elif dest in from_env:
            value, source = from_env[dest]
        elif dest in from_file:
            value, source = from_file[dest]
        else:
            value, source = _copy(defaults.get(dest)), "default"
        merged.values[dest], merged.sources[dest] = value, source
    return merged


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value
