"""`--rate-limit auto`: a loopback server in front of the reference target answers HTTP 429
with Retry-After a few times; the suite waits as asked and passes, within a bounded total
wait, and says so plainly past it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from waitress.server import create_server

from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.config import PROFILES, SuiteConfig, transport_config
from conformance.suite.outcome import PASSED, run_check
from conformance.suite.ratelimit import retry_after


class Limiter:
    """waitress in front of a target's app: the requests numbered in ``refuse`` get 429 with
    the Retry-After ``retry_after(n)``; every request's arrival time is kept."""

    def __init__(self, target: ReferenceTarget, refuse: Callable[[int], bool],
                 header: Callable[[int], str]) -> None:
        self.app, self.refuse, self.header = target.app, refuse, header
        self.arrivals: list[tuple[float, bool]] = []
        self._lock = threading.Lock()
        self.server: Any = create_server(self.wsgi, host="127.0.0.1", port=0, threads=2)
        self.endpoint = (f"http://127.0.0.1:{self.server.effective_port}"
                         f"{urlsplit(target.endpoint).path}")
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]
             ) -> Iterable[bytes]:
        with self._lock:
            number = len(self.arrivals)
            refused = self.refuse(number)
            self.arrivals.append((time.monotonic(), refused))
        if not refused:
            return self.app(environ, start_response)
        body = b"slow down\n"
        start_response("429 Too Many Requests", [
            ("Content-Type", "text/plain"), ("Content-Length", str(len(body))),
            ("Retry-After", self.header(number))])
        return [body]

    def close(self) -> None:
        stop_serving(self.server, self.thread)



@pytest.fixture
def limiter(make_target: Callable[..., ReferenceTarget]) -> Iterator[Callable[..., Limiter]]:
    made: list[Limiter] = []

    def make(refuse: Callable[[int], bool], header: Callable[[int], str]) -> Limiter:
        made.append(Limiter(make_target(), refuse, header))
        return made[-1]

    yield make
    for one in made:
        one.close()


def config(endpoint: str, rate_limit: float | str, max_wait: float | None = None
           ) -> SuiteConfig:
    client = transport_config(endpoint, timeout=10, retries=0, rate_limit=rate_limit,
                              headers=[], basic_auth=None, client_cert=None, client_key=None,
                              ca_bundle=None, rate_limit_max_wait=max_wait)
    suite = SuiteConfig(endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="", password="",
                        owner_user="", owner_password="", owner_id="",
                        profile=PROFILES["quick"], seed=1, checks=["AM-STATUS"],
                        client=client)
    runner.embedded_config(suite, endpoint)
    suite.embedded = False
    return suite


def http_date(seconds: float) -> str:
    return format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds),
                           usegmt=True)


def test_auto_waits_as_retry_after_asks_and_the_run_passes(
        limiter: Callable[..., Limiter]) -> None:
    refused = {0, 5, 6}  # the first login, and twice in a row later on
    gate = limiter(lambda n: n in refused, lambda n: http_date(2) if n == 6 else "1")
    state = runner.prepare(config(gate.endpoint, "auto"))
    outcome = run_check(state.context, select(["AM-STATUS"])[0], None, "replay")
    assert outcome.status == PASSED, outcome
    arrivals = gate.arrivals
    for number in sorted(refused):
        waited = arrivals[number + 1][0] - arrivals[number][0]
        assert waited >= 0.9, (number, waited)  # Retry-After 1 (and an HTTP-date ~2 s)
    budget = state.context.client.config.retry_budget  # type: ignore[union-attr]
    assert budget is not None and budget.answered_429 == 3 and budget.waited_s >= 2


def test_without_auto_a_429_is_an_unreachable_target(limiter: Callable[..., Limiter]
                                                     ) -> None:
    gate = limiter(lambda n: n == 0, lambda n: "1")
    with pytest.raises(runner.RunError) as raised:
        runner.prepare(config(gate.endpoint, 0.0))
    assert raised.value.exit_code == 3 and "HTTP 429" in str(raised.value)


def test_past_the_bounded_wait_a_clear_error(limiter: Callable[..., Limiter]) -> None:
    gate = limiter(lambda n: True, lambda n: "1")
    started = time.monotonic()
    with pytest.raises(runner.RunError) as raised:
        runner.prepare(config(gate.endpoint, "auto", max_wait=1.5))
    message = str(raised.value)
    assert raised.value.exit_code == 3
    assert "429 Too Many Requests 2 times" in message and "--rate-limit-max-wait" in message
    assert "1.5 s" in message and time.monotonic() - started < 5
    assert len(gate.arrivals) == 2  # asked again once (1 s), then gave up


def test_retry_after_forms() -> None:
    now = dt.datetime(2026, 12, 3, 10, 0, 0, tzinfo=dt.UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Thu, 03 Dec 2026 10:00:30 GMT", now) == 30.0
    assert retry_after("Thu, 03 Dec 2026 09:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None and retry_after(None, now) is None
