"""Progress lines of `conformance run`: live on a terminal (rewritten while a check runs:
id, examples done of planned, failures so far, elapsed), plain lines in CI logs."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field

from conformance.cli.progress import TICK_S, Progress, live_terminal, planned_examples
from conformance.suite.config import PROFILES
from conformance.suite.outcome import FAILED, PASSED, Outcome
from conformance.suite.slices import SlicePlan, SliceTally


@dataclass
class Context:
    examples_run: int = 0
    tally: SliceTally = field(default_factory=lambda: SliceTally(SlicePlan.whole(1), 0))


def outcome(check_id: str, status: str, examples: int) -> Outcome:
    return Outcome(check_id, "t", "MUST", "f", "core", "c", status=status,
                   examples=examples, duration_s=1.25)


def test_live_line_shows_examples_done_of_planned_while_the_check_runs() -> None:
    out = io.StringIO()
    progress = Progress(PROFILES["standard"], 2, out, live=True)
    ctx = Context(examples_run=40)
    progress.start("AM-STATUS", ctx)
    ctx.examples_run = 52
    time.sleep(TICK_S * 3)
    progress.done(outcome("AM-STATUS", FAILED, 12))
    progress.start("AM-SLEVEL", ctx)
    progress.done(outcome("AM-SLEVEL", PASSED, 25))
    text = out.getvalue()
    assert "\r\x1b[K[1/2] AM-STATUS" in text and "running   12/25 examples" in text
    lines = text.split("\n")
    assert "failed" in lines[0] and "12 examples  1 failures so far" in lines[0]
    assert lines[1].endswith("[2/2] AM-SLEVEL              passed    25 examples  1 failures "
                             "so far     1.2 s")


def test_plain_lines_in_ci_logs(monkeypatch: object) -> None:
    out = io.StringIO()
    progress = Progress(PROFILES["quick"], 1, out, live=False)
    progress.start("AM-ROBUST-FAULT", Context())
    time.sleep(TICK_S * 2)
    progress.done(outcome("AM-ROBUST-FAULT", PASSED, 13))
    assert "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert out.getvalue().splitlines() == [
        "[1/1] AM-ROBUST-FAULT        passed    13 examples  0 failures so far     1.2 s"]


def test_ci_or_no_terminal_means_plain(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    assert live_terminal(Tty()) and not live_terminal(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not live_terminal(Tty())


def test_planned_examples_follow_the_profile() -> None:
    quick = PROFILES["quick"]
    assert planned_examples("AM-STATUS", quick) == quick.max_examples
    assert planned_examples("AM-ROBUST-FAULT", quick) == quick.robustness_examples
    assert planned_examples("AM-STATEFUL", quick) == quick.state_machine_runs


def test_a_shard_plans_the_examples_of_its_slices_only() -> None:
    out = io.StringIO()
    progress = Progress(PROFILES["thorough"], 1, out, live=True)
    ctx = Context(tally=SliceTally(SlicePlan(6, (1, 3, 5)), 0))  # 3 slices of 25 of 150
    progress.start("AM-STATUS", ctx)
    time.sleep(TICK_S * 2)
    progress.done(outcome("AM-STATUS", PASSED, 75))
    assert "running    0/75 examples" in out.getvalue()


def test_the_mail_checks_run_first_under_a_line_of_their_own() -> None:
    for live in (True, False):
        out = io.StringIO()
        progress = Progress(PROFILES["quick"], 2, out, live=live)
        ctx = Context(examples_run=3)
        with progress.ahead(["AM23-MAIL", "AM23-BCC-HIDDEN"], ctx):
            ctx.examples_run = 30
            time.sleep(TICK_S * 3)
        progress.start("AM-STATUS", ctx)
        progress.done(outcome("AM-STATUS", PASSED, 20))
        lines = out.getvalue().split("\n")
        assert lines[0].rpartition("\r\x1b[K")[2].startswith(
            "[ahead] AM23-MAIL, AM23-BCC-HIDDEN: 27 examples run first, each reported in "
            "its turn")
        assert ("[ahead] AM23-MAIL, AM23-BCC-HIDDEN: running   27 examples" in lines[0]
                ) == live
        assert lines[1].rpartition("\r\x1b[K")[2].startswith("[1/2] AM-STATUS")
