"""The suite's transport options for a target behind a proxy, end to end: extra HTTP
headers, HTTP basic auth and a TLS client certificate (in-process and through
``conformance run``), the rate limit, retries of refused connections and the request
timeout (a timed-out call is not sent again: addMessage is not idempotent).

The proxies stand in front of a real reference target, on loopback: a WSGI wrapper
(waitress) that refuses requests without the expected header or credentials, and a
TLS-terminating TCP proxy (``ssl``, client certificate required) in front of the target's
plain HTTP port. Certificates are made for each run with the ``openssl`` command line.
"""

from __future__ import annotations

import base64
import json
import select
import shutil
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from waitress.server import create_server

from conformance.contract import CANONICAL_WSDL, Contract
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import client as client_module
from conformance.suite import results, runner
from conformance.suite.catalogue import select as select_checks
from conformance.suite.client import ClientConfig, Recorder, TargetClient, TargetError
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import PASSED, Outcome, run_check
from conformance.suite.plugin import SuiteState, results_document

API_KEY = ("X-Api-Key", "secret-key")
PROXY_USER, PROXY_PASSWORD = "proxyuser", "proxypass"
CHECKS = ["AM-STATUS", "AM-BODY-EXACT"]
CREDENTIALS = ["--user", "egon", "--password", "norges bank", "--owner-user", "kari",
               "--owner-password", "nordmann", "--owner-id", "11"]
EGON = {"userName": "egon", "password": "norges bank"}


# A WSGI gate in front of the reference target's app ---------------------------------------
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Gate:
    """waitress serving ``app`` only to requests ``allowed`` lets through; the others get
    ``status`` as text/plain. Counts both."""

    def __init__(self, app: WsgiApp, allowed: Callable[[dict[str, Any]], bool], status: str,
                 path: str, extra: list[tuple[str, str]] | None = None) -> None:
        self.app, self.allowed, self.status, self.extra = app, allowed, status, extra or []
        self.passed = self.refused = 0
        self._lock = threading.Lock()
        self.server: Any = create_server(self.wsgi, host="127.0.0.1", port=0, threads=4,
                                         ident="gate")
        self.endpoint = f"http://127.0.0.1:{self.server.effective_port}{path}"
        self.thread = threading.Thread(target=self.server.run, name="gate", daemon=True)
        self.thread.start()

    def wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]
             ) -> Iterable[bytes]:
        allowed = self.allowed(environ)
        with self._lock:
            if allowed:
                self.passed += 1
            else:
                self.refused += 1
        if allowed:
            return self.app(environ, start_response)
        body = f"{self.status}: the proxy refuses this request\n".encode()
        start_response(self.status, [("Content-Type", "text/plain"),
                                     ("Content-Length", str(len(body))), *self.extra])
        return [body]

    def close(self) -> None:
        stop_serving(self.server, self.thread)



def _has_api_key(environ: dict[str, Any]) -> bool:
    return environ.get("HTTP_X_API_KEY") == API_KEY[1]


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _has_basic_auth(environ: dict[str, Any]) -> bool:
    return environ.get("HTTP_AUTHORIZATION") == _basic(PROXY_USER, PROXY_PASSWORD)


@pytest.fixture
def gate(make_target: Callable[..., ReferenceTarget]) -> Iterator[Callable[..., Gate]]:
    """``gate(allowed, status)``: a gate in front of a fresh reference target's app."""
    gates: list[Gate] = []

    def make(allowed: Callable[[dict[str, Any]], bool], status: str,
             extra: list[tuple[str, str]] | None = None) -> Gate:
        target = make_target()
        gates.append(Gate(target.app, allowed, status, urlsplit(target.endpoint).path, extra))
        return gates[-1]

    yield make
    for made in gates:
        made.close()


@pytest.fixture
def api_key_gate(gate: Callable[..., Gate]) -> Gate:
    return gate(_has_api_key, "403 Forbidden")


