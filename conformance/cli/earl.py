"""``conformance earl RESULTS [--output PATH]``:
write a run's results as W3C EARL in JSON-LD (see :mod:`conformance.cli._published`)."""

from __future__ import annotations

from typing import Any

from conformance.cli._published import Render, register_artefact
from conformance.publish import EARL_NAME

HELP = "write a run's results as W3C EARL in JSON-LD"


def _render() -> Render:
    from conformance.publish.earl import earl_bytes

    return earl_bytes


def register(subparsers: Any) -> None:
    register_artefact(subparsers, "earl", HELP, EARL_NAME, _render)
