"""An exception of the suite itself (not a CheckFailed) that does not come back when
Hypothesis replays the example is an error of the run, never a finding against the target:
Hypothesis calls it flaky, and the check must not be reported as failed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.registry import CheckFailed


def test_an_error_that_does_not_come_back_is_raised_as_itself() -> None:
    calls: list[Any] = []

    def body(example: Any) -> None:
        calls.append(example)
        if len(calls) == 3:  # once, as a SystemError of a racing AST constructor was
            raise RuntimeError("AST constructor recursion depth mismatch")

    with runner.embedded_target([]) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=5)
        runner.embedded_config(config, embedded.target.endpoint)
        ctx = runner.prepare(config, embedded.capture).context
        assert ctx is not None
        with pytest.raises(RuntimeError, match="recursion depth mismatch") as raised:
            ctx.run_examples("X-FLAKY-ERROR", st.integers(0, 9), body, max_examples=10)
    assert not isinstance(raised.value, CheckFailed)
    assert len(calls) > 3  # Hypothesis replayed the example, and it passed
