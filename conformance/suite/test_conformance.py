"""The conformance suite as pytest tests: one test per selected check (see plugin.py)."""

from __future__ import annotations

import pytest

from conformance.suite.baseline import is_waived
from conformance.suite.outcome import ERROR, FAILED, SKIPPED
from conformance.suite.plugin import SuiteState, execute


def test_check(check_id: str, conformance_state: SuiteState, request: pytest.FixtureRequest
               ) -> None:
    outcome = execute(conformance_state, check_id)
    request.node.conformance_outcome = outcome
    redact = conformance_state.redactor.text
    if outcome.status == FAILED and is_waived(outcome):  # known, accepted: shown, not gating
        pytest.xfail(redact(f"{check_id}: waived known failure (until "
                            f"{outcome.waived['expires']}): "  # type: ignore[index]
                            f"{outcome.failure['message']}"))  # type: ignore[index]
    if outcome.status == FAILED:
        assert outcome.failure is not None
        pytest.fail(redact(f"{check_id}: {outcome.failure['message']}\n"
                           f"replay: {outcome.failure['replay']}"), pytrace=False)
    if outcome.status == SKIPPED:
        pytest.skip(redact(f"{check_id}: {outcome.reason}"))
    if outcome.status == ERROR:
        pytest.fail(redact(f"{check_id}: ERROR: {outcome.reason}"), pytrace=False)
