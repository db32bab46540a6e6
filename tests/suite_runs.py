"""Running the suite in-process against a running target (the embedded one with faults is
``conformance.suite.detection.run_embedded``)."""

from __future__ import annotations

from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import Outcome
from conformance.suite.provisional import run_in_order


def prepare_and_run(endpoint: str, wsdl: str, checks: list[str], seed: int = 1
                    ) -> dict[str, Outcome]:
    """Outcome of each check against a running target, with the reference users."""
    config = SuiteConfig(endpoint=endpoint, wsdl=wsdl, user="", password="", owner_user="",
                         owner_password="", owner_id="", profile=PROFILES["quick"], seed=seed,
                         checks=checks)
    runner.embedded_config(config, endpoint)
    config.embedded = False
    state = runner.prepare(config)
    assert state.context is not None
    return run_in_order(state.context, select(checks), lambda _check_id: "replay")
