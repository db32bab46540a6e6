"""The suite's SMTP capture server (aiosmtpd): the target is configured to send its mail
here, and the addMessage2/3 checks look at what arrived. Each arrival is signalled on a
condition variable, so a check waiting for mail wakes at once when it comes (no polling)."""

from __future__ import annotations

import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


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
        self._mail: list[tuple[list[str], bytes]] = []
        self.last_arrival: float | None = None  # time.monotonic() of the latest, if any
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
            self._mail.append((rcpts, content))
            self.last_arrival = time.monotonic()
            self._cond.notify_all()

    def clear(self) -> None:
        with self._cond:
            self._mail.clear()
            self.last_arrival = None

    def wait_for(self, addresses: list[str], timeout: float | None = None
                 ) -> list[tuple[list[str], bytes]]:
        """The mail received so far once every address is a recipient (or ``timeout``
        seconds, default ``wait``, have passed); woken by each arrival."""
        wanted = {a.lower() for a in addresses}
        deadline = time.monotonic() + (self.wait if timeout is None else timeout)
        with self._cond:
            while True:
                reached = {r.lower() for rcpts, _ in self._mail for r in rcpts}
                remaining = deadline - time.monotonic()
                if wanted <= reached or remaining <= 0:
                    return list(self._mail)
                self._cond.wait(remaining)


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])