@pytest.fixture
def basic_auth_gate(gate: Callable[..., Gate]) -> Gate:
    return gate(_has_basic_auth, "401 Unauthorized",
                [("WWW-Authenticate", 'Basic realm="ticket port"')])


# Running the suite -----------------------------------------------------------------------
def suite_config(client: ClientConfig, checks: list[str]) -> SuiteConfig:
    """As tests/suite_runs.py: the reference users, profile quick, seed 1; ``client``."""
    config = SuiteConfig(endpoint=client.endpoint, wsdl=str(CANONICAL_WSDL), user="",
                         password="", owner_user="", owner_password="", owner_id="",
                         profile=PROFILES["quick"], seed=1, checks=checks, client=client)
    runner.embedded_config(config, client.endpoint)
    config.embedded = False
    return config


def run_checks(client: ClientConfig, checks: list[str] = CHECKS
               ) -> tuple[SuiteState, dict[str, Outcome]]:
    state = runner.prepare(suite_config(client, checks))
    assert state.context is not None
    try:
        for check in select_checks(checks):
            state.outcomes.append(run_check(state.context, check, None, "replay"))
    finally:
        state.context.client.session.close()
    return state, {o.id: o for o in state.outcomes}


def assert_all_passed(outcomes: dict[str, Outcome], checks: list[str] = CHECKS) -> None:
    assert sorted(outcomes) == sorted(checks)
    for outcome in outcomes.values():
        assert outcome.status == PASSED, outcome
        assert outcome.examples > 0


def prepare_fails(client: ClientConfig) -> runner.RunError:
    with pytest.raises(runner.RunError) as raised:
        runner.prepare(suite_config(client, CHECKS))
    return raised.value


def cli_run(endpoint: str, tmp_path: Path, *transport: str
            ) -> tuple[subprocess.CompletedProcess[str], Path]:
    report_dir = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--endpoint", endpoint, *transport,
         *CREDENTIALS, "--profile", "quick", "--seed", "1", "--check", "AM-STATUS",
         "--report-dir", str(report_dir)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    return done, report_dir


def assert_cli_conformant(done: subprocess.CompletedProcess[str], report_dir: Path) -> None:
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert "verdict: conformant" in done.stdout
    data = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "conformant"
    assert [(c["id"], c["status"]) for c in data["checks"]] == [("AM-STATUS", PASSED)]


# 1. Extra HTTP headers ---------------------------------------------------------------------
def test_extra_header_reaches_a_target_behind_a_gate(api_key_gate: Gate) -> None:
    _, outcomes = run_checks(ClientConfig(api_key_gate.endpoint, headers=dict([API_KEY])))
    assert_all_passed(outcomes)
    assert api_key_gate.passed > 10  # log-ins, set-up, subject and observation calls
    assert api_key_gate.refused == 0  # every request carried the header


def test_without_the_header_the_target_is_unreachable(api_key_gate: Gate) -> None:
    error = prepare_fails(ClientConfig(api_key_gate.endpoint))
    assert error.exit_code == runner.EXIT_UNREACHABLE == 3
    message = str(error)
    assert message.startswith(f"{api_key_gate.endpoint}: login: ")
    assert "HTTP 403 with no usable SOAP envelope" in message
    assert "\n" not in message
    assert api_key_gate.refused == 1 and api_key_gate.passed == 0


def test_served_wsdl_is_read_with_the_transport_options(api_key_gate: Gate) -> None:
    _, outcomes = run_checks(ClientConfig(api_key_gate.endpoint, headers=dict([API_KEY])),
                             ["AM-WSDL"])
    assert outcomes["AM-WSDL"].status == PASSED, outcomes["AM-WSDL"].reason


STICKY = ("lb-node", "node-7")


