"""A fixed delay before every SOAP answer of the reference target (``conformance serve
--latency MS``): a stand-in for a remote target, to measure what parallel workers gain when
most of a run is waiting (benchmarks/workers.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any


class Latency:
    """WSGI middleware: POST requests are answered ``milliseconds`` later; GET (the WSDL)
    is not delayed."""

    def __init__(self, app: Callable[..., Iterable[bytes]], milliseconds: float) -> None:
        self.app = app
        self.seconds = max(0.0, milliseconds) / 1000.0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST":
            time.sleep(self.seconds)
        return self.app(environ, start_response)
