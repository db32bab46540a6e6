"""``conformance badge RESULTS [--output PATH]``:
write an SVG badge of a run (verdict, classes passed) (see :mod:`conformance.cli._published`)."""

from __future__ import annotations

from typing import Any

from conformance.cli._published import Render, register_artefact
from conformance.publish import BADGE_NAME

HELP = "write an SVG badge of a run (verdict, classes passed)"


def _render() -> Render:
    from conformance.publish.badge import badge_bytes

    return badge_bytes


def register(subparsers: Any) -> None:
    register_artefact(subparsers, "badge", HELP, BADGE_NAME, _render)
