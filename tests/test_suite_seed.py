"""`--seed` makes a run repeat exactly: the same seed draws the same inputs, another seed
draws others."""

from __future__ import annotations

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import run_check

CHECKS = ["AM-BODY-EXACT", "AM-ERR-SLEVEL", "AM-ROBUST-FAULT"]


def drawn_inputs(seed: int) -> list[object]:
    """Every example the checks ran, in order, against a fresh embedded target."""
    with runner.embedded_target([]) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=seed, checks=CHECKS)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        seen: list[object] = []
        original = state.context.note_input

        def note(example: object) -> None:
            seen.append(example)
            original(example)

        state.context.note_input = note  # type: ignore[method-assign]
        for check in select(CHECKS):
            assert run_check(state.context, check, None, "").status == "passed"
        return seen


def test_same_seed_repeats_the_inputs_exactly() -> None:
    first = drawn_inputs(1234)
    assert first and drawn_inputs(1234) == first


def test_another_seed_draws_other_inputs() -> None:
    assert drawn_inputs(1234) != drawn_inputs(4321)
