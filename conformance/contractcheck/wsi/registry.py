"""The registry of WS-I assertions, and the result of applying one.

An assertion is a check of the :class:`Model` that returns its problems (none: passed),
registered under its Basic Profile requirement number with :func:`wsi_assertion`, which
refuses duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.contractcheck.wsi.model import Model


@dataclass(frozen=True)
class WsiResult:
    """The outcome of one WS-I assertion on one description."""

    id: str
    title: str
    level: str  # MUST | SHOULD
    passed: bool
    details: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "passed": self.passed,
            "details": list(self.details),
        }


Check = Callable[[Model], list[str]]


@dataclass(frozen=True)
class Assertion:
    id: str
    title: str
    level: str
    check: Check


ASSERTIONS: dict[str, Assertion] = {}


def wsi_assertion(wsi_id: str, title: str, level: str = "MUST") -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if wsi_id in ASSERTIONS:
            raise ValueError(f"duplicate WS-I assertion {wsi_id}")
        ASSERTIONS[wsi_id] = Assertion(wsi_id, title, level, check)
        return check

    return register
