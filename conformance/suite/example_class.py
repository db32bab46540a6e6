"""The class of an addMessage-family example: which documented error codes it must get.

Simplifying or shrinking a failing example must stay inside its class: an error-check
example whose invalid sLevel is "simplified" to a valid one is no longer an error example,
and "sLevel '1' returned errorCode 0 (expected 10)" is then a false report. The class is
computed from the example alone (no target needed), with the same rules as
:meth:`conformance.suite.context.RunContext.prepare` uses for ``expected_errors``.
"""

from __future__ import annotations

from typing import Any

from conformance.strategies.domain import VALID_SLEVELS

ExampleClass = frozenset[str]


def subject(example: Any) -> dict[str, Any] | None:
    """The addMessage-family dict of an example (some checks draw tuples around it)."""
    if isinstance(example, tuple | list) and example:
        example = example[0]
    return example if isinstance(example, dict) and "variant" in example else None


def example_class(example: Any) -> ExampleClass | None:
    """The error codes ``example`` must get ("*": any documented non-zero code); an empty
    set for a valid request; ``None`` for an example that is not of the addMessage family."""
    inner = subject(example)
    if inner is None:
        return None
    codes: set[str] = set()
    if inner.get("session", "valid") != "valid":
        codes.add("5")
    if not str(inner.get("ticket", "own")).startswith("own"):
        codes.add("13")
    if inner.get("slevel") not in VALID_SLEVELS:
        codes.add("10")
    if any(a.get("kind") == "unknown" for a in inner.get("attachments") or []):
        codes.add("16")
    if inner.get("variant", 1) > 1 and inner.get("template") == "unknown":
        codes.add("*")
    return frozenset(codes)


def same_class(candidate: Any, original: Any) -> bool:
    """Whether ``candidate`` may stand for ``original`` as a smaller failing example."""
    return example_class(candidate) == example_class(original)


class ClassGuard:
    """Keeps Hypothesis' shrinking inside the class of the first failure it found: a
    failure of an example of another class is a different finding, not a smaller one."""

    def __init__(self) -> None:
        self.found: Any = None
        self.seen = False

    def admits(self, example: Any) -> bool:
        """Record the first failing example; later ones must be of its class."""
        if not self.seen:
            self.found, self.seen = example, True
            return True
        return same_class(example, self.found)
