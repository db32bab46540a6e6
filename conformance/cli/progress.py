"""Progress of ``conformance run``, one line per check: its id, the examples done of those
planned, the failures of the run so far, and the elapsed time. The checks that read the
mail capture run first (suite/provisional.py) under a line of their own; each is then
reported in its turn.

On a terminal the line is live (rewritten a few times a second while the check runs); in
CI logs (no terminal, or ``CI`` set) each check gets one plain line when it ends. The lines
go to the terminal the run started on, also while pytest captures the checks' output.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from conformance.suite.catalogue import select
from conformance.suite.config import Profile
from conformance.suite.outcome import FAILED, Outcome
from conformance.suite.slices import share

TICK_S = 0.25


def planned_examples(check_id: str, profile: Profile) -> int:
    """The check's generated-example budget in this profile (fixed examples come on top)."""
    family = select([check_id])[0].family
    if family == "robustness":
        return profile.robustness_examples
    if family == "stateful":
        return profile.state_machine_runs
    if family == "concurrency":
        return profile.concurrency_threads
    return profile.max_examples


def live_terminal(stream: IO[str]) -> bool:
    return stream.isatty() and not os.environ.get("CI")


class Progress:
    """Told by the plugin when each check starts and ends (``start``/``done``)."""

    def __init__(self, profile: Profile, total: int, stream: IO[str] | None = None,
                 live: bool | None = None) -> None:
        base = stream or sys.stdout
        self.live = live_terminal(base) if live is None else live
        # a duplicate of the terminal's descriptor: pytest's capture does not reach it
        self.out: IO[str] = (os.fdopen(os.dup(base.fileno()), "w", buffering=1)
                             if stream is None else base)
        self.profile = profile
        self.total = total
        self.index = 0
        self.failures = 0
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()
        self._check = ""
        self._started = 0.0
        self._context: Any = None
        self._before = 0

    def start(self, check_id: str, context: Any) -> None:
        self.index += 1
        self._check = check_id
        self._begin(context, self._line)

    @contextmanager
    def ahead(self, check_ids: list[str], context: Any) -> Iterator[None]:
        """While ``check_ids`` run first: a line of their own (in a log, when they are
        done), before the line of any check."""
        names = ", ".join(check_ids)
        self._begin(context, lambda: f"[ahead] {names}: running {self._done():4} examples  "
                                     f"{time.monotonic() - self._started:6.1f} s")
        try:
            yield
        finally:
            self._end()
            self._write(f"[ahead] {names}: {self._done()} examples run first, each "
                        f"reported in its turn  {time.monotonic() - self._started:6.1f} s",
                        end=True)

    def _begin(self, context: Any, line: Callable[[], str]) -> None:
        self._context, self._started = context, time.monotonic()
        self._before = context.examples_run if context is not None else 0
        if self.live:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, args=(line,), daemon=True)
            self._ticker.start()

    def _end(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None

    def _done(self) -> int:
        return (self._context.examples_run - self._before) if self._context else 0

    def done(self, outcome: Outcome) -> None:
        self._end()
        if outcome.status == FAILED and not outcome.waived:
            self.failures += 1
        self._write(f"{self._head()} {outcome.status:7} {outcome.examples:4} examples  "
                    f"{self.failures} failures so far  {outcome.duration_s:6.1f} s", end=True)

    def _head(self) -> str:
        width = len(str(self.total))
        return f"[{self.index:{width}}/{self.total}] {self._check:22}"

    def _line(self) -> str:
        done = self._done()
        planned = planned_examples(self._check, self.profile)
        plan = self._context.tally.plan if self._context else None
        if plan is not None and plan.partial:  # a shard's slices of the check (slices.py)
            planned = sum(share(planned, index, plan.total) for index in plan.mine)
        return (f"{self._head()} running {done:4}/{planned} examples  {self.failures} "
                f"failures so far  {time.monotonic() - self._started:6.1f} s")

    def _tick(self, line: Callable[[], str]) -> None:
        while not self._stop.wait(TICK_S):
            self._write(line(), end=False)

    def _write(self, text: str, end: bool) -> None:
        if self.live:
            self.out.write("\r\x1b[K" + text + ("\n" if end else ""))
        elif end:
            self.out.write(text + "\n")
        self.out.flush()
