"""Contract checks: a target's own WSDL against the canonical contract (the ``diff``
sub-package) and against the WS-I Basic Profile 1.1 (the ``wsi`` sub-package).

:func:`check_contract` runs both and is what ``conformance diff`` and ``conformance run``
call; :func:`diff_contracts` and :func:`check_wsi` are the two halves. Imports point one
way: ``diff`` reads descriptions with ``wsi.reader``, ``wsi`` imports nothing of ``diff``,
and ``table`` (the terminal table of ``conformance diff``) imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.contractcheck.diff import KINDS, Difference, DiffReport, Source, diff_contracts
from conformance.contractcheck.wsi import ASSERTIONS, WsiResult, check_wsi, failed_must

EXIT_COMPATIBLE = 0
EXIT_BREAKING = 1


@dataclass
class ContractCheck:
    """The diff of a target's WSDL against the canonical one, and its WS-I results."""

    diff: DiffReport
    wsi: list[WsiResult]

    @property
    def wsi_passed(self) -> bool:
        """True if the target's WSDL meets every MUST assertion (SHOULDs only warn)."""
        return not failed_must(self.wsi)

    def exit_code(self, strict_wsi: bool = False) -> int:
        """0 without breaking differences, 1 with; ``strict_wsi`` adds WS-I MUST failures."""
        failed = self.diff.breaking or (strict_wsi and not self.wsi_passed)
        return EXIT_BREAKING if failed else EXIT_COMPATIBLE

    def to_dict(self) -> dict[str, Any]:
        """JSON-able data for results.json and the report."""
        return {
            "diff": self.diff.to_dict(),
            "wsi": {
                "source": self.diff.target_source,
                "passed": self.wsi_passed,
                "assertions": [r.to_dict() for r in self.wsi],
            },
        }


def check_contract(canonical_source: Source, target_source: str | Path) -> ContractCheck:
    """Diff ``target_source`` against ``canonical_source`` and apply WS-I to the target.

    The canonical contract may be given loaded (``Contract.document``) to save a load.

    Raises :class:`conformance.contract.ContractError` if either cannot be read or is not
    a usable WSDL 1.1 document.
    """
    diff = diff_contracts(canonical_source, target_source)
    return ContractCheck(diff, check_wsi(target_source))


__all__ = [
    "ASSERTIONS",
    "KINDS",
    "ContractCheck",
    "DiffReport",
    "Difference",
    "WsiResult",
    "check_contract",
    "check_wsi",
    "diff_contracts",
]
