"""A serial run runs the mail checks first, provisionally (suite/provisional.py): the
closing of their open looks at mail is left until the first of them is reported, so the
waits for mail that never comes overlap with each other and with the checks run before;
a check whose looks do not close (mail came late) runs again, closing at once.

The mail path is real (the suite's SMTP capture, mail sent over loopback); the checks are
simulated ones under the ids of the mail checks (tests/mail_target.py), so each test fixes
when what comes. The catalogues of faults and of legitimate variants run every real check
this way (detection.run_embedded), and so does a session (plugin.serial_run)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from mail_target import AT_ONCE, LATE, NEVER, SETTLE, TARGETS, Target, mail_context, send
from suite_runs import cli_run, in_junit_order

from conformance.suite import smtp_capture
from conformance.suite.context import RunContext
from conformance.suite.looks import MAIL, Looks, OpenLook
from conformance.suite.observe import mail_to
from conformance.suite.outcome import FAILED, PASSED
from conformance.suite.provisional import MAIL_CHECKS, run_in_order
from conformance.suite.registry import MUST, Check, CheckFailed


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


def mailing(ctx: RunContext, timers: list[threading.Timer], late: int,
            header: dict[str, str] | None = None, every_copy: bool = True
            ) -> Callable[[Any], None]:
    """A check body: the example numbered ``late`` gets its Cc copy LATE (with ``header``),
    every other one at once; it fails where a copy seen carries X-Bad, or (``every_copy``)
    where one is missing."""
    def body(example: Any) -> None:
        number = next(TARGETS)
        to, cc = f"to.m{number}@conformance.test", f"cc.m{number}@conformance.test"
        send(ctx.capture, to)
        if example["n"] == late:
            timers.append(threading.Timer(LATE, send, (ctx.capture, cc, header)))
            timers[-1].start()
        else:
            send(ctx.capture, cc)
        mail = mail_to(ctx, [to, cc])
        if every_copy and {to, cc} - {r for rcpts, _content in mail for r in rcpts}:
            raise CheckFailed(f"no mail reached {cc}")
        if any(b"X-Bad" in content for _rcpts, content in mail):
            raise CheckFailed("an X-Bad header in the mail")
    return body


@pytest.fixture
def database(ctx: RunContext, tmp_path: Path) -> Iterator[None]:
    ctx.config.example_db = DirectoryBasedExampleDatabase(str(tmp_path / "examples"))
    yield
    ctx.config.example_db = None


@pytest.mark.usefixtures("database")
def test_a_saved_failure_forgotten_on_a_short_look_is_kept_when_its_mail_comes_late(
        ctx: RunContext) -> None:
    timers: list[threading.Timer] = []
    saved = {"variant": "v", "n": 99}
    ctx.fixed_failures("AM23-MAIL-HEADERS").remember(saved)  # an earlier run's finding
    body = mailing(ctx, timers, late=99, header={"X-Bad": "1"}, every_copy=False)
    outcomes = run(ctx, [simulated("AM23-MAIL-HEADERS", body, fixed=1)])
    for timer in timers:
        timer.join()
    # tried first, it passed on a short look (the copy with the bad header came later)
    # and was forgotten by the provisional run; its look did not close, so the check ran
    # again from what the database held before: the saved example fails there
    assert outcomes["AM23-MAIL-HEADERS"].status == FAILED
    assert "saved by an earlier run" in outcomes["AM23-MAIL-HEADERS"].failure["message"]
    assert ctx.fixed_failures("AM23-MAIL-HEADERS").load() == [saved]


@pytest.mark.usefixtures("database")
def test_a_provisional_failure_that_stands_is_saved_once_closed(ctx: RunContext) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)
    outcomes = run(ctx, [simulated("AM23-MAIL", target.every_copy_came, fixed=2)])
    assert outcomes["AM23-MAIL"].status == FAILED
    assert len(ctx.fixed_failures("AM23-MAIL").load()) == 1  # for the next run to try first


@pytest.mark.usefixtures("database")
def test_a_provisional_failure_that_does_not_stand_is_not_saved(ctx: RunContext) -> None:
    timers: list[threading.Timer] = []
    inputs_before = len(ctx.inputs)
    outcomes = run(ctx, [simulated("AM23-MAIL", mailing(ctx, timers, late=2), fixed=2)])
    for timer in timers:
        timer.join()
    # the slow copy failed example 2 on a short look, and the provisional run saved it;
    # its look did not close, and the check ran again without that save: it passes, with
    # its own examples only, and nothing is left saved
    assert outcomes["AM23-MAIL"].status == PASSED
    assert [i["n"] for i in ctx.inputs[inputs_before:]] == [0, 1, 2]
    assert ctx.fixed_failures("AM23-MAIL").load() == []


def test_every_look_closes_before_a_check_runs_again(ctx: RunContext, closings: list[Any],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # a check run again begins new views of the capture, which forget old mail: stand
    # for the 900 s it keeps mail by 1.5 s, and let the checks before take longer
    monkeypatch.setattr(smtp_capture, "KEPT_SECONDS", 1.5)
    slow = Check("AM-STATUS", "t", "c", MUST, "f", "core", lambda _ctx: time.sleep(2) or 0,
                 sliced=False)
    late = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else LATE)
    never = Target(ctx, cc_after=lambda call: NEVER)

    def clearing(body: Callable[[Any], None]) -> Callable[[Any], None]:
        def cleared(example: Any) -> None:
            ctx.capture.clear()  # as every mail check's body does
            body(example)
        return cleared

    outcomes = run(ctx, [slow, simulated("AM23-MAIL", clearing(late.without(b"Bcc:"))),
                         simulated("AM23-BCC-HIDDEN", clearing(never.without(b"Bcc:")))])
    late.join()
    assert {o.status for o in outcomes.values()} == {PASSED}
    # the first mail check ran again (mail came late to it); the second did not, and
    # no look of its counted as late: the lag learnt is the late copy's, not the settle
    assert never.calls == 4 and [bool(came) for _b, _l, came in closings] == [True, False]
    assert ctx.looks.lags[MAIL] < SETTLE


def test_a_session_reports_the_mail_checks_in_order_with_the_verdicts_of_full_looks(
        tmp_path: Path) -> None:
    checks = ["AM-SLEVEL", "AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS"]
    done, data, junit = cli_run(tmp_path, checks, "--seed", "2", "--fault", "mail-drops-cc",
                                "--example-db", "none")
    assert done.returncode == 1, done.stdout + done.stderr
    statuses = {c["id"]: c["status"] for c in data["checks"]}
    assert list(statuses) == checks
    assert statuses == {"AM-SLEVEL": PASSED, "AM23-MAIL": FAILED,
                        "AM23-BCC-HIDDEN": PASSED, "AM23-ILLEGAL-ADDRESS": FAILED}
    assert in_junit_order(junit, checks)


def test_the_capture_forgets_nothing_while_looks_are_left_open(
        ctx: RunContext, monkeypatch: pytest.MonkeyPatch) -> None:
    # stand for the 900 s the capture keeps mail by 0.5 s, and let the mail checks after
    # the first take longer: its looks, left open, are closed on what came (nothing)
    monkeypatch.setattr(smtp_capture, "KEPT_SECONDS", 0.5)
    never = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)

    def slow(_example: Any) -> None:
        ctx.capture.clear()  # as every mail check's body does: forgets what is old
        time.sleep(0.2)

    outcomes = run(ctx, [simulated("AM23-MAIL", never.without(b"Bcc:")),
                         simulated("AM23-BCC-HIDDEN", slow)])
    assert {o.status for o in outcomes.values()} == {PASSED}
    assert never.calls == 4 and ctx.looks.lags[MAIL] < SETTLE  # not run again
