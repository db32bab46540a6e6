"""``conformance run``'s settings: the command line over the environment, the configuration
file and the table's defaults (the merge is :mod:`conformance.suite.config_file`'s), and
``--print-config``'s rendering of the result, secrets redacted. A bad key or value is one
line naming the file, the key and what is allowed (exit 2)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from conformance.cli import CliError
from conformance.suite import config_file
from conformance.suite.config_file import Merged
from conformance.suite.settings import Option, table, toml_value

REDACTED = "[REDACTED]"


def find_file(explicit: str | None, cwd: Path | None = None
              ) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file and its settings table (see suite/config_file.py)."""
    try:
        return config_file.find_file(explicit, cwd)
    except config_file.ConfigFileError as exc:
        raise CliError(str(exc)) from None


def merge(args: argparse.Namespace, cwd: Path | None = None) -> Merged:
    """Fill every unset setting of ``args`` (in place) from environment, file, default."""
    rows = table()
    try:
        merged = config_file.settle(
            {dest: getattr(args, dest, None) for dest in rows}, rows,
            {dest: option.default for dest, option in rows.items()},
            getattr(args, "config", None), cwd)
    except config_file.ConfigFileError as exc:
        raise CliError(str(exc)) from None
    for dest, value in merged.values.items():
        setattr(args, dest, value)
    return merged


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
