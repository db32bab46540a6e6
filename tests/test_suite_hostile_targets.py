"""A target that answers non-SOAP, answers too late or resets the connection: the affected
check is reported as ``error`` with a clear reason, the rest of the run goes on, and the
run still writes its results (with no secret in them).

The hostile targets are proxies in front of a real reference target, hostile for one
SOAPAction only: a WSGI app served by waitress (an HTML page, or no answer within the
suite's request timeout) and a raw TCP proxy (a reset: close with SO_LINGER 0).
"""

from __future__ import annotations

import http
import http.client
import json
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from waitress.server import create_server

from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import results, runner
from conformance.suite.catalogue import select
from conformance.suite.client import ClientConfig
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import ERROR, PASSED, Outcome, run_check
from conformance.suite.plugin import SuiteState, results_document

TIMEOUT = 1.0
SECRETS = ("norges bank", "nordmann")
HTML = b"<html>proxy error</html>"
CREDENTIALS = ["--user", "egon", "--password", "norges bank", "--owner-user", "kari",
               "--owner-password", "nordmann", "--owner-id", "11"]


def _operation(soap_action: str) -> str:
    """``"urn:...#addMessage3"`` -> ``addMessage3``."""
    return soap_action.strip().strip('"').rpartition("#")[2]


def _forward(request: urllib.request.Request) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:  # a SOAP Fault comes with HTTP 500
        with error:
            return error.code, error.headers.get("Content-Type", ""), error.read()


class HostileProxy:
    """WSGI proxy (waitress) to ``upstream``. ``behaviour`` maps an operation (the end of
    the SOAPAction) to ``html`` (200 text/html) or ``slow`` (no answer for 3x the suite's
    timeout); every other request is forwarded as it is."""

    def __init__(self, upstream: str, behaviour: dict[str, str]) -> None:
        self.upstream, self.behaviour = upstream, behaviour
        self.released = threading.Event()
        self.server: Any = create_server(self.app, host="127.0.0.1", port=0, threads=4)
        self.endpoint = (f"http://127.0.0.1:{self.server.effective_port}"
                         f"{urlsplit(upstream).path}")
        self.thread = threading.Thread(target=self.server.run, name="hostile-proxy",
                                       daemon=True)
        self.thread.start()

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]
            ) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        action = environ.get("HTTP_SOAPACTION", "")
        what = self.behaviour.get(_operation(action))
        if what == "html":
            start_response("200 OK", [("Content-Type", "text/html"),
                                      ("Content-Length", str(len(HTML)))])
            return [HTML]
        if what == "slow":
            self.released.wait(3 * TIMEOUT)
            start_response("504 Gateway Timeout", [("Content-Length", "0")])
            return [b""]
        query = environ.get("QUERY_STRING")
        headers = {"Content-Type": environ.get("CONTENT_TYPE") or "text/xml"}
        if action:
            headers["SOAPAction"] = action
        method = environ["REQUEST_METHOD"]
        status, content_type, data = _forward(urllib.request.Request(
            self.upstream + (f"?{query}" if query else ""), headers=headers, method=method,
            data=body if method == "POST" else None))
        start_response(f"{status} {http.HTTPStatus(status).phrase}",
                       [("Content-Type", content_type), ("Content-Length", str(len(data)))])
        return [data]

    def close(self) -> None:
        self.released.set()  # the slow worker answers at once
        stop_serving(self.server, self.thread)


def _read_request(sock: socket.socket, pending: bytes
                  ) -> tuple[tuple[str, dict[str, str], bytes] | None, bytes]:
    """One HTTP/1.1 request (request line, lower-cased headers, body) and what follows."""
    while b"\r\n\r\n" not in pending:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        pending += chunk
    head, _, rest = pending.partition(b"\r\n\r\n")
    line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None, b""
        rest += chunk
    return (line, headers, rest[:length]), rest[length:]


class _ResetHandler(socketserver.BaseRequestHandler):
    server: ResetProxy

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(10)
        upstream = urlsplit(self.server.upstream)
        conn = http.client.HTTPConnection(upstream.hostname or "", upstream.port, timeout=10)
        pending = b""
        try:
            while True:
                request, pending = _read_request(sock, pending)
                if request is None:
                    return
                line, headers, body = request
                if _operation(headers.get("soapaction", "")) == self.server.operation:
                    # An RST instead of a FIN: close at once, discarding what is unsent.
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()
                    return
                method, path, _ = line.split(" ", 2)
                conn.request(method, path, body=body, headers={
                    k: v for k, v in headers.items() if k in ("content-type", "soapaction")})
                response = conn.getresponse()
                data = response.read()
                sock.sendall(f"HTTP/1.1 {response.status} {response.reason}\r\nContent-Type: "
                             f"{response.getheader('Content-Type', '')}\r\nContent-Length: "
                             f"{len(data)}\r\n\r\n".encode("latin-1") + data)
        except OSError:
            return
        finally:
            conn.close()


