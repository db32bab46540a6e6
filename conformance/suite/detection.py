"""Detection power: run the reference target with each fault of the catalogue and see
whether the checks that must catch it fail. The score ("the suite caught N of M known
faults") goes into results.json and the report of a run against the embedded target."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from conformance.contract import CANONICAL_WSDL
from conformance.reference.faults import CATALOGUE, FaultSpec
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import FAILED, Outcome
from conformance.suite.provisional import run_in_order


def run_embedded(faults: list[str], checks: list[str] | None = None, profile: str = "quick",
                 seed: int = 1, variants: list[str] | None = None,
                 options: dict[str, Any] | None = None) -> dict[str, Outcome]:
    """Outcome of each selected check against the embedded target with ``faults`` and
    legitimate ``variants``; ``options`` set SuiteConfig fields (category, reply_template,
    settle_time...)."""
    with runner.embedded_target(faults, variants) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES[profile], seed=seed, checks=checks or [],
                             faults=faults)
        for name, value in (options or {}).items():
            setattr(config, name, value)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        outcomes = run_in_order(state.context, select(checks or []),
                                lambda check_id: "conformance replay results.json --check "
                                                 f"{check_id}")
        state.context.teardown()
        return outcomes


def fault_result(spec: FaultSpec, profile: str, seed: int) -> dict[str, Any]:
    outcomes = run_embedded([spec.name], list(spec.caught_by), profile, seed)
    missed = [c for c in spec.caught_by if outcomes[c].status != FAILED]
    return {"name": spec.name, "description": spec.description, "checks":
            list(spec.caught_by), "caught": not missed, "missed": missed}


def detection_score(profile: str = "quick", seed: int = 1,
                    progress: Callable[[dict[str, Any]], None] | None = None
                    ) -> dict[str, Any]:
    """Run the whole catalogue; each fault is caught when all its listed checks fail."""
    started = time.perf_counter()
    faults = []
    for spec in CATALOGUE:
        result = fault_result(spec, profile, seed)
        faults.append(result)
        if progress:
            progress(result)
    return {"caught": sum(f["caught"] for f in faults), "total": len(faults),
            "profile": profile, "seed": seed,
            "duration_s": round(time.perf_counter() - started, 1), "faults": faults}
