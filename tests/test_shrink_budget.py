"""The shrink budget: once spent, candidates are not sent and the shrinker is stopped; an
example that failed fails again from memory with its own evidence; the best failure is
the smallest one remembered. And against a target whose failure is slow to show (mail
that never comes), a check ends soon with a minimal example that carries its request."""

from __future__ import annotations

import time

from conformance.suite.detection import run_embedded
from conformance.suite.shrinking import ShrinkBudget


def test_recall_and_best_once_the_budget_is_spent() -> None:
    budget = ShrinkBudget(seconds=60)
    big, small = {"body": "x" * 500}, {"body": "y"}
    budget.remember(big, AssertionError("big"), ["exchange of big"])
    assert budget.recall(big) is None  # not spent yet: sent again for real
    budget.remember(small, AssertionError("small"), ["exchange of small"])  # minimal enough
    assert budget.spent() and budget.skip({"body": "z" * 300})
    failure, evidence = budget.recall(big)
    assert str(failure) == "big" and evidence == ["exchange of big"]
    example, failure, evidence = budget.best()
    assert example == small and str(failure) == "small" and evidence == ["exchange of small"]


def test_a_missing_mail_failure_is_found_and_shrunk_within_its_budget() -> None:
    started = time.monotonic()
    outcome = run_embedded(["mail-drops-cc"], ["AM23-MAIL"], seed=1)["AM23-MAIL"]
    elapsed = time.monotonic() - started
    assert outcome.status == "failed" and "no mail reached" in outcome.failure["message"]
    assert outcome.failure["request"] and outcome.failure["example"] is not None
    print(f"AM23-MAIL against mail-drops-cc: {elapsed:.1f} s, {outcome.examples} examples")
