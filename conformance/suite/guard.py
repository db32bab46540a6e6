"""Bounded time against a bad target: a breaker on consecutive transport failures and a
run-wide time budget, consulted before every request the suite sends.

- After ``max_failures`` consecutive timeouts, resets or refused connections of one
  operation (no success of that operation in between), further calls of that operation
  fail at once; after as many consecutive failures of any operation, every call does. The
  check in progress and the later ones then end as errors in milliseconds instead of one
  full timeout each.
- After ``max_time`` seconds of the run (0: no budget), nothing more is sent.

The first reason the guard stopped something is kept for the run's verdict and report.
"""

from __future__ import annotations

import threading
import time

DEFAULT_MAX_FAILURES = 2
DEFAULT_MAX_TIME = 3600.0


class Stopped(Exception):
    """The guard refuses to send a request; the message says why."""


class TransportGuard:
    def __init__(self, max_failures: int = DEFAULT_MAX_FAILURES,
                 max_time: float = DEFAULT_MAX_TIME) -> None:
        self.max_failures = max_failures
        self.max_time = max_time
        self.started = time.monotonic()
        self.stopped: str | None = None  # the first reason anything was refused
        self._in_a_row = 0
        self._by_operation: dict[str, int] = {}
        self._last_failure = ""
        self._lock = threading.Lock()

    def before(self, operation: str) -> None:
        """Raise :class:`Stopped` if ``operation`` must not be sent now."""
        operation = _soap_operation(operation)
        with self._lock:
            reason = self._refusal(operation)
            if reason is not None:
                self.stopped = self.stopped or reason
                raise Stopped(f"not sent: {reason}")

    def _refusal(self, operation: str) -> str | None:
        if self.max_time > 0 and time.monotonic() - self.started > self.max_time:
            return f"the run's time budget of {self.max_time:g} s (--max-time) is used up"
        if self.max_failures <= 0:
            return None
        if self._in_a_row >= self.max_failures:
            return (f"the target stopped answering ({self._in_a_row} requests in a row "
                    f"failed, the last: {self._last_failure})")
        if self._by_operation.get(operation, 0) >= self.max_failures:
            return (f"{operation} stopped answering ({self._by_operation[operation]} calls "
                    f"in a row failed, the last: {self._last_failure}; see "
                    "--max-transport-failures)")
        return None

    def failed(self, operation: str, reason: str) -> None:
        operation = _soap_operation(operation)
        with self._lock:
            self._in_a_row += 1
            self._by_operation[operation] = self._by_operation.get(operation, 0) + 1
            self._last_failure = reason

    def succeeded(self, operation: str) -> None:
        operation = _soap_operation(operation)
        with self._lock:
            self._in_a_row = 0
            self._by_operation[operation] = 0


def _soap_operation(label: str) -> str:
    """``addMessage:drop-element`` (a deliberately broken request) counts as addMessage."""
    return label.partition(":")[0]
