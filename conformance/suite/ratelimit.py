"""``--rate-limit auto``: a target that answers HTTP 429 Too Many Requests is asked again
after the delay its ``Retry-After`` header gives (RFC 9110 section 10.2.3: delay-seconds or
an HTTP-date; RFC 6585 section 4), or after a short back-off without one, within a bounded
total wait per run (``--rate-limit-max-wait``, default 300 s). Past it, or for a single
delay longer than what is left of it, the request fails with one clear line."""

from __future__ import annotations

import datetime as dt
import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any

TOO_MANY_REQUESTS = 429
DEFAULT_MAX_WAIT_S = 300.0
BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 16.0)  # without Retry-After


class RateLimited(Exception):
    """The target kept refusing with 429 beyond the allowed wait (message: one line)."""


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


class RetryBudget:
    """The run's total wait for 429 answers, shared by every thread of the client."""

    def __init__(self, max_total_s: float = DEFAULT_MAX_WAIT_S) -> None:
        self.max_total_s = max_total_s
        self.waited_s = 0.0
        self.answered_429 = 0
        self._lock = threading.Lock()

    def delay(self, response: Any, attempt: int) -> float:
        """How long to wait before asking again; RateLimited when over the budget."""
        given = retry_after(response.headers.get("Retry-After"))
        delay = given if given is not None else BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
        with self._lock:
            self.answered_429 += 1
            if self.waited_s + delay > self.max_total_s:
                raise RateLimited(
                    f"the target answered HTTP 429 Too Many Requests {self.answered_429} "
                    f"times; waiting {delay:g} s more would pass the {self.max_total_s:g} s "
                    "this run may wait (--rate-limit-max-wait)")
            self.waited_s += delay
        return delay

    def post(self, send: Any) -> Any:
        """``send()`` until the answer is not 429, waiting as the target asks."""
        attempt = 0
        while True:
            response = send()
            if response.status_code != TOO_MANY_REQUESTS:
                return response
            wait = self.delay(response, attempt)
            response.close()
            time.sleep(wait)
            attempt += 1
