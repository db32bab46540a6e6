"""``conformance compare``: the same seed, profile and checks run against several targets
(:mod:`.targets`), each through ``conformance run`` into its own report sub-dir
(:mod:`.execute`), gathered into one matrix of checks by targets (:mod:`.matrix`) written as
an HTML page, Markdown and JSON (:mod:`.render`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.compare.execute import RunPlan, TargetRun, run_all
from conformance.compare.matrix import build_matrix
from conformance.compare.render import write_all
from conformance.compare.targets import TargetSpec, TargetSpecError


def compare(specs: list[TargetSpec], plan: RunPlan, folder: Path, workers: int = 1,
            link_base: str = "", progress: Callable[[TargetRun], None] | None = None
            ) -> tuple[dict[str, Any], list[TargetRun], list[Path]]:
    """Run every target, write the matrix; returns it, the runs and the files written."""
    runs = run_all(specs, plan, folder, workers, progress)
    matrix = build_matrix(runs, folder, plan.seed, plan.profile)
    return matrix, runs, write_all(matrix, folder, link_base)


__all__ = ["RunPlan", "TargetRun", "TargetSpec", "TargetSpecError", "compare"]