def test_cookie_set_by_a_sticky_balancer_is_sent_back(
        make_target: Callable[..., ReferenceTarget]) -> None:
    """A balancer pinning the session by cookie: its first answer sets it, and every
    request after that must carry it (the client reuses prepared requests only while the
    session holds no cookie, so this proves the jar is sent as it is at each call)."""
    target = make_target()
    seen: list[bool] = []

    def sticky(environ: dict[str, Any], start_response: Callable[..., Any]
               ) -> Iterable[bytes]:
        def with_cookie(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            return start_response(status, [*headers, ("Set-Cookie", "=".join(STICKY))],
                                  *rest)
        return target.app(environ, with_cookie)

    def pinned(environ: dict[str, Any]) -> bool:
        seen.append("=".join(STICKY) in environ.get("HTTP_COOKIE", ""))
        return len(seen) == 1 or seen[-1]

    sticky_gate = Gate(sticky, pinned, "409 Conflict", urlsplit(target.endpoint).path)
    try:
        _, outcomes = run_checks(ClientConfig(sticky_gate.endpoint))
    finally:
        sticky_gate.close()
    assert_all_passed(outcomes)
    assert sticky_gate.refused == 0 and sticky_gate.passed > 10
    assert seen[0] is False and all(seen[1:])


def test_cli_header_option(api_key_gate: Gate, tmp_path: Path) -> None:
    done, report_dir = cli_run(api_key_gate.endpoint, tmp_path,
                               "--header", f"{API_KEY[0]}: {API_KEY[1]}")
    assert_cli_conformant(done, report_dir)
    assert api_key_gate.refused == 0


# 2. HTTP basic auth ------------------------------------------------------------------------
def test_basic_auth_reaches_a_target_behind_a_gate(basic_auth_gate: Gate,
                                                   tmp_path: Path) -> None:
    state, outcomes = run_checks(ClientConfig(basic_auth_gate.endpoint,
                                              basic_auth=(PROXY_USER, PROXY_PASSWORD)))
    assert_all_passed(outcomes)
    assert basic_auth_gate.refused == 0
    assert state.config is not None and PROXY_PASSWORD in state.config.secrets()
    text = results.write(results_document(state), tmp_path / "results.json",
                         state.redactor).read_text(encoding="utf-8")
    assert PROXY_PASSWORD not in text


@pytest.mark.parametrize("auth", [None, (PROXY_USER, "wrong")], ids=["none", "wrong"])
def test_without_valid_credentials_the_target_is_unreachable(
        basic_auth_gate: Gate, auth: tuple[str, str] | None) -> None:
    error = prepare_fails(ClientConfig(basic_auth_gate.endpoint, basic_auth=auth))
    assert error.exit_code == 3
    assert str(error).startswith(f"{basic_auth_gate.endpoint}: login: ")
    assert "HTTP 401 with no usable SOAP envelope" in str(error)


def test_cli_basic_auth_option_keeps_the_password_secret(basic_auth_gate: Gate,
                                                        tmp_path: Path) -> None:
    done, report_dir = cli_run(basic_auth_gate.endpoint, tmp_path,
                               "--basic-auth", f"{PROXY_USER}:{PROXY_PASSWORD}")
    assert_cli_conformant(done, report_dir)
    assert basic_auth_gate.refused == 0
    outputs = {name: (report_dir / name).read_text(encoding="utf-8")
               for name in ("results.json", "junit.xml", "report.html")}
    outputs.update(stdout=done.stdout, stderr=done.stderr)
    secrets = (PROXY_PASSWORD, _basic(PROXY_USER, PROXY_PASSWORD).split()[1])
    assert not [(name, s) for name, text in outputs.items() for s in secrets if s in text]


# 3. TLS with a client certificate ----------------------------------------------------------
OPENSSL_CNF = """\
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""
EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _openssl(cwd: Path, *args: str) -> None:
    done = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, (args, done.stderr)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A throw-away CA, a server certificate for 127.0.0.1 and a client certificate."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command line is needed to make the test certificates")
    d = tmp_path_factory.mktemp("pki")
    (d / "openssl.cnf").write_text(OPENSSL_CNF, encoding="utf-8")
    _openssl(d, "req", "-x509", "-config", "openssl.cnf", "-extensions", "ca", *EC_KEY,
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-sha256",
             "-subj", "/CN=conformance test CA")
    for name, subject, serial in (("server", "/CN=127.0.0.1", "2"),
                                  ("client", "/CN=conformance suite", "3")):
        _openssl(d, "req", "-new", "-config", "openssl.cnf", *EC_KEY, "-keyout",
                 f"{name}.key", "-out", f"{name}.csr", "-subj", subject)
        _openssl(d, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey",
                 "ca.key", "-set_serial", serial, "-days", "2", "-sha256", "-extfile",
                 "openssl.cnf", "-extensions", name, "-out", f"{name}.pem")
    return Pki(d / "ca.pem", d / "server.pem", d / "server.key", d / "client.pem",
               d / "client.key")


class _TlsHandler(socketserver.BaseRequestHandler):
    server: TlsProxy

    def handle(self) -> None:
        raw: socket.socket = self.request
        raw.settimeout(5)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # no Nagle + delayed ACK
        try:
            tls = self.server.context.wrap_socket(raw, server_side=True)  # handshake
        except OSError:  # ssl.SSLError included: no or an untrusted client certificate
            self.server.count("refused")
            return
        self.server.count("accepted")
        with tls, socket.create_connection(self.server.upstream, timeout=5) as upstream:
            upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            _pump(tls, upstream, self.server.stopping)


def _pump(tls: ssl.SSLSocket, plain: socket.socket, stopping: threading.Event) -> None:
    """Bytes both ways in one thread (an SSL object is not for two threads at once),
    until either side closes."""
    other = {tls: plain, plain: tls}
    while not stopping.is_set():
        ready = [tls] if tls.pending() else select.select([tls, plain], [], [], 0.1)[0]
        for sock in ready:
            try:
                data = sock.recv(65536)
                if not data:
                    return
                other[sock].sendall(data)
            except OSError:
                return


class TlsProxy(socketserver.ThreadingTCPServer):
    """TLS (client certificate required) on a loopback port, plain TCP to ``upstream``."""

    daemon_threads = True
    block_on_close = True  # server_close joins the connection threads

    def __init__(self, upstream: tuple[str, int], pki: Pki) -> None:
        self.upstream = upstream
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(pki.server_cert, pki.server_key)
        self.context.verify_mode = ssl.CERT_REQUIRED
        self.context.load_verify_locations(pki.ca)
        self.stopping = threading.Event()
        self.handshakes = {"accepted": 0, "refused": 0}
        self._counted = threading.Condition()
        super().__init__(("127.0.0.1", 0), _TlsHandler)
        self.thread = threading.Thread(target=self.serve_forever, args=(0.05,),
                                       name="tls-proxy", daemon=True)
        self.thread.start()

    def count(self, what: str) -> None:
        with self._counted:
            self.handshakes[what] += 1
            self._counted.notify_all()

    def counted(self, what: str, at_least: int) -> int:
        """``handshakes[what]`` once it is ``at_least`` (the client may learn of a refused
        handshake before the proxy's thread has counted it), or after 5 s."""
        with self._counted:
            self._counted.wait_for(lambda: self.handshakes[what] >= at_least, timeout=5)
            return self.handshakes[what]

    def endpoint(self, path: str) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}{path}"

    def close(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def tls_proxy(target: ReferenceTarget, pki: Pki) -> Iterator[tuple[TlsProxy, str]]:
    """The TLS proxy in front of ``target`` and the https endpoint through it."""
    parts = urlsplit(target.endpoint)
    proxy = TlsProxy((parts.hostname or "127.0.0.1", parts.port or 80), pki)
    yield proxy, proxy.endpoint(parts.path)
    proxy.close()


def test_tls_client_certificate(tls_proxy: tuple[TlsProxy, str], pki: Pki) -> None:
    proxy, endpoint = tls_proxy
    _, outcomes = run_checks(ClientConfig(endpoint, client_cert=str(pki.client_cert),
                                          client_key=str(pki.client_key),
                                          verify=str(pki.ca)))
    assert_all_passed(outcomes)
    assert proxy.handshakes["accepted"] >= 1
    assert proxy.handshakes["refused"] == 0


@pytest.mark.parametrize("missing", ["client certificate", "CA bundle"])
def test_tls_without_certificate_or_ca_the_target_is_unreachable(
        tls_proxy: tuple[TlsProxy, str], pki: Pki, missing: str) -> None:
    proxy, endpoint = tls_proxy
    if missing == "client certificate":  # the proxy refuses the handshake
        config = ClientConfig(endpoint, verify=str(pki.ca), retries=0)
    else:  # the suite refuses the proxy's certificate (not signed by a known CA)
        config = ClientConfig(endpoint, client_cert=str(pki.client_cert),
                              client_key=str(pki.client_key), retries=0)
    error = prepare_fails(config)
    message = str(error)
    assert error.exit_code == 3
    assert message.startswith(f"{endpoint}: login: ")
    assert "\n" not in message
    if missing == "client certificate":
        # The client hears of it as an alert (CERTIFICATE_REQUIRED), an EOF in the
        # handshake or a reset, depending on timing.
        assert "client certificate" in message or "reset the connection" in message, message
        assert proxy.counted("refused", 1) == 1
    else:
        assert "certificate is not trusted" in message, message
    assert proxy.handshakes["accepted"] == 0


def test_cli_tls_options(tls_proxy: tuple[TlsProxy, str], pki: Pki, tmp_path: Path) -> None:
    proxy, endpoint = tls_proxy
    done, report_dir = cli_run(endpoint, tmp_path, "--client-cert", str(pki.client_cert),
                               "--client-key", str(pki.client_key),
                               "--ca-bundle", str(pki.ca))
    assert_cli_conformant(done, report_dir)
    assert proxy.handshakes["accepted"] >= 1 and proxy.handshakes["refused"] == 0


# 4. Rate limit -----------------------------------------------------------------------------
class RecordingTime:
    """Stands in for the client module's ``time``: each sleep is recorded, then slept."""

    monotonic = staticmethod(time.monotonic)
    perf_counter = staticmethod(time.perf_counter)

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        time.sleep(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> RecordingTime:
    recording = RecordingTime()
    monkeypatch.setattr(client_module, "time", recording)
    return recording


@pytest.fixture
def make_client(contract: Contract) -> Iterator[Callable[[ClientConfig], TargetClient]]:
    """``make_client(config)``: a TargetClient whose HTTP posts are timestamped (the
    client's ``sends``) and whose session is closed at the end."""
    made: list[TargetClient] = []

    def make(config: ClientConfig) -> TargetClient:
        client = TargetClient(contract, config, Recorder())
        sends: list[float] = []
        real_send = client.session.send

        def send(*args: Any, **kwargs: Any) -> Any:
            sends.append(time.monotonic())
            return real_send(*args, **kwargs)

        client.session.send = send  # type: ignore[method-assign]
        client.sends = sends  # type: ignore[attr-defined]
        made.append(client)
        return client

    yield make
    for client in made:
        client.session.close()


CALLS = 11


def test_rate_limit_spaces_the_requests(target: ReferenceTarget, clock: RecordingTime,
                                        make_client: Callable[[ClientConfig], TargetClient]
                                        ) -> None:
    rate = 20.0
    client = make_client(ClientConfig(target.endpoint, rate_limit=rate))
    started = time.monotonic()
    for _ in range(CALLS):
        assert client.call("login", **EGON).ok
    took = time.monotonic() - started
    assert took >= (CALLS - 1) / rate  # a lower bound: the first call does not wait
    sends: list[float] = client.sends  # type: ignore[attr-defined]
    assert len(sends) == client.recorder.total == CALLS
    assert [e.status for e in client.recorder.current] == [200] * CALLS
    # Sent 1/rate s apart (10 ms allowed between the throttle's clock and the send).
    gaps = [b - a for a, b in zip(sends, sends[1:], strict=False)]
    assert min(gaps) >= 1 / rate - 0.01, gaps
    assert sends[-1] - sends[0] >= (CALLS - 1) / rate - 0.01
    assert clock.sleeps and all(0 < s <= 1 / rate for s in clock.sleeps)
    # The throttle's wait is not the target's time: no exchange's elapsed time includes it.
    elapsed = sum(e.elapsed_ms for e in client.recorder.current) / 1e3
    assert elapsed + sum(clock.sleeps) <= took + 1e-3


def test_no_rate_limit_imposes_no_wait(target: ReferenceTarget, clock: RecordingTime,
                                       make_client: Callable[[ClientConfig], TargetClient]
                                       ) -> None:
    client = make_client(ClientConfig(target.endpoint, rate_limit=0))
    for _ in range(CALLS):
        assert client.call("login", **EGON).ok
    assert client.recorder.total == len(client.sends) == CALLS  # type: ignore[attr-defined]
    assert clock.sleeps == []


# 5. Retries and the request timeout --------------------------------------------------------
@pytest.mark.parametrize("retries", [0, 2])
def test_refused_connection_is_retried(clock: RecordingTime, retries: int,
                                       make_client: Callable[[ClientConfig], TargetClient]
                                       ) -> None:
    # A bound socket that does not listen: every connect is refused, and the port is ours.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{closed.getsockname()[1]}/service/ticket"
        client = make_client(ClientConfig(endpoint, retries=retries, timeout=5))
        started = time.monotonic()
        with pytest.raises(TargetError, match="login: connection refused by the target"):
            client.call("login", **EGON)
        took = time.monotonic() - started
    backoff = [0.2 * (n + 1) for n in range(retries)]
    assert len(client.sends) == retries + 1  # type: ignore[attr-defined]
    assert clock.sleeps == pytest.approx(backoff)
    assert took >= sum(backoff)
    assert client.recorder.total == 1  # one call, one recorded exchange with the reason
    assert client.recorder.current[0].error == "connection refused by the target"
    assert client.recorder.current[0].status is None


def test_timed_out_call_is_not_sent_again(clock: RecordingTime,
                                          make_client: Callable[[ClientConfig], TargetClient]
                                          ) -> None:
    # A listener nobody accepts on: the kernel completes each connection (so it can be
    # counted afterwards) and no answer ever comes.
    with socket.create_server(("127.0.0.1", 0), backlog=8) as silent:
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}/service/ticket"
        client = make_client(ClientConfig(endpoint, timeout=0.5, retries=2))
        started = time.monotonic()
        with pytest.raises(TargetError, match="addMessage: the target did not answer "
                                              "within 0.5 s"):
            client.call("addMessage", "subject", sessionKey="0" * 32, messageBody="once",
                        ticketId="1602", sLevel="1", attachmentIds={},
                        sendNotification=False)
        assert time.monotonic() - started >= 0.5
        client.session.close()
        silent.setblocking(False)
        requests_seen = []
        while True:
            try:
                conn, _ = silent.accept()
            except BlockingIOError:
                break
            with conn:
                conn.settimeout(2)
                requests_seen.append(conn.recv(65536))
    assert len(requests_seen) == 1, requests_seen
    assert requests_seen[0].startswith(b"POST /service/ticket ")
    assert b"addMessage" in requests_seen[0]
    assert len(client.sends) == 1  # type: ignore[attr-defined]
    assert clock.sleeps == []
    assert client.recorder.total == 1
    assert client.recorder.current[0].error == "the target did not answer within 0.5 s"
