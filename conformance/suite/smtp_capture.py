"""The suite's SMTP capture server (aiosmtpd): the target is configured to send its mail
here, and the addMessage2/3 checks look at what arrived. Each arrival is signalled on a
condition variable, so a check waiting for mail wakes at once when it comes (no polling).

The mail is kept in the order it came, with its time of arrival; a look returns the place
in that order where what it saw ends. ``clear`` starts a new view for the next example
without forgetting what came before, so that mail coming late, after a short look
(looks.py), can still be asked for (``came_since``); mail older than ``KEPT_SECONDS`` is
forgotten, except while ``hold`` keeps what came since (looks left open longer than that,
provisional.py)."""

from __future__ import annotations

import threading
import time
from typing import Any

from aiosmtpd.controller import Controller

KEPT_SECONDS = 900.0  # longer than any settle time (at most 600 s): older mail is forgotten


class _Handler:
    def __init__(self, capture: SmtpCapture) -> None:
        self.capture = capture

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.capture.received(list(envelope.rcpt_tos), bytes(envelope.original_content
                                                             or envelope.content))
        return "250 OK"


class SmtpCapture:
    """Collects (recipients, raw message) pairs; ``wait_for`` waits for given recipients."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, wait: float = 5.0) -> None:
        self.wait = wait
        self._mail: list[tuple[float, list[str], bytes]] = []  # (arrival, rcpts, content)
        self._forgotten = 0  # how many came before the first one kept
        self._view = 0  # the place (in the order of arrival) where the current view begins
        self._held: int | None = None  # from this place on nothing is forgotten (hold)
        self._cond = threading.Condition()
        # aiosmtpd picks 8025 by default: without a port, find a free one instead
        self.controller = Controller(_Handler(self), hostname=host,
                                     port=port or _free_port(host), ready_timeout=10)

    @property
    def address(self) -> str:
        return f"{self.controller.hostname}:{self.controller.port}"

    def start(self) -> SmtpCapture:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def received(self, rcpts: list[str], content: bytes) -> None:
        with self._cond:
            self._mail.append((time.monotonic(), rcpts, content))
            self._cond.notify_all()

    def clear(self) -> None:
        """Begin a new view: ``wait_for`` sees only mail that comes from now on."""
        with self._cond:
            self._view = self._forgotten + len(self._mail)
            self._forget(time.monotonic() - KEPT_SECONDS)

    def hold(self) -> None:
        """Forget nothing that comes from now on, however old, until ``release``."""
        with self._cond:
            if self._held is None:
                self._held = self._forgotten + len(self._mail)

    def release(self) -> None:
        with self._cond:
            self._held = None

    def _forget(self, before: float) -> None:
        old = next((i for i, (came, _r, _c) in enumerate(self._mail) if came >= before),
                   len(self._mail))
        if self._held is not None:
            old = min(old, max(0, self._held - self._forgotten))
        if old:
            del self._mail[:old]
            self._forgotten += old

    def _since(self, place: int) -> list[tuple[list[str], bytes]]:
        return [(rcpts, content) for _came, rcpts, content
                in self._mail[max(0, place - self._forgotten):]]

    def wait_for(self, addresses: list[str], timeout: float | None = None
                 ) -> list[tuple[list[str], bytes]]:
        """The mail of the current view once every address is a recipient (or ``timeout``
        seconds, default ``wait``, have passed); woken by each arrival."""
        return self.look(addresses, timeout)[0]

    def look(self, addresses: list[str], timeout: float | None = None, some: bool = False
             ) -> tuple[list[tuple[list[str], bytes]], int]:
        """``wait_for`` (``some``: until any of the addresses is a recipient), and the place
        in the order of arrival where the mail returned ends (what comes later is not in
        it: ``came_since``)."""
        wanted = {a.lower() for a in addresses}
        deadline = time.monotonic() + (self.wait if timeout is None else timeout)
        with self._cond:
            while True:
                mail = self._since(self._view)
                reached = {r.lower() for rcpts, _ in mail for r in rcpts}
                remaining = deadline - time.monotonic()
                if (wanted & reached if some else wanted <= reached) or remaining <= 0:
                    return mail, self._forgotten + len(self._mail)
                self._cond.wait(remaining)

    def arrived(self, addresses: list[str]) -> float | None:
        """When the latest mail of the current view to any of ``addresses`` came (a
        ``time.monotonic()``), or None: a lag is learnt from an example's own mail, never
        from mail to anyone else (another worker's, a late copy of an earlier example's)."""
        wanted = {a.lower() for a in addresses}
        with self._cond:
            return next((came for came, rcpts, _content
                         in reversed(self._mail[max(0, self._view - self._forgotten):])
                         if wanted & {r.lower() for r in rcpts}), None)

    def came_since(self, place: int, addresses: list[str], deadline: float
                   ) -> float | None:
        """When the first mail to any of ``addresses`` after ``place`` (from ``look``)
        came, if it came by ``deadline`` (a ``time.monotonic()``), waiting until then for
        it; None if none did. Mail forgotten since may have come: then ``deadline``."""
        wanted = {a.lower() for a in addresses}
        with self._cond:
            while True:
                if place < self._forgotten:
                    return deadline
                came = next((came for came, rcpts, _content in
                             self._mail[place - self._forgotten:]
                             if wanted & {r.lower() for r in rcpts}), None)
                if came is not None:
                    return came if came <= deadline else None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