class ResetProxy(socketserver.ThreadingTCPServer):
    """Raw TCP proxy to ``upstream`` that resets the connection on ``operation``."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, upstream: str, operation: str) -> None:
        self.upstream, self.operation = upstream, operation
        super().__init__(("127.0.0.1", 0), _ResetHandler)
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}{urlsplit(upstream).path}"
        self.thread = threading.Thread(target=self.serve_forever, name="reset-proxy",
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def hostile(make_target: Callable[..., ReferenceTarget]) -> Iterator[Callable[[str, str], str]]:
    """``hostile(kind, operation)``: the endpoint of a proxy in front of a fresh reference
    target, hostile (``html``, ``slow`` or ``reset``) for ``operation`` only."""
    proxies: list[HostileProxy | ResetProxy] = []

    def make(kind: str, operation: str) -> str:
        upstream = make_target().endpoint
        proxy = (ResetProxy(upstream, operation) if kind == "reset"
                 else HostileProxy(upstream, {operation: kind}))
        proxies.append(proxy)
        return proxy.endpoint

    yield make
    for proxy in proxies:
        proxy.close()


def run_checks(endpoint: str, check_ids: list[str]) -> tuple[SuiteState, dict[str, Outcome]]:
    config = SuiteConfig(
        endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon", password="norges bank",
        owner_user="kari", owner_password="nordmann", owner_id="11",
        profile=PROFILES["quick"], seed=1, client=ClientConfig(endpoint, timeout=TIMEOUT,
                                                               retries=0))
    state = runner.prepare(config)
    assert state.context is not None
    try:
        for check in select(check_ids):
            state.outcomes.append(run_check(state.context, check, None, "replay"))
    finally:
        state.context.client.session.close()
    return state, {o.id: o for o in state.outcomes}


@pytest.mark.parametrize(("kind", "operation", "check", "reason"), [
    pytest.param("html", "addMessage3", "AM3-HTML", "addMessage3: the target answered HTTP "
                 "200 with no usable SOAP envelope", id="non-soap"),
    pytest.param("slow", "addMessage2", "AM23-TEMPLATE",
                 f"the target did not answer within {TIMEOUT:g} s", id="timeout"),
    pytest.param("reset", "getMessage", "AM-BODY-EXACT", "the target reset the connection",
                 id="reset"),
])
def test_hostile_answer_is_a_check_error(hostile: Callable[[str, str], str], tmp_path: Path,
                                         kind: str, operation: str, check: str,
                                         reason: str) -> None:
    # (not ``check_id``: the suite's pytest plugin parametrizes every test that has one)
    # AM-ERR-SLEVEL (which never reads getMessage) runs after the hostile check: the run
    # (and a reset connection pool) goes on.
    control = ["AM-ERR-SLEVEL"] if kind == "reset" else []
    state, outcomes = run_checks(hostile(kind, operation), [check, *control])
    outcome = outcomes[check]
    assert outcome.status == ERROR, outcome
    assert outcome.reason is not None and reason in outcome.reason, outcome.reason
    assert outcome.failure is None
    for other in control:
        assert outcomes[other].status == PASSED, outcomes[other]

    path = results.write(results_document(state), tmp_path / "results.json", state.redactor)
    text = path.read_text(encoding="utf-8")
    written = {c["id"]: c for c in json.loads(text)["checks"]}
    assert written[check]["status"] == ERROR
    assert reason in written[check]["reason"]
    assert json.loads(text)["verdict"] == "error"
    assert not [s for s in SECRETS if s in text]


def test_cli_run_against_non_soap_target(hostile: Callable[[str, str], str],
                                         tmp_path: Path) -> None:
    """``conformance run`` end to end: exit code 3 (verdict error), every report written,
    the unaffected check passed, and no password anywhere. HTML answers getMessage, which
    AM3-HTML reads back and AM-ERR-SLEVEL never calls (it sends addMessage3 too)."""
    endpoint = hostile("html", "getMessage")
    report_dir = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--endpoint", endpoint, *CREDENTIALS,
         "--profile", "quick", "--seed", "1", "--timeout", str(TIMEOUT), "--check",
         "AM3-HTML", "--check", "AM-ERR-SLEVEL", "--report-dir", str(report_dir)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "verdict: error" in done.stdout
    data = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    checks = {c["id"]: c for c in data["checks"]}
    assert data["verdict"] == "error"
    assert checks["AM3-HTML"]["status"] == ERROR
    assert "getMessage: the target answered HTTP 200 with no usable SOAP envelope" in (
        checks["AM3-HTML"]["reason"])
    assert checks["AM-ERR-SLEVEL"]["status"] == PASSED
    outputs = {name: (report_dir / name).read_text(encoding="utf-8")
               for name in ("results.json", "junit.xml", "report.html")}
    outputs.update(stdout=done.stdout, stderr=done.stderr)
    leaks = [(name, s) for name, text in outputs.items() for s in SECRETS if s in text]
    assert not leaks
