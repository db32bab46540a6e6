"""A simulated target's mail, sent for real over loopback to the suite's SMTP capture:
each call mails recipients of its own, the To copy at once and the Cc copy at once, late or
never, so that a test fixes when what comes (the looks at mail: test_open_looks.py,
test_provisional.py)."""

from __future__ import annotations

import itertools
import smtplib
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

from embedded_runs import run_with

from conformance.suite.context import RunContext
from conformance.suite.looks import MAIL
from conformance.suite.observe import mail_to
from conformance.suite.registry import CheckFailed
from conformance.suite.smtp_capture import SmtpCapture

TARGETS = itertools.count(1)  # each test's recipients are its own, late mail included
SETTLE = 1.0  # seconds: long beside the loopback lag, short for a test
LATE = 0.4  # a late copy comes this long after the call: past a short look, before SETTLE
AT_ONCE = 0.0  # the copy is sent before the call returns
NEVER = None


def send(capture: SmtpCapture, rcpt: str, headers: dict[str, str] | None = None) -> None:
    message = EmailMessage()
    message["From"] = "target@conformance.test"
    message["To"] = rcpt
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("body")
    host, port = capture.address.split(":")
    with smtplib.SMTP(host, int(port)) as smtp:
        smtp.send_message(message, to_addrs=[rcpt])


def mail_context() -> Iterator[RunContext]:
    """A run context (its example loop is used) with a real SMTP capture of its own."""
    _outcomes, context = run_with(["AM-ERRORCODE"])
    context.capture = SmtpCapture().start()
    yield context
    context.capture.stop()


class Target:
    """A simulated target's mail: every call mails a To and a Cc recipient of its own, the
    To copy at once, the Cc copy after ``cc_after(call)`` seconds (AT_ONCE: before the call
    returns; NEVER: not at all), with ``cc_headers`` in it from the second call on (the
    first shows the target's lag)."""

    def __init__(self, ctx: RunContext, cc_after: Callable[[int], float | None],
                 cc_headers: dict[str, str] | None = None) -> None:
        self.ctx, self.cc_after, self.cc_headers = ctx, cc_after, cc_headers or {}
        self.calls = 0
        self.number = next(TARGETS)
        self.looks: list[float] = []  # how long each look at mail was to last
        self.called: list[float] = []  # time.monotonic() at each call
        self.timers: list[threading.Timer] = []

    def call(self) -> list[str]:
        self.calls += 1
        self.called.append(time.monotonic())
        to, cc = (f"{role}.t{self.number}c{self.calls}@conformance.test"
                  for role in ("to", "cc"))
        send(self.ctx.capture, to)
        delay = self.cc_after(self.calls)
        headers = self.cc_headers if self.calls > 1 else {}
        if delay == AT_ONCE:
            send(self.ctx.capture, cc, headers)
        elif delay is not None:
            timer = threading.Timer(delay, send, (self.ctx.capture, cc, headers))
            timer.start()
            self.timers.append(timer)
        return [to, cc]

    def look(self, addresses: list[str]) -> list[tuple[list[str], bytes]]:
        self.looks.append(self.ctx.looks.seconds(MAIL))
        return mail_to(self.ctx, addresses)

    def every_copy_came(self, _example: Any) -> None:
        """A check body: call, and fail when a copy of the call's mail has not come."""
        wanted = self.call()
        reached = {r for rcpts, _content in self.look(wanted) for r in rcpts}
        if missing := [a for a in wanted if a not in reached]:
            raise CheckFailed(f"no mail reached {missing}")

    def without(self, header: bytes) -> Callable[[Any], None]:
        """A check body: call, and fail when the mail seen carries ``header``."""
        def body(_example: Any) -> None:
            for _rcpts, content in self.look(self.call()):
                if header in content:
                    raise CheckFailed(f"a {header.decode().rstrip(':')} header in the mail")
        return body

    def join(self) -> None:
        for timer in self.timers:
            timer.join()
