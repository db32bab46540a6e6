"""Checks of ``conformance run``'s options that must pass before the first request: URLs,
numbers, the report dir, the SMTP capture address. Each failure is one readable line and
exit code 2 (PRODUCT.md); and the log file that an internal error's traceback goes to."""

from __future__ import annotations

import argparse
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from conformance.cli import CliError

if TYPE_CHECKING:  # zeep and requests are imported when a run starts, not for --help
    from conformance.suite.client import ClientConfig

DEFAULT_REPORT_DIR = "reports/latest"
LOG_NAME = "conformance.log"


def http_url(value: str, flag: str) -> str:
    """``value`` if it is a usable http(s) URL; a usage error otherwise."""
    problem = f"{flag} {value!r} is not an http:// or https:// URL"
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number in 0..65535
    except ValueError as exc:
        raise CliError(f"{problem} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(
            c.isspace() for c in value):
        raise CliError(problem)
    if port == 0:
        raise CliError(f"{problem} (port 0)")
    return value


def limits(config: ClientConfig, args: argparse.Namespace) -> ClientConfig:
    """The guard's limits (``--max-transport-failures``, ``--max-time``) into ``config``."""
    failures = getattr(args, "max_transport_failures", config.max_failures)
    budget = getattr(args, "max_time", config.max_time)
    if failures < 0:
        raise CliError(f"--max-transport-failures {failures}: must be 0 (never) or more")
    if not budget >= 0 or budget == float("inf"):
        raise CliError(f"--max-time {budget:g}: must be 0 (no budget) or more seconds")
    config.max_failures, config.max_time = failures, budget
    return config


def report_dir(value: str) -> Path:
    """The report dir, created if needed and proven writable."""
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise CliError(f"--report-dir {value}: is an existing file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise CliError(f"--report-dir {value}: cannot write there "
                       f"({exc.strerror or exc})") from None
    return path


def smtp_address(value: str | None) -> None:
    if not value:
        return
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise CliError(f"--smtp-capture {value!r}: expected HOST:PORT")


def log_to(folder: Path) -> Path:
    """Send the suite's error log (tracebacks of internal errors) to ``folder``; the file is
    created only when something is logged."""
    path = folder / LOG_NAME
    path.unlink(missing_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    handler.setLevel(logging.ERROR)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
    logger = logging.getLogger("conformance")
    logger.addHandler(handler)
    from conformance import cli

    cli.INTERNAL_LOG = path
    return path
