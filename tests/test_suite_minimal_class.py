"""Minimal examples stay in their class (issue 9, point 9): shrinking or simplifying a
failing error-check example never turns it into a valid request, and the reported minimal
example is one that shows the failure reported."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lxml import etree

from conformance.contract import CANONICAL_WSDL
from conformance.strategies import domain
from conformance.suite import runner
from conformance.suite.checks.errors import _expect_code
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.example_class import ClassGuard, example_class
from conformance.suite.outcome import run_check
from conformance.suite.plugin import SuiteState
from conformance.suite.registry import select


@pytest.fixture(scope="module")
def lenient_slevel() -> Iterator[SuiteState]:
    """A run against the embedded target with the fault that accepts any sLevel."""
    with runner.embedded_target(["slevel-accepts-any"]) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=5, checks=["AM-ERR-SLEVEL"])
        runner.embedded_config(config, embedded.target.endpoint)
        yield runner.prepare(config, embedded.capture)


def test_example_class_names_the_expected_codes() -> None:
    valid = domain.systematic()[0]
    assert example_class(valid) == frozenset()
    assert example_class({**valid, "slevel": "3"}) == {"10"}
    assert example_class(({**valid, "session": "garbage", "ticket": "unknown:9"}, 1)) == {
        "5", "13"}
    assert example_class({**valid, "variant": 2, "template": "unknown"}) == {"*"}
    assert example_class("not an example") is None


def test_guard_admits_only_the_class_of_the_first_failure() -> None:
    guard = ClassGuard()
    bad = {**domain.systematic()[0], "slevel": "0"}
    assert guard.admits(bad)
    assert guard.admits({**bad, "slevel": "77", "body": ""})
    assert not guard.admits({**bad, "slevel": "1"})


def test_shrunk_example_keeps_its_invalid_slevel(lenient_slevel: SuiteState) -> None:
    outcome = run_check(lenient_slevel.context, select(["AM-ERR-SLEVEL"])[0], None, "replay")
    assert outcome.status == "failed", outcome
    example = outcome.failure["example"]  # type: ignore[index]
    assert example["slevel"] not in domain.VALID_SLEVELS
    assert f"sLevel {example['slevel']!r} returned errorCode 0 (expected 10)" in (
        outcome.failure["message"])  # type: ignore[index]


def test_simplified_fixed_example_keeps_its_invalid_slevel(lenient_slevel: SuiteState
                                                          ) -> None:
    ctx = lenient_slevel.context
    assert ctx is not None

    def body(example: dict) -> None:
        _expect_code(ctx.send(ctx.prepare(example)), "10", f"sLevel {example['slevel']!r}")

    fixed = domain.systematic(slevel="3")[1]  # addMessage on an open ticket, a long body
    minimal, message = ctx.simplify(body, fixed)
    assert minimal["slevel"] == "3"
    assert minimal["attachments"] == [] and len(minimal["body"]) <= 1
    assert message == "addMessage with sLevel '3' returned errorCode 0 (expected 10)"
    subject = [e for e in ctx.recorder.current if e.role == "subject"]
    assert subject, "the minimal example's exchanges stay in the recorder"
    sent = etree.fromstring(subject[-1].request)
    assert [e.text for e in sent.iter("{*}sLevel")] == ["3"]
