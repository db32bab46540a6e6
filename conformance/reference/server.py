"""Serving the reference target with waitress (multi-threaded), in the foreground for
``conformance serve`` or in a background thread for tests and the embedded suite run."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from waitress import trigger as waitress_trigger
from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

from conformance.contract import Contract, load_contract
from conformance.reference.app import DEFAULT_MAX_REQUEST_BYTES, DEFAULT_PATH, ReferenceApp
from conformance.reference.faults import validate_faults
from conformance.reference.limits import (
    CHANNEL_TIMEOUT,
    CLEANUP_INTERVAL,
    CONNECTION_LIMIT,
    SoapChannel,
)
from conformance.reference.mail import Mailer
from conformance.reference.service import TicketService
from conformance.reference.store import SEED_FILE, Store
from conformance.reference.variation import Variation

log = logging.getLogger("conformance.reference")


@dataclass
class TargetConfig:
    host: str = "127.0.0.1"
    port: int = 0
    db: str | Path | None = None
    smtp: str | None = None
    faults: list[str] = field(default_factory=list)
    threads: int = 8
    session_ttl: float = 1800.0
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    latency_ms: float = 0.0  # delay before every SOAP answer (reference/latency.py)
    seed: str | Path | None = None  # seed data (default: fixtures/seed.json)
    connection_limit: int = CONNECTION_LIMIT  # idle clients must not block a new caller
    channel_timeout: int = CHANNEL_TIMEOUT  # seconds before an idle connection is closed
    variants: list[str] = field(default_factory=list)  # see reference/variants.py


class ReferenceTarget:
    """A running reference target. Use as a context manager, or ``start()``/``close()``."""

    def __init__(self, config: TargetConfig | None = None,
                 contract: Contract | None = None) -> None:
        self.config = config or TargetConfig()
        faults = validate_faults(self.config.faults)
        contract = contract or load_contract()
        variation = Variation(self.config.variants, contract)
        self.store = Store(self.config.db, Path(self.config.seed or SEED_FILE))
        variation.seed(self.store)
        self.service = TicketService(self.store, Mailer(self.config.smtp), faults,
                                     session_ttl=self.config.session_ttl,
                                     variants=variation.names)
        self.app = ReferenceApp(self.service, contract,
                                max_request_bytes=self.config.max_request_bytes,
                                variation=variation)
        served: Any = self.app
        if self.config.latency_ms > 0:
            from conformance.reference.latency import Latency

            served = Latency(self.app, self.config.latency_ms)
        server = create_server(
            served, host=self.config.host, port=self.config.port,
            threads=self.config.threads, ident="conformance-reference",
            max_request_body_size=self.config.max_request_bytes,
            connection_limit=self.config.connection_limit,
            channel_timeout=self.config.channel_timeout, cleanup_interval=CLEANUP_INTERVAL,
            clear_untrusted_proxy_headers=True)
        if not isinstance(server, BaseWSGIServer):  # a host name of several addresses
            server.close()
            raise OSError(f"{self.config.host} has several addresses: give one of them")
        server.channel_class = SoapChannel  # a body over the limit: a SOAP Fault
        # Any: the stubs lack effective_port and _map, and type the trigger as an int
        self.server: Any = server
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def endpoint(self) -> str:
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"http://{host}:{self.server.effective_port}{DEFAULT_PATH}"

    @property
    def wsdl_url(self) -> str:
        return f"{self.endpoint}?wsdl"

    def serve_forever(self) -> None:
        try:
            self.server.run()
        finally:
            self.close()

    def start(self) -> ReferenceTarget:
        self._thread = threading.Thread(target=self.server.run, name="reference-target",
                                        daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, including open keep-alive connections, stop the worker threads and
        close the store. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            thread, self._thread = self._thread, None
            stop_serving(self.server, thread)
        finally:
            self.store.close()

    def __enter__(self) -> ReferenceTarget:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def stop_serving(server: Any, thread: threading.Thread | None) -> None:
    """Stop a waitress ``server`` whose loop runs in ``thread`` (or in no thread): close the
    listening socket and every connection, then the worker threads, then the trigger.
    Idempotent.

    Sockets are closed by the loop's own thread (a trigger thunk; the emptied map ends the
    loop), and the trigger's pipe stays open until the workers are gone, since a worker
    pulls it when it finishes. Where waitress has already closed the trigger (it does when
    the trigger or the listening socket fails), a new one joins the loop's map and is
    polled from the loop's next turn (``asyncore_loop_timeout``, 1 s)."""
    if thread is not None and thread.is_alive():
        for _ in range(2):  # once more if the pipe goes away between the check and the pull
            if server.trigger._closed:
                server.trigger = waitress_trigger.trigger(server._map)
            try:
                server.trigger.pull_trigger(lambda: _close_sockets(server))
                break
            except OSError:
                continue
        thread.join(timeout=5)
    _close_sockets(server)  # nothing left to close where the loop did it
    server.task_dispatcher.shutdown()
    server.trigger.close()  # idempotent


def _close_sockets(server: Any) -> None:
    """Close the listening socket and every connection, and take the trigger out of the
    loop's map (its pipe stays open until the workers are gone)."""
    for dispatcher in list(server._map.values()):
        if dispatcher is server.trigger:
            dispatcher.del_channel()
        elif dispatcher is server:
            wasyncore.dispatcher.close(server)
        else:
            dispatcher.handle_close()
