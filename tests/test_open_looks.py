"""Short looks at mail kept open and closed later (suite/looks.py): while a check's
examples run, a look at mail is short once the target's mail lag is known; what it did not
see is asked for again at the settle time, so a verdict is the one full looks would give.

The mail path is real (the suite's SMTP capture, mail sent to it over loopback with
smtplib); the "target" is simulated by each check body (tests/mail_target.py), which mails
its own unique recipients, some copies at once and some late (or never), so each test
fixes when what comes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import strategies as st
from mail_target import AT_ONCE, LATE, NEVER, SETTLE, Target, mail_context, send

from conformance.suite.context import RunContext
from conformance.suite.looks import Looks
from conformance.suite.registry import CheckFailed
from conformance.suite.smtp_capture import SmtpCapture


@pytest.fixture(scope="module")
def ctx() -> Iterator[RunContext]:
    yield from mail_context()


def run_check(ctx: RunContext, body: Callable[[Any], None], examples: int = 6,
              drawn: st.SearchStrategy[Any] | None = None) -> None:
    """``examples`` examples: one drawn and the rest fixed, or all ``drawn``."""
    ctx.config.settle_time = SETTLE
    ctx.looks = Looks(ctx.config)
    ctx.capture.clear()
    if drawn is not None:
        ctx.run_examples("OPEN-LOOKS-TEST", drawn, body, max_examples=examples)
    else:
        ctx.run_examples("OPEN-LOOKS-TEST", st.just(0), body,
                         fixed=list(range(1, examples)))


def test_a_pass_whose_mail_never_fully_comes_waits_one_settle_time_in_all(ctx: RunContext
                                                                         ) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)

    run_check(ctx, target.without(b"Bcc:"))
    # the first look is full (no lag known yet), every later one short: the Cc copies
    # that never come are waited for once, together, when the examples are done
    assert target.calls == 6 and target.looks[0] == SETTLE
    assert all(look < LATE for look in target.looks[1:])


def test_a_pass_on_a_short_look_is_judged_again_when_late_mail_comes(ctx: RunContext
                                                                     ) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else LATE,
                    cc_headers={"X-Leak": "secret"})

    with pytest.raises(CheckFailed, match="a X-Leak header in the mail .*mail came after "
                                          "a short look"):
        run_check(ctx, target.without(b"X-Leak:"))
    target.join()
    # the leak came only in the late copies: found once they came, on a full look
    assert SETTLE in target.looks[1:]


def test_a_failure_on_a_short_look_is_not_reported_when_the_mail_comes_late(
        ctx: RunContext) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else LATE)
    run_check(ctx, target.every_copy_came)  # passes: every copy came, some after a short look
    target.join()
    assert SETTLE in target.looks  # judged again on full looks


def test_a_drawn_failure_that_late_mail_undoes_makes_the_run_again_on_full_looks(
        ctx: RunContext) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else LATE)
    # passes: every copy came in the end
    run_check(ctx, target.every_copy_came, examples=4, drawn=st.integers(0, 10**6))
    target.join()
    # the first failure (a short look) was shrunk at once; neither it nor the shrunk
    # example stood, so the Hypothesis run was made again, every look full
    first_short = next(i for i, look in enumerate(target.looks) if look < SETTLE)
    assert target.looks[-4:] == [SETTLE] * 4 and first_short < len(target.looks) - 4


def test_a_failure_on_a_short_look_that_does_not_reproduce_is_not_reported(
        ctx: RunContext) -> None:
    # only the second call's Cc copy is late: the example that failed on it passes when
    # Hypothesis replays it (not the target's non-determinism: mail come late)
    target = Target(ctx, cc_after=lambda call: LATE if call == 2 else AT_ONCE)

    run_check(ctx, target.every_copy_came, examples=4, drawn=st.text(min_size=300, max_size=320))
    target.join()
    assert target.calls > 2 and SETTLE in target.looks  # judged again on full looks


def test_a_failure_on_a_short_look_stands_when_no_more_mail_comes(ctx: RunContext) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)

    with pytest.raises(CheckFailed, match=r"no mail reached \['cc\.t\d+c\d+@"):
        run_check(ctx, target.every_copy_came, examples=4, drawn=st.integers(0, 10**6))
    # the failure and the shrunk one closed at the settle time, not judged on full looks
    assert target.looks[0] == SETTLE
    assert len(target.looks) >= 2 and all(look < LATE for look in target.looks[1:])


def test_the_first_failure_stands_on_its_own_looks_when_a_replay_of_it_passes(
        ctx: RunContext) -> None:
    # one example: its first run's Cc copy never comes (a failure on full looks too), its
    # replay's comes late, and a later run's at once; the first failure is the finding
    target = Target(ctx, cc_after=lambda call: {1: NEVER, 2: LATE}.get(call, AT_ONCE))

    with pytest.raises(CheckFailed, match=r"no mail reached \['cc\.t\d+c1@"):
        # an example too long to stop shrinking at once, so Hypothesis replays it
        run_check(ctx, target.every_copy_came, examples=1, drawn=st.just("x" * 300))
    target.join()
    assert target.calls >= 3


def test_a_fixed_example_s_failure_is_simplified_on_full_looks(ctx: RunContext) -> None:
    target = Target(ctx, cc_after=lambda call: AT_ONCE if call == 1 else NEVER)

    with pytest.raises(CheckFailed, match=r"no mail reached \['cc\.t\d+c3@.*found by a "
                                          r"fixed example, then simplified"):
        run_check(ctx, target.every_copy_came, examples=3)
    # the fixed example failed on a short look, closed; then judged again on a full one
    assert target.looks[1] < LATE and target.looks[2] == SETTLE


def test_the_capture_keeps_what_comes_after_a_look_and_a_new_view() -> None:
    capture = SmtpCapture().start()
    try:
        send(capture, "a@conformance.test")
        mail, place = capture.look(["a@conformance.test", "b@conformance.test"], timeout=0)
        assert [rcpts for rcpts, _ in mail] == [["a@conformance.test"]] and place == 1
        capture.clear()  # a new view: the next look sees only what comes from now on
        assert capture.look(["a@conformance.test"], timeout=0) == ([], 1)
        assert capture.came_since(place, ["b@conformance.test"], time.monotonic()) is None
        timer = threading.Timer(0.05, send, (capture, "b@conformance.test"))
        timer.start()
        deadline = time.monotonic() + 5
        came = capture.came_since(place, ["B@conformance.test"], deadline)  # woken by it
        assert came is not None and came < deadline
        timer.join()
        deadline = time.monotonic()
        send(capture, "c@conformance.test")  # after the deadline: not what a look had seen
        assert capture.came_since(place, ["c@conformance.test"], deadline) is None
        capture.hold()  # looks left open long (provisional.py): nothing from now forgotten
        send(capture, "e@conformance.test")
        held = capture.look([], timeout=0)[1]
        capture._forget(float("inf"))
        later = time.monotonic() + 5  # came: its own time, not the deadline (forgotten)
        assert (capture.came_since(held - 1, ["e@conformance.test"], later) or later) < later
        capture.release()
        capture._forget(float("inf"))  # what is forgotten may have come: say it did
        assert capture.came_since(place, ["d@conformance.test"], deadline) == deadline
        assert capture.came_since(held - 1, ["e@conformance.test"], deadline) == deadline
    finally:
        capture.stop()


def test_a_lag_is_learnt_from_the_examples_own_mail_only() -> None:
    # another worker's mail, or a late copy of an earlier example's, coming after this
    # example's own must not make the lag this target shows look longer
    capture = SmtpCapture().start()
    try:
        assert capture.arrived(["a@conformance.test"]) is None
        send(capture, "a@conformance.test")
        own = capture.arrived(["A@conformance.test", "b@conformance.test"])
        time.sleep(0.05)
        send(capture, "other@conformance.test")
        assert own is not None and capture.arrived(["a@conformance.test"]) == own
        assert (capture.arrived(["other@conformance.test"]) or 0) >= own + 0.05
        capture.clear()  # the next example's view: nothing of it has come yet
        assert capture.arrived(["a@conformance.test", "other@conformance.test"]) is None
    finally:
        capture.stop()
