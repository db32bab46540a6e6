"""A serial run runs the mail checks first, provisionally (suite/provisional.py): the
closing of their open looks at mail is left until the first of them is reported, so the
waits for mail that never comes overlap with each other and with the checks run before;
a check whose looks do not close (mail came late) runs again, closing at once.

The mail path is real (the suite's SMTP capture, mail sent over loopback); the checks are
simulated ones under the ids of the mail checks (tests/mail_target.py), so each test fixes
when what comes. The catalogues of faults and of legitimate variants run every real check
this way (detection.run_embedded), and so does a session (plugin.serial_outcome)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from mail_target import AT_ONCE, LATE, NEVER, SETTLE, Target, mail_context

from conformance.suite.context import RunContext
from conformance.suite.looks import Looks, OpenLook
from conformance.suite.outcome import FAILED, PASSED
from conformance.suite.provisional import MAIL_CHECKS, run_in_order
from conformance.suite.registry import MUST, Check

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ctx() -> Iterator[RunContext]:
    yield from mail_context()


@pytest.fixture
def closings(ctx: RunContext, monkeypatch: pytest.MonkeyPatch
             ) -> list[tuple[float, list[OpenLook], set[OpenLook]]]:
    """Each closing of open looks (the real one): when it began, what it closed, and which
    of them mail came late to."""
    seen: list[tuple[float, list[OpenLook], set[OpenLook]]] = []
    came_late = ctx.came_late

    def spied(opened: list[OpenLook]) -> set[OpenLook]:
        began = time.monotonic()
        late = came_late(opened)
        seen.append((began, list(opened), late))
        return late

    monkeypatch.setattr(ctx, "came_late", spied)
    return seen


def simulated(check_id: str, body: Callable[[Any], None], fixed: int = 3,
              drawn: st.SearchStrategy[Any] | None = None) -> Check:
    """A check under ``check_id``: ``body`` on one drawn example and ``fixed`` fixed ones
    (or on up to 4 ``drawn`` ones), each example a dict of the addMessage family (kept for
    the input-mix report)."""
    def run(ctx: RunContext) -> int:
        if drawn is not None:
            return ctx.run_examples(check_id, drawn.map(lambda n: {"variant": "v", "n": n}),
                                    body, max_examples=4)
        return ctx.run_examples(check_id, st.just({"variant": "v", "n": 0}), body,
                                fixed=[{"variant": "v", "n": n} for n in range(1, fixed + 1)])
    return Check(check_id, check_id, "a clause", MUST, "addMessage2/3", "extensions", run,
                 sliced=False)


def run(ctx: RunContext, checks: list[Check]) -> dict[str, Any]:
    ctx.config.settle_time = SETTLE
    ctx.looks = Looks(ctx.config)
    ctx.capture.clear()
    return run_in_order(ctx, checks, lambda _check_id: "replay")


def test_the_waits_of_mail_checks_in_a_row_overlap(ctx: RunContext, closings: list[Any]
                                                   ) -> None:
    first = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)
    second = Target(ctx, cc_after=lambda call: NEVER)  # the lag is known by now
    outcomes = run(ctx, [simulated("AM23-MAIL", first.without(b"Bcc:")),
                         simulated("AM23-BCC-HIDDEN", second.without(b"Bcc:"))])

    assert [o.status for o in outcomes.values()] == [PASSED, PASSED]
    # both checks passed with looks left open (Cc copies that never came); those looks
    # were closed only once the second check had made its last call, none of them late
    assert first.looks[1:] and all(look < LATE for look in first.looks[1:] + second.looks)
    closed = [look for _began, looks, _late in closings for look in looks]
    assert len(closed) == first.calls - 1 + second.calls
    assert min(began for began, _looks, _late in closings) >= second.called[-1]
    assert not any(late for _began, _looks, late in closings)
    assert ctx.deferred is None


def test_a_failure_that_stands_is_reported_from_the_provisional_run(
        ctx: RunContext, closings: list[Any]) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)
    passing = Target(ctx, cc_after=lambda call: AT_ONCE)
    outcomes = run(ctx, [simulated("AM23-MAIL", target.every_copy_came,
                                   drawn=st.integers(0, 10**6)),
                         simulated("AM23-MAIL-HEADERS", passing.every_copy_came)])

    mail = outcomes["AM23-MAIL"]
    assert mail.status == FAILED and "no mail reached" in mail.failure["message"]
    assert outcomes["AM23-MAIL-HEADERS"].status == PASSED
    # the failure and its shrunk example were closed after the next check had run, and
    # stood: the check was not run again
    assert closings and min(b for b, _l, _late in closings) >= passing.called[-1]
    assert target.called[-1] < passing.called[0]


def test_a_check_whose_looks_mail_came_late_to_runs_again_closing_at_once(
        ctx: RunContext, closings: list[Any]) -> None:
    late = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else LATE)
    other = Target(ctx, cc_after=lambda call: AT_ONCE)
    inputs_before = len(ctx.inputs)
    outcomes = run(ctx, [simulated("AM23-MAIL", late.every_copy_came),
                         simulated("AM23-BCC-HIDDEN", other.every_copy_came)])
    late.join()

    # every copy came in the end: the short-look failure of the provisional run did not
    # stand, and the check's second run (closing each look at once) passed
    assert outcomes["AM23-MAIL"].status == PASSED
    [(began, _looks, came)] = [c for c in closings if c[2]]
    assert came and any(called > began for called in late.called)
    assert outcomes["AM23-BCC-HIDDEN"].status == PASSED
    # the input mix counts each check's examples once, from the run that counts
    assert len(ctx.inputs) - inputs_before == sum(o.examples for o in outcomes.values())


def test_the_mail_checks_run_first_and_close_when_the_first_of_them_is_reported(
        ctx: RunContext, closings: list[Any]) -> None:
    before = Target(ctx, cc_after=lambda call: AT_ONCE)
    mail = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)
    after = Target(ctx, cc_after=lambda call: AT_ONCE)
    inputs_before = len(ctx.inputs)
    outcomes = run(ctx, [simulated("AM-STATUS", before.every_copy_came, fixed=2),
                         simulated("AM23-MAIL", mail.without(b"Bcc:"), fixed=3),
                         simulated("AM-SLEVEL", after.every_copy_came, fixed=1)])

    assert list(outcomes) == ["AM-STATUS", "AM23-MAIL", "AM-SLEVEL"]
    assert {o.status for o in outcomes.values()} == {PASSED}
    # the mail check ran first; its looks closed after the check before it had run, and
    # before the check after it
    assert mail.called[-1] < before.called[0]
    [(began, _looks, late)] = closings
    assert before.called[-1] <= began < after.called[0] and not late
    # the input mix has each check's examples in the run's order
    assert [i["n"] for i in ctx.inputs[inputs_before:]] == [0, 1, 2, 0, 1, 2, 3, 0, 1]
    assert {"AM23-MAIL", "AM23-MAIL-HEADERS", "AM23-BCC-HIDDEN",
            "AM23-ILLEGAL-ADDRESS"} == MAIL_CHECKS


def test_a_session_reports_the_mail_checks_in_order_with_the_verdicts_of_full_looks(
        tmp_path: Path) -> None:
    checks = ["AM-SLEVEL", "AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS"]
    args = [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--seed", "2",
            "--fault", "mail-drops-cc", "--example-db", "none", "--report-dir", str(tmp_path)]
    for check_id in checks:
        args += ["--check", check_id]
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert list(statuses) == checks
    assert statuses == {"AM-SLEVEL": PASSED, "AM23-MAIL": FAILED,
                        "AM23-BCC-HIDDEN": PASSED, "AM23-ILLEGAL-ADDRESS": FAILED}
    junit = (tmp_path / "junit.xml").read_text()
    assert [junit.index(f"[{c}]") for c in checks] == sorted(junit.index(f"[{c}]")
                                                             for c in checks)
