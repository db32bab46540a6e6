"""``conformance summary RESULTS [--output PATH]``:
write a Markdown summary of a run (README, pull request) (see :mod:`conformance.cli._published`)."""

from __future__ import annotations

from typing import Any

from conformance.cli._published import Render, register_artefact
from conformance.publish import SUMMARY_NAME

HELP = "write a Markdown summary of a run (README, pull request)"


def _render() -> Render:
    from conformance.publish.summary import summary_bytes

    return summary_bytes


def register(subparsers: Any) -> None:
    register_artefact(subparsers, "summary", HELP, SUMMARY_NAME, _render)
