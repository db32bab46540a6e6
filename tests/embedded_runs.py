"""Running chosen checks in-process against the embedded reference target with options a
plain ``run_embedded`` does not take (a declared body limit), keeping the run context (for
its contract coverage)."""

from __future__ import annotations

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.outcome import Outcome
from conformance.suite.provisional import run_in_order


def run_with(checks: list[str], faults: list[str] | None = None, profile: str = "quick",
             seed: int = 3, max_body_bytes: int | None = None
             ) -> tuple[dict[str, Outcome], RunContext]:
    with runner.embedded_target(faults or []) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES[profile], seed=seed, checks=checks,
                             faults=faults or [], max_body_bytes=max_body_bytes)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        outcomes = run_in_order(state.context, select(checks), lambda _check_id: "replay")
        return outcomes, state.context
