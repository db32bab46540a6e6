"""Slices of a check's generated examples (suite/slices.py): the split depends on the
profile only, the shards' units are disjoint and cover the run, a merge takes the first
failing slice and the slices before it, and a check that cannot be sliced says so."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.catalogue import all_checks
from conformance.suite.ci import shard_plan
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.merge import MergeError, merge_checks
from conformance.suite.outcome import ERROR, PASSED, run_check
from conformance.suite.registry import MUST, Check
from conformance.suite.slices import share, slice_count, slice_seed, units


def test_only_a_profile_larger_than_a_slice_is_sliced_and_shares_add_up() -> None:
    assert [slice_count(PROFILES[p]) for p in ("quick", "standard", "thorough")] == [1, 1, 6]
    for budget in (1, 5, 6, 50, 150):
        parts = [share(budget, i, 6) for i in range(1, 7)]
        assert sum(parts) == budget and max(parts) - min(parts) <= 1
    # slice 1 keeps the seed an unsliced run gives the check: standard runs are as before
    import zlib
    assert slice_seed(7, "AM-STATUS", 1) == zlib.crc32(b"7:AM-STATUS")
    assert len({slice_seed(7, "AM-STATUS", i) for i in range(1, 7)}) == 6


@pytest.mark.parametrize("total", [1, 2, 3, 5, 40])
def test_shards_of_slices_are_disjoint_and_cover_every_unit(total: int) -> None:
    checks = [(c.id, c.sliced) for c in all_checks()]
    plans = [shard_plan([], (k, total), 6) for k in range(1, total + 1)]
    got = sorted((check_id, index) for plan in plans for check_id, indices in plan.items()
                 for index in indices)
    assert got == units(checks, 6)
    for check_id, sliced in checks:  # a whole check stays on one runner
        if not sliced:
            assert sum(check_id in plan for plan in plans) == 1
    if total == 2:  # the slices of a check alternate between the runners
        assert plans[0]["AM-STATUS"] == (1, 3, 5) and plans[1]["AM-STATUS"] == (2, 4, 6)
    with pytest.raises(ValueError, match="nothing falls in this shard"):
        shard_plan(["AM-WSDL"], (2, 2), 6)


def entry(status: str, examples: int, ran: dict[int, int], failed: int | None,
          message: str | None = None) -> dict[str, Any]:
    return {"id": "AM-X", "status": status, "examples": examples, "duration_s": 1.0,
            "failure": {"message": message} if message else None,
            "slices": {"of": 4, "failed": failed,
                       "ran": [{"index": i, "examples": n} for i, n in ran.items()]}}


def test_the_merge_keeps_the_first_failing_slice_and_the_slices_before_it() -> None:
    # shard 1 ran slices 1 and 3 (3 failed); shard 2 ran 2 and failed at 4
    one = entry("failed", 20, {1: 10, 3: 10}, 3, "slice three")
    two = entry("failed", 22, {2: 10, 4: 12}, 4, "slice four")
    merged = merge_checks([two, one])[0]
    assert merged["status"] == "failed" and merged["failure"]["message"] == "slice three"
    assert merged["examples"] == 30  # slices 1, 2 and 3: what one run would have run
    assert merged["slices"] == {"of": 4, "failed": 3, "ran": [
        {"index": 1, "examples": 10}, {"index": 2, "examples": 10},
        {"index": 3, "examples": 10}]}
    passed = merge_checks([entry("passed", 23, {1: 13, 3: 10}, None),
                           entry("passed", 20, {2: 10, 4: 10}, None)])[0]
    assert passed["status"] == "passed" and passed["examples"] == 43
    assert passed["slices"]["failed"] is None and len(passed["slices"]["ran"]) == 4


def test_the_merge_refuses_a_missing_or_repeated_slice() -> None:
    with pytest.raises(MergeError, match="slice 2/4 of check AM-X is missing"):
        merge_checks([entry("passed", 10, {1: 10}, None), entry("passed", 10, {3: 10}, None),
                      entry("passed", 10, {4: 10}, None)])
    with pytest.raises(MergeError, match="in more than one file"):
        merge_checks([entry("passed", 10, {1: 10, 2: 5}, None),
                      entry("passed", 10, {2: 5}, None)])
    # a failure in slice 2 needs slice 1, not the slices after it
    merged = merge_checks([entry("failed", 4, {2: 4}, 2, "two"),
                           entry("passed", 10, {1: 10}, None)])[0]
    assert merged["examples"] == 14 and merged["failure"]["message"] == "two"


def test_a_check_that_draws_nothing_cannot_run_as_a_later_slice() -> None:
    """A check left sliced (the default) that never calls ctx.run_examples would run whole
    on every shard that holds one of its slices: an error that names the fix."""
    fixed_only = Check("AM-X-FIXED", "draws nothing", "none", MUST, "schema", "core",
                       run=lambda ctx: 1)
    with runner.embedded_target([]) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["thorough"], seed=1, checks=["AM-SLEVEL"])
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        whole = run_check(state.context, fixed_only, None, "")
        assert whole.status == PASSED and whole.slices == {
            "of": 6, "ran": [{"index": 1, "examples": 0}], "failed": None}
        sharded = copy.copy(state.context)
        sharded.config = copy.copy(config)
        sharded.config.slices = {"AM-X-FIXED": (2, 5)}
        outcome = run_check(sharded, fixed_only, None, "")
        assert outcome.status == ERROR and "sliced=False" in (outcome.reason or "")
        state.context.teardown()
