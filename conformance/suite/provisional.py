"""How a serial run runs its checks: the checks that read the mail capture first, each
**provisionally**, the closing of their open looks at mail left until the first of them is
reported; every other check in its turn (issue 12: a target that drops a copy made every
mail check wait one settle time of its own, after the others had run).

A check's short looks at mail that ended before all mail had come are closed by waiting
until the settle time has passed since each began (looks.py). Run provisionally
(``RunContext.deferred`` is a list), a check takes every open look to close and keeps it.
When the first mail check is reported, the mail checks' looks are closed in the order they
began, each check's own; by then the checks before it have run, so little or nothing of
the settle time is left to wait:

- if no more mail came to any of a check's looks, every closing it made stands: the full
  look would have seen what the short one saw, so each judgment it made on a short look
  is the one a full look gives, and so is its outcome;
- if some came, the check runs again, closing each look at once (examples.py), and that
  outcome is the one reported.

The verdicts rest on that rule of looks.py, not on taking the very path a run closing at
once takes: the lags another check's closing learns come later, the recipients are
numbered in another order, the pool tickets are used in another order. Every look is
closed before any check runs again, and the capture forgets nothing while looks are left
open (``SmtpCapture.hold``: mail that may have come uncounted is taken as late). What a
provisional run writes to the example database is kept apart (``example_db.
pending_writes``; read-only layers still drop it): written once its outcome is kept,
dropped when the check runs again, which so starts from what the database held before.

The outcomes are reported in the run's order, each with its own time (a run made again:
both runs') and its own part of the closing wait, and the addMessage-family inputs each
check drew are kept in that order too (the differential check compares the first of
them). Each check draws from its own seed and judges only the mail to its own examples'
recipients (observe.tag_recipients; AM-ERR-NO-CHANGE, the one other check that looks at
mail, too). The cost: a correct target whose mail comes much later than the lag it showed
(four times, looks.py) makes the check run again, where closing at once judged only that
example again; the mail checks run before the core ones, within ``--max-time`` and the
transport's failure breaker, so a target that stops answering on mail examples errs the
core checks too; and a run stopped before the first mail check is reported (``-x``) has
run them unreported."""


from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.suite.example_db import PendingWrites, pending_writes
from conformance.suite.outcome import Outcome, run_check

if TYPE_CHECKING:
    from conformance.suite.context import RunContext
    from conformance.suite.looks import OpenLook
    from conformance.suite.registry import Check

# The checks that read the SMTP capture (through observe.mail_to): the only ones with open
# looks at mail, and, with --workers, the ones that run first on the main context, one at
# a time (workers.py).
MAIL_CHECKS = frozenset({"AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS",
                         "AM23-MAIL-HEADERS"})


@dataclass
class Provisional:
    """A check run provisionally: its outcome, the open looks it took to close, the inputs
    it drew (out of the context's list until the check's turn) and its example database
    writes, kept until then (none: the run has no database, or only read-only layers)."""

    check: Check
    outcome: Outcome
    deferred: list[OpenLook]
    inputs: list[dict[str, Any]]
    writes: list[PendingWrites]


class SerialRun:
    """The checks of a run (``ordered``), run one at a time on ``ctx``: ``outcome`` gives
    each in its turn (module docstring)."""

    def __init__(self, ctx: RunContext, ordered: list[Check],
                 replay: Callable[[str], str]) -> None:
        self.ctx, self.replay = ctx, replay
        self.mail = [check for check in ordered if check.id in MAIL_CHECKS]
        self._ahead: dict[str, Provisional] | None = None  # run first
        self._closed: dict[str, Provisional] | None = None  # closed, not yet reported

    def run_ahead(self) -> list[str]:
        """Run the mail checks provisionally (once, before any other check); their ids."""
        if self._ahead is None:
            if self.mail and self.ctx.capture is not None:
                self.ctx.capture.hold()  # their looks may stay open past KEPT_SECONDS
            self._ahead = {check.id: self._provisionally(check) for check in self.mail}
        return list(self._ahead)

    def outcome(self, check: Check) -> Outcome:
        """``check``'s outcome, in its turn."""
        self.run_ahead()
        assert self._ahead is not None
        if check.id in self._ahead and self._closed is None:
            self._closed = self._close(list(self._ahead.values()))
        if self._closed is None or check.id not in self._closed:  # (or asked again)
            return run_check(self.ctx, check, None, self.replay(check.id))
        done = self._closed.pop(check.id)
        self.ctx.inputs.extend(done.inputs)
        return done.outcome

    def _provisionally(self, check: Check) -> Provisional:
        ctx, mark = self.ctx, len(self.ctx.inputs)
        database, writes = (pending_writes(ctx.config.example_db)
                            if ctx.config.example_db is not None else (None, []))
        ctx.deferred, ctx.pending_database = [], database
        try:
            outcome = run_check(ctx, check, None, self.replay(check.id))
        finally:
            deferred, ctx.deferred, ctx.pending_database = ctx.deferred, None, None
        inputs = ctx.inputs[mark:]
        del ctx.inputs[mark:]
        return Provisional(check, outcome, deferred, inputs, writes)

    def _close(self, runs: list[Provisional]) -> dict[str, Provisional]:
        """Close every run's looks (waiting until the settle time has passed since the last
        began, at most), then make again each run with a look that mail came late to."""
        waits, late = [], []
        for run in runs:
            started = time.perf_counter()
            late.append(bool(run.deferred) and bool(self.ctx.came_late(run.deferred)))
            waits.append(time.perf_counter() - started)
        if self.ctx.capture is not None:
            self.ctx.capture.release()
        closed = {}
        for run, came, waited in zip(runs, late, waits, strict=True):
            if came:
                first, ctx, mark = run.outcome.duration_s, self.ctx, len(self.ctx.inputs)
                again = run_check(ctx, run.check, None, self.replay(run.check.id))
                again.duration_s += first
                run = Provisional(run.check, again, [], ctx.inputs[mark:], [])
                del ctx.inputs[mark:]
            for writes in run.writes:
                writes.apply()
            run.outcome.duration_s = round(run.outcome.duration_s + waited, 3)
            closed[run.check.id] = run
        return closed


def run_in_order(ctx: RunContext, checks: list[Check], replay: Callable[[str], str]
                 ) -> dict[str, Outcome]:
    """Every check's outcome, run as a serial session runs them, by id in their order."""
    run = SerialRun(ctx, checks, replay)
    return {check.id: run.outcome(check) for check in checks}
