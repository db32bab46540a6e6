"""Stopping a waitress server that serves in a thread (the reference target and the test
proxies): the loop ends, the port is released and open connections are closed, also when
waitress has already closed the server's trigger (a flaky teardown error in CI, where
``pull_trigger`` met a closed pipe), and when no loop runs at all."""

from __future__ import annotations

import socket
import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from waitress.server import create_server

from conformance.reference.server import stop_serving


def _app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def _serving() -> tuple[Any, threading.Thread, int]:
    server: Any = create_server(_app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    port = server.effective_port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
        assert response.read() == b"ok"
    return server, thread, port


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.parametrize("trigger", ["open", "already closed"])
def test_stop_serving_ends_the_loop_and_closes_every_socket(trigger: str) -> None:
    server, thread, port = _serving()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as idle:  # a waiting client
        if trigger == "already closed":
            server.trigger.close()  # as waitress does when its trigger or listener fails
        stop_serving(server, thread)
        assert not thread.is_alive()
        assert server._map == {}
        assert server.trigger._closed
        assert _refused(port)
        try:  # an end of stream, or a reset where the listener closed before accepting it
            assert idle.recv(1) == b""
        except ConnectionResetError:
            pass
    stop_serving(server, thread)  # idempotent


def test_stop_serving_without_a_loop_thread_closes_the_listener() -> None:
    server: Any = create_server(_app, host="127.0.0.1", port=0, threads=1)
    port = server.effective_port
    stop_serving(server, None)
    assert server._map == {}
    assert _refused(port)
