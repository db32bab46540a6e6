"""The registry of checks: each has a stable id, a one-line statement, the clause of the
reference it comes from, a level (MUST/SHOULD), a family and a conformance class.

Built-in checks register with the :func:`check` decorator exactly as a user's would; the
registry refuses duplicate ids. A check is a function ``(ctx) -> int`` that runs its own
examples against the target and returns how many it ran; it fails by raising
:class:`CheckFailed` (an ``AssertionError``), skips with :class:`CheckSkipped`, and a target
that misbehaves at the transport level (timeout, reset, non-SOAP) surfaces as
:class:`conformance.suite.client.TargetError`, which the run reports as ``error``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MUST = "MUST"
SHOULD = "SHOULD"

# Conformance classes: the verdict says which of them passed.
CLASSES = {
    "core": "core addMessage",
    "extensions": "addMessage2/3 extensions",
    "robustness": "robustness",
    "stateful": "stateful",
}
FAMILIES = ("schema", "status", "notification", "persistence", "errors", "robustness",
            "concurrency", "addMessage2/3", "differential", "stateful")


class CheckFailed(AssertionError):
    """An invariant does not hold; ``message`` says so in plain words."""


class CheckSkipped(Exception):
    """The check cannot run against this target (reason in the message)."""


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    clause: str
    level: str
    family: str
    conformance_class: str
    run: Callable[[Any], int] = field(compare=False, repr=False)
    replay: Callable[[Any, dict[str, Any]], None] | None = field(default=None, compare=False,
                                                                repr=False)
    # Its examples are drawn by ``ctx.run_examples`` (once per check), so a profile with
    # more examples than one slice holds runs them as slices that ``--shard`` can spread
    # over runners (suite/slices.py). False: the check always runs whole.
    sliced: bool = True


REGISTRY: dict[str, Check] = {}


def check(
    id: str,
    title: str,
    *,
    clause: str,
    family: str,
    conformance_class: str = "core",
    level: str = MUST,
    replay: Callable[[Any, dict[str, Any]], None] | None = None,
    sliced: bool = True,
) -> Callable[[Callable[[Any], int]], Callable[[Any], int]]:
    """Register a check function under a stable id."""
    if level not in (MUST, SHOULD):
        raise ValueError(f"check {id}: level must be MUST or SHOULD")
    if family not in FAMILIES:
        raise ValueError(f"check {id}: unknown family {family!r}")
    if conformance_class not in CLASSES:
        raise ValueError(f"check {id}: unknown conformance class {conformance_class!r}")

    def register(func: Callable[[Any], int]) -> Callable[[Any], int]:
        if id in REGISTRY:
            raise ValueError(f"duplicate check id {id}")
        REGISTRY[id] = Check(id, title, clause, level, family, conformance_class, func,
                             replay, sliced)
        return func

    return register
