"""No false alarms: the faultless reference target passes every check over ten seeds."""

from __future__ import annotations

import pytest

from conformance.suite.detection import run_embedded


@pytest.mark.parametrize("seed", range(1, 11))
def test_faultless_target_passes_every_check(seed: int) -> None:
    outcomes = run_embedded([], seed=seed)
    bad = {k: (o.status, o.reason or (o.failure or {}).get("message"))
           for k, o in outcomes.items() if o.status != "passed"}
    assert not bad
