"""Short looks while shrinking (suite/looks.py): a look is short only while a failure found
on full looks is shrunk and only for what this target has been seen to deliver; a report
never rests on a short look. The shrinking tests drive a run context's own Hypothesis
loop with a simulated mail path (no sleeping: each look says how long it would wait)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from embedded_runs import run_with
from hypothesis import strategies as st

from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.looks import MAIL, MIN_LOOK, NOTIFICATIONS, Looks
from conformance.suite.registry import CheckFailed

NEVER = float("inf")
LONG = 300  # examples this long are not yet minimal enough to stop shrinking at once


def config(settle: float = 1.0) -> SuiteConfig:
    return SuiteConfig(endpoint="", wsdl="", user="", password="", owner_user="",
                       owner_password="", owner_id="", profile=PROFILES["quick"],
                       seed=1, settle_time=settle)


def test_a_look_is_full_unless_shrinking_what_has_been_seen_to_come() -> None:
    looks = Looks(config(settle=3.0))
    assert looks.seconds(MAIL) == 3.0
    looks.ended(MAIL, 3.0, 0.002, fulfilled=True)
    assert looks.seconds(MAIL) == 3.0  # not shrinking: a finding is made on full looks
    looks.begin_example(shrinking=True)
    assert looks.seconds(MAIL) == MIN_LOOK
    assert looks.seconds(NOTIFICATIONS) == 3.0  # never seen to come: no lag to go by
    looks.came(MAIL, 0.5)  # a slower arrival seen: the look grows with it
    assert looks.seconds(MAIL) == 2.0
    looks.came(MAIL, 2.0)
    assert looks.seconds(MAIL) == 3.0  # never past the settle time


def test_only_a_short_look_that_ended_unfulfilled_makes_a_failure_doubtful() -> None:
    looks = Looks(config(settle=1.0))
    looks.begin_example(shrinking=True)
    looks.ended(MAIL, 1.0, 1.0, fulfilled=False)  # a full look: a sure judgment
    assert not looks.cut_short
    looks.ended(MAIL, 0.01, 0.001, fulfilled=True)
    assert not looks.cut_short
    looks.ended(MAIL, 0.01, 0.01, fulfilled=False)
    assert looks.cut_short
    looks.begin_example(shrinking=True)
    assert not looks.cut_short
    forked = looks.forked()
    assert forked.lags == looks.lags and not forked.shrinking


@pytest.fixture(scope="module")
def ctx() -> RunContext:
    """A run context set up against the embedded target (its Hypothesis loop is used; the
    simulated mail path below sends nothing)."""
    _outcomes, context = run_with(["AM-ERRORCODE"])
    return context


def simulated_mail(ctx: RunContext, arrival: Callable[[str, bool], float],
                   full_looks: list[str]) -> Callable[[str], None]:
    """A check body: the example's mail comes ``arrival(example, failed_before)`` seconds
    after the call (NEVER: not at all); the check fails when it has not come by the end of
    its look. Unfulfilled full looks are listed in ``full_looks``."""
    failed_before = False

    def body(example: str) -> None:
        nonlocal failed_before
        look = ctx.looks.seconds(MAIL)
        due = arrival(example, failed_before)
        came = due <= look
        ctx.looks.ended(MAIL, look, min(due, look), came)
        if not came:
            if ctx.looks.full(look):
                full_looks.append(example)
            failed_before = True
            raise CheckFailed(f"no mail for {example!r}")
    return body


def run(ctx: RunContext, body: Callable[[str], None]) -> tuple[Any, str]:
    ctx.config.settle_time = 1.0
    ctx.looks = Looks(ctx.config)
    with pytest.raises(CheckFailed) as failed:
        ctx._generated("LOOKS-TEST", st.text(min_size=LONG - 10, max_size=LONG + 20),
                       body, 60, ctx.seed_for("LOOKS-TEST"))
    return ctx.example, str(failed.value)


def test_a_failure_shrinks_on_short_looks_and_is_judged_on_a_full_one(ctx: RunContext
                                                                      ) -> None:
    full_looks: list[str] = []

    def arrival(example: str, _failed_before: bool) -> float:
        return 0.001 if len(example) < LONG else NEVER

    example, message = run(ctx, simulated_mail(ctx, arrival, full_looks))
    assert len(example) == LONG and message == f"no mail for {example!r}"
    # the first failure and the judgment of the shrunk one; every other candidate of the
    # shrinker got a short look
    assert len(full_looks) == 2 and full_looks[-1] == example


def test_a_failure_seen_only_on_short_looks_is_not_reported(ctx: RunContext) -> None:
    full_looks: list[str] = []

    def arrival(example: str, failed_before: bool) -> float:
        if len(example) >= LONG:
            return NEVER
        return 0.3 if failed_before else 0.001  # slower once the target has been failing

    example, message = run(ctx, simulated_mail(ctx, arrival, full_looks))
    # the shrinker, on short looks, took the slow mail of short examples for none; on a
    # full look the shorter came, so the report is the first failure found (a full look)
    assert len(example) >= LONG and example == full_looks[0]
    assert message == f"no mail for {example!r}"
