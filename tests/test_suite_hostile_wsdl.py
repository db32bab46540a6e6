"""Bounded WSDL downloads (issue 11, point 6): the WSDL a target serves is read with the
same size cap as its responses (``--max-response-bytes``), and an oversized, entity-laden
or unparsable one fails AM-WSDL with the reason (a missing one is still a skip).

The target is the real reference target, its WSGI application wrapped so that ``?wsdl``
answers the hostile document; every SOAP call goes to the reference application itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from waitress.server import create_server

from conformance.contract import CANONICAL_WSDL
from conformance.reference import ReferenceTarget
from conformance.reference.server import stop_serving
from conformance.suite import runner
from conformance.suite.catalogue import select
from conformance.suite.client import ClientConfig
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.outcome import FAILED, SKIPPED, run_check

CAP = 64 * 1024
BOMB = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>')
OVERSIZED = CANONICAL_WSDL.read_bytes().replace(b"</wsdl:definitions>",
                                               b"<!--" + b"x" * CAP + b"--></wsdl:definitions>")


@pytest.fixture
def serving(target: ReferenceTarget) -> Iterator[Callable[[bytes | None], str]]:
    """``serving(document)``: an endpoint whose ``?wsdl`` is ``document`` (None: 404)."""
    servers: list[tuple[Any, threading.Thread]] = []

    def make(document: bytes | None) -> str:
        def app(environ: dict[str, Any], start_response: Callable[..., Any]
                ) -> Iterable[bytes]:
            if environ["REQUEST_METHOD"] == "GET" and "wsdl" in environ.get(
                    "QUERY_STRING", ""):
                status = "200 OK" if document is not None else "404 Not Found"
                start_response(status, [("Content-Type", "text/xml")])
                return [document or b""]
            return target.app(environ, start_response)

        server = create_server(app, host="127.0.0.1", port=0, threads=2)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.effective_port}/service/ticket"

    yield make
    for server, thread in servers:
        stop_serving(server, thread)


def am_wsdl(endpoint: str) -> Any:
    config = SuiteConfig(
        endpoint=endpoint, wsdl=str(CANONICAL_WSDL), user="egon", password="norges bank",
        owner_user="kari", owner_password="nordmann", owner_id="11",
        profile=PROFILES["quick"], seed=1,
        client=ClientConfig(endpoint, timeout=5, retries=0, max_response_bytes=CAP))
    state = runner.prepare(config)
    return run_check(state.context, select(["AM-WSDL"])[0], None, "replay")


@pytest.mark.parametrize(("document", "reason"), [
    (OVERSIZED, f"larger than the limit of {CAP} bytes (--max-response-bytes)"),
    (BOMB, "is not usable XML: DTDs are not allowed"),
    (b"<wsdl:definitions xmlns:wsdl='http://schemas.xmlsoap.org/wsdl/'>",
     "is not usable XML: malformed XML"),
], ids=["oversized", "entities", "unparsable"])
def test_a_hostile_wsdl_fails_am_wsdl(serving: Callable[[bytes | None], str],
                                      document: bytes, reason: str) -> None:
    outcome = am_wsdl(serving(document))
    assert outcome.status == FAILED, outcome
    assert outcome.failure is not None and reason in outcome.failure["message"]
    assert outcome.failure["message"].startswith("the target serves an unusable WSDL: http")


def test_no_wsdl_is_still_a_skip(serving: Callable[[bytes | None], str]) -> None:
    outcome = am_wsdl(serving(None))
    assert outcome.status == SKIPPED and "HTTP 404" in (outcome.reason or "")
