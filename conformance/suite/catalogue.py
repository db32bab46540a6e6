"""The catalogue of built-in checks: importing it registers every check of
``conformance.suite.checks`` (in the order of the report), then :func:`all_checks` and
:func:`select` read the registry. The registry and the run context below the checks never
import them; what needs the whole list imports this module."""

from __future__ import annotations

import conformance.suite.checks  # noqa: F401  (registers the built-in checks)
from conformance.suite.registry import REGISTRY, Check


def all_checks() -> list[Check]:
    """Every registered check, in registration order."""
    return list(REGISTRY.values())


def select(ids: list[str] | None) -> list[Check]:
    """The checks named by ``ids`` (all when empty); unknown ids raise ``KeyError``."""
    checks = all_checks()
    if not ids:
        return checks
    known = {c.id: c for c in checks}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise KeyError(f"unknown check id {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[i] for i in ids]
