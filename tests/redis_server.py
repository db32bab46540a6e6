"""A real redis-server for the tests of the shared example database: Debian's
redis-server package (installed with apt-get where missing and we may, as the report
tests do for chromium), started on a free loopback port without persistence, stopped
after."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest
from helpers import free_port


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("redis-server is not installed and cannot be (needs root and apt-get): "
                    "`apt-get install redis-server` to run this test")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (["apt-get", "update"], ["apt-get", "install", "-y",
                                                "--no-install-recommends", "redis-server"]):
            done = subprocess.run(command, capture_output=True, text=True, env=env,
                                  timeout=900)
            if done.returncode != 0:
                pytest.skip(f"`{' '.join(command)}` failed: {done.stderr.strip()[-300:]}")
    except subprocess.TimeoutExpired:
        pytest.skip("installing redis-server with apt-get timed out")
    return shutil.which("redis-server") or pytest.skip("redis-server not on PATH after install")


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """redis://127.0.0.1:PORT/0 of a redis-server this fixture started (and stops)."""
    binary = redis_server_binary()
    with tempfile.TemporaryDirectory(prefix="redis-") as workdir:
        port = free_port()
        server = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", workdir, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 10
            while not _answers(port):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)
