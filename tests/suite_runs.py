"""Running the suite in-process against the embedded reference target (with faults)."""

from __future__ import annotations

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import Outcome, run_check
from conformance.suite.registry import select


def run_embedded(faults: list[str], checks: list[str] | None = None, profile: str = "quick",
                 seed: int = 1) -> dict[str, Outcome]:
    """Outcome of each selected check against the embedded target with ``faults``."""
    with runner.embedded_target(faults) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES[profile], seed=seed, checks=checks or [],
                             faults=faults)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        return {check.id: run_check(state.context, check, None, "replay")
                for check in select(checks or [])}


def prepare_and_run(endpoint: str, wsdl: str, checks: list[str], seed: int = 1
                    ) -> dict[str, Outcome]:
    """Outcome of each check against a running target, with the reference users."""
    config = SuiteConfig(endpoint=endpoint, wsdl=wsdl, user="", password="", owner_user="",
                         owner_password="", owner_id="", profile=PROFILES["quick"], seed=seed,
                         checks=checks)
    runner.embedded_config(config, endpoint)
    config.embedded = False
    state = runner.prepare(config)
    return {check.id: run_check(state.context, check, None, "replay")
            for check in select(checks)}
