"""How one check record of a results.json reads outside the report: its cell status
(passed, failed, advisory, skipped, error) and its level. A SHOULD check that failed is an
advisory finding, not a failure (PRODUCT.md: exit 0 "also with advisory SHOULD findings");
a record already marked ``advisory`` keeps that status."""

from __future__ import annotations

from typing import Any

PASSED, FAILED, ADVISORY, SKIPPED, ERROR = "passed", "failed", "advisory", "skipped", "error"
CELL_STATUSES = (PASSED, FAILED, ADVISORY, SKIPPED, ERROR)
VERDICT_WORDS = {"conformant": "conformant", "nonconformant": "not conformant",
                 "error": "error"}


def level(record: dict[str, Any]) -> str:
    return str(record.get("level") or "MUST")


def cell_status(record: dict[str, Any]) -> str:
    """The status of a check record as one of :data:`CELL_STATUSES`."""
    status = str(record.get("status"))
    if status == FAILED and level(record) != "MUST":
        return ADVISORY
    return status if status in CELL_STATUSES else ERROR


def verdict_words(results: dict[str, Any]) -> str:
    key = str(results.get("verdict"))
    return VERDICT_WORDS.get(key, key)


def classes_passed(results: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Titles of the conformance classes that passed, and of all classes in the run."""
    classes = list((results.get("classes") or {}).values())
    titles = [str(c.get("title")) for c in classes]
    return [str(c.get("title")) for c in classes if c.get("status") == PASSED], titles
