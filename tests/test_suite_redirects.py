"""No credentials to another origin (issue 11, point 2): a target that answers with a
redirect gets the redirect reported, with its status and Location, as a transport error of
the check; ``--follow-redirects same-origin`` follows only redirects to the target's own
origin; and the other address receives nothing at all: no connection, so no body, no basic
auth, no extra header, no client certificate.

The redirecting target is a WSGI proxy (waitress) in front of a real reference target; the
"other origin" is a TCP listener on another loopback port that counts every connection.
"""

from __future__ import annotations

import json
import socket
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

from conformance.contract import CANONICAL_WSDL, ContractError
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import results, runner
from conformance.suite.catalogue import select
from conformance.suite.client import ClientConfig, http_session
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.fetch import WsdlUnusable, fetch_wsdl
from conformance.suite.outcome import ERROR, PASSED, run_check
from conformance.suite.plugin import results_document
from conformance.suite.transport import SAME_ORIGIN

MOVED = "/moved"
SECRET_HEADER = ("X-Api-Key", "key-that-must-stay-home")
CREDENTIALS = ["--user", "egon", "--password", "norges bank", "--owner-user", "kari",
               "--owner-password", "nordmann", "--owner-id", "11"]


class OtherOrigin:
    """A TCP listener standing for another origin: it counts connections and bytes."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections, self.received = 0, b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def url(self, path: str = "/service/ticket") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    self.received += conn.recv(65536)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


class RedirectingProxy:
    """Forwards to ``upstream``, except that a POST whose SOAPAction ends in one of
    ``operations`` (``"*"``: every POST), or a GET ``?wsdl`` when ``wsdl`` is set, gets
    ``status`` with Location ``location``. Requests under ``/moved`` are forwarded too
    (a same-origin redirect target)."""

    def __init__(self, upstream: str, location: str, operations: Iterable[str] = (),
                 status: int = 307, wsdl: bool = False) -> None:
        self.upstream, self.location, self.status = upstream, location, status
        self.operations, self.wsdl = set(operations), wsdl
        self.redirected = self.followed = 0
        self.server: Any = create_server(self.app, host="127.0.0.1", port=0, threads=4)
        self.origin = f"http://127.0.0.1:{self.server.effective_port}"
        self.endpoint = self.origin + urlsplit(upstream).path
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]
            ) -> Iterable[bytes]:
        path, query = environ["PATH_INFO"], environ.get("QUERY_STRING", "")
        action = environ.get("HTTP_SOAPACTION", "").strip('"').rpartition("#")[2]
        method = environ["REQUEST_METHOD"]
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        moved = path.startswith(MOVED)
        redirect = not moved and ((method == "POST" and (
            action in self.operations or "*" in self.operations)) or (
            method == "GET" and self.wsdl and "wsdl" in query))
        if redirect:
            self.redirected += 1
            start_response(f"{self.status} Redirect", [("Location", self.location),
                                                       ("Content-Length", "0")])
            return [b""]
        self.followed += moved
        upstream_path = path[len(MOVED):] if moved else path
        request = urllib.request.Request(
            f"{self.upstream.rsplit(urlsplit(self.upstream).path, 1)[0]}{upstream_path}"
            + (f"?{query}" if query else ""), method=method,
            data=body if method == "POST" else None,
            headers={k: v for k, v in (("Content-Type", environ.get("CONTENT_TYPE")),
                                       ("SOAPAction", environ.get("HTTP_SOAPACTION")),
                                       ("Host", environ.get("HTTP_HOST"))) if v})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, data = response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                status, data = error.code, error.read()
        start_response(f"{status} X", [("Content-Type", "text/xml; charset=utf-8"),
                                       ("Content-Length", str(len(data)))])
        return [data]

    def close(self) -> None:
        stop_serving(self.server, self.thread)



@pytest.fixture
def other() -> Iterator[OtherOrigin]:
    listener = OtherOrigin()
    yield listener
    listener.close()


@pytest.fixture
def proxy(make_target: Callable[..., ReferenceTarget]
          ) -> Iterator[Callable[..., RedirectingProxy]]:
    made: list[RedirectingProxy] = []

    def make(location: str, **options: Any) -> RedirectingProxy:
        made.append(RedirectingProxy(make_target().endpoint, location, **options))
        return made[-1]

    yield make
    for p in made:
        p.close()


def run_status_check(endpoint: str, **client: Any) -> Any:
    config = SuiteConfig(
        endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon", password="norges bank",
        owner_user="kari", owner_password="nordmann", owner_id="11",
        profile=PROFILES["quick"], seed=1,
        client=ClientConfig(endpoint, timeout=5, retries=0, headers=dict([SECRET_HEADER]),
                            basic_auth=("proxy-user", "proxy-password"), **client))
    state = runner.prepare(config)
    [check] = select(["AM-STATUS"])
    state.outcomes.append(run_check(state.context, check, None, "replay"))
    return state, state.outcomes[0]


def test_a_redirect_is_a_check_error_and_the_other_origin_hears_nothing(
        proxy: Callable[..., RedirectingProxy], other: OtherOrigin, tmp_path: Path) -> None:
    moved = proxy(other.url(), operations=["addMessage"])
    state, outcome = run_status_check(moved.endpoint)
    assert outcome.status == ERROR, outcome
    assert "HTTP 307 redirecting to " + other.url() in outcome.reason
    assert "not followed" in outcome.reason
    assert moved.redirected == 1 and other.connections == 0 and other.received == b""
    written = results.write(results_document(state), tmp_path / "results.json",
                            state.redactor).read_text(encoding="utf-8")
    assert "HTTP 307 redirecting to " + other.url() in written


def test_same_origin_opt_in_still_sends_nothing_elsewhere(
        proxy: Callable[..., RedirectingProxy], other: OtherOrigin) -> None:
    moved = proxy(other.url(), operations=["addMessage"])
    _, outcome = run_status_check(moved.endpoint, follow_redirects=SAME_ORIGIN)
    assert outcome.status == ERROR
    assert "another origin than the target's: not followed" in outcome.reason
    assert other.connections == 0


@pytest.mark.parametrize(("policy", "status"), [(SAME_ORIGIN, PASSED), ("no", ERROR)])
def test_same_origin_redirect_is_followed_only_when_opted_in(
        proxy: Callable[..., RedirectingProxy], policy: str, status: str) -> None:
    moved = proxy("", operations=["addMessage"])
    moved.location = f"{moved.origin}{MOVED}/service/ticket"
    _, outcome = run_status_check(moved.endpoint, follow_redirects=policy)
    assert outcome.status == status, outcome.reason
    assert (moved.followed > 0) == (policy == SAME_ORIGIN)


def test_cli_with_secrets_redirected_at_login(proxy: Callable[..., RedirectingProxy],
                                              other: OtherOrigin, tmp_path: Path) -> None:
    moved = proxy(other.url(), operations=["*"])
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--endpoint", moved.endpoint,
         *CREDENTIALS, "--header", f"{SECRET_HEADER[0]}: {SECRET_HEADER[1]}",
         "--basic-auth", "proxy-user:proxy-password", "--follow-redirects", "same-origin",
         "--profile", "quick", "--check", "AM-STATUS", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 3, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert "login: the target answered HTTP 307 redirecting to " + other.url() in line
    assert other.connections == 0
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "error" and data["setup_exchanges"][0]["http_status"] == 307
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir()
                         if p.is_file())
    assert SECRET_HEADER[1] not in everything and "proxy-password" not in everything


def test_wsdl_fetch_does_not_follow_a_redirect_elsewhere(
        proxy: Callable[..., RedirectingProxy], other: OtherOrigin, tmp_path: Path) -> None:
    moved = proxy(other.url() + "?wsdl", status=302, wsdl=True)
    config = ClientConfig(moved.endpoint, follow_redirects=SAME_ORIGIN,
                          headers=dict([SECRET_HEADER]))
    with pytest.raises(ContractError, match="HTTP 302 redirecting to .*another origin"):
        fetch_wsdl(http_session(config), f"{moved.endpoint}?wsdl", tmp_path, 5, config)
    assert other.connections == 0
    moved.location = f"{moved.origin}{MOVED}/service/ticket?wsdl"  # same origin: followed
    local = fetch_wsdl(http_session(config), f"{moved.endpoint}?wsdl", tmp_path, 5, config)
    assert b"addMessage" in local.read_bytes() and moved.followed >= 1


def test_wsdl_import_from_another_origin_is_not_fetched(other: OtherOrigin,
                                                        tmp_path: Path) -> None:
    wsdl = CANONICAL_WSDL.read_bytes().replace(b'schemaLocation="ticket.xsd"',
                                               f'schemaLocation="{other.url("/x.xsd")}"'
                                               .encode())
    assert other.url("/x.xsd").encode() in wsdl

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [wsdl]

    server: Any = create_server(app, host="127.0.0.1", port=0, threads=1)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/service/ticket?wsdl"
    try:
        with pytest.raises(ContractError, match="from another origin; not fetched") as raised:
            fetch_wsdl(http_session(ClientConfig(url)), url, tmp_path, 5)
    finally:
        stop_serving(server, thread)
    assert other.connections == 0
    assert not isinstance(raised.value, WsdlUnusable)  # no finding: AM-WSDL is skipped
