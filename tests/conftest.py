"""Fixtures for the reference-target tests.

A target starts in a few milliseconds once the contract is loaded (the contract is loaded
once per session), so every test gets its own target and therefore its own fresh seed data.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import zeep
from aiosmtpd.controller import Controller
from helpers import BINDING, Session, free_port
from hypothesis import settings

from conformance.contract import CANONICAL_WSDL, Contract, load_contract
from conformance.reference import ReferenceTarget, TargetConfig

# In CI the project's own property tests run the same examples every time (no flaky gate);
# locally they explore. The suite itself sets its seed explicitly, whatever the profile.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", database=None, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
# The suite keeps its notification subscription for the next run against the same endpoint
# (suite/sessions.py): in the project's tests that file lives in a temporary folder.
os.environ.setdefault("CONFORMANCE_CACHE_DIR", tempfile.mkdtemp(prefix="conformance-cache-"))


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()


@pytest.fixture
def make_target(contract: Contract) -> Iterator[Callable[..., ReferenceTarget]]:
    """``make_target(**TargetConfig fields)``: a started target on 127.0.0.1, port 0."""
    started: list[ReferenceTarget] = []

    def make(**config: Any) -> ReferenceTarget:
        target = ReferenceTarget(TargetConfig(host="127.0.0.1", port=0, **config), contract)
        started.append(target.start())
        return target

    yield make
    for target in started:
        target.close()


@pytest.fixture
def target(make_target: Callable[..., ReferenceTarget]) -> ReferenceTarget:
    return make_target()


@dataclass(frozen=True)
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class SmtpCapture:
    """What an SMTP server received: one :class:`Envelope` per DATA."""

    port: int = 0
    envelopes: list[Envelope] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos),
                                           bytes(envelope.original_content)))
        return "250 OK"


@pytest.fixture
def smtp_capture() -> Iterator[SmtpCapture]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every envelope it receives."""
    for attempt in range(3):  # the free port may be taken before aiosmtpd binds it
        capture = SmtpCapture(port=free_port())
        controller = Controller(capture, hostname="127.0.0.1", port=capture.port)
        try:
            controller.start()
            break
        except OSError:
            if attempt == 2:
                raise
    yield capture
    controller.stop()


@pytest.fixture
def mail_target(make_target: Callable[..., ReferenceTarget],
                smtp_capture: SmtpCapture) -> ReferenceTarget:
    """A target that sends its mail to ``smtp_capture``."""
    return make_target(smtp=f"127.0.0.1:{smtp_capture.port}")


@pytest.fixture
def zeep_service() -> Iterator[Callable[[ReferenceTarget], Any]]:
    """``zeep_service(target)``: a zeep service of the canonical WSDL bound to the target
    (a new client each call, so each thread can have its own)."""
    clients: list[zeep.Client] = []

    def make(target: ReferenceTarget) -> Any:
        client = zeep.Client(str(CANONICAL_WSDL))
        clients.append(client)
        return client.create_service(BINDING, target.endpoint)

    yield make
    for client in clients:
        client.transport.session.close()


@pytest.fixture
def egon(zeep_service: Callable[[ReferenceTarget], Any], target: ReferenceTarget) -> Session:
    """The documented example's user, logged in on ``target``."""
    return Session(zeep_service(target))
