"""The result of ``conformance diff``: each :class:`Difference`, and the :class:`DiffReport`.

:class:`Recorder` collects differences while the contracts are walked, and reports a
namespace change once per scope and pair of namespaces rather than at every element.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from conformance.contractcheck.diff.kinds import CHANGED, INPUT, classify


@dataclass(frozen=True)
class Difference:
    """One difference between the canonical contract and the target's."""

    kind: str
    path: str  # e.g. addMessage/input/attachmentIds/item
    canonical: str | None
    target: str | None
    breaking: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DiffReport:
    """All differences, in contract order; the verdict derives from them."""

    canonical_source: str
    target_source: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return any(d.breaking for d in self.differences)

    @property
    def namespace_only(self) -> bool:
        """True if the namespaces are all that differ (the suite can still test the target)."""
        return bool(self.differences) and all(
            d.kind == "namespace-changed" for d in self.differences
        )

    def to_dict(self) -> dict[str, Any]:
        breaking = sum(d.breaking for d in self.differences)
        return {
            "canonical": self.canonical_source,
            "target": self.target_source,
            "breaking": self.breaking,
            "namespace_only": self.namespace_only,
            "counts": {"breaking": breaking, "compatible": len(self.differences) - breaking},
            "differences": [d.to_dict() for d in self.differences],
        }


class Recorder:
    """Collects differences while walking two contracts side by side."""

    def __init__(self) -> None:
        self.differences: list[Difference] = []
        self.namespace_pairs: dict[tuple[str, str, str], list[str]] = {}
        self.actions_follow_namespace = False

    def add(self, kind: str, path: str, canonical: Any, target: Any, breaking: bool,
            message: str) -> None:
        self.differences.append(Difference(kind, path, _shown(canonical), _shown(target),
                                           breaking, message))

    def add_change(self, aspect: str, change: str, direction: str, path: str,
                   canonical: Any, target: Any, message: str) -> None:
        self.add(f"{aspect}-{change}", path, canonical, target, classify(change, direction),
                 f"{message} ({change} in the {'request' if direction == INPUT else 'response'})"
                 if change != CHANGED else message)

    def result(self) -> list[Difference]:
        namespace_differences = []
        for (scope, canonical, target), paths in self.namespace_pairs.items():
            more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
            follow = (" (soapAction values that embed the namespace follow it)"
                      if self.actions_follow_namespace else "")
            namespace_differences.append(Difference(
                "namespace-changed", paths[0], canonical or "(none)", target or "(none)", True,
                f"{scope} namespace {canonical or '(none)'!r} became {target or '(none)'!r} "
                f"at {paths[0]}{more}{follow}"))
        return namespace_differences + self.differences

    def namespace(self, path: str, canonical: str, target: str, scope: str = "element") -> None:
        """Record a namespace change, reported once per scope and pair of namespaces."""
        if canonical != target:
            self.namespace_pairs.setdefault((scope, canonical, target), []).append(path)


def _shown(value: Any) -> str | None:
    return None if value is None else str(value)
