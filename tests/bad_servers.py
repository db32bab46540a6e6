"""Misbehaving HTTP servers on loopback for the tests of bounded time and transport errors:
a raw TCP proxy in front of a real reference target that, for chosen operations (the end of
the SOAPAction; ``*`` for every request), never answers (``hang``), resets the connection
(``reset``: SO_LINGER 0, an RST instead of a FIN) or cuts its answer short (``truncate``:
a Content-Length of twice the bytes it sends). Everything else is forwarded."""

from __future__ import annotations

import http.client
import socket
import socketserver
import struct
import threading
from urllib.parse import urlsplit

HANG, RESET, TRUNCATE = "hang", "reset", "truncate"


def _read_request(sock: socket.socket, pending: bytes
                  ) -> tuple[tuple[str, dict[str, str], bytes] | None, bytes]:
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


class _Handler(socketserver.BaseRequestHandler):
    server: BadProxy

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(30)
        pending = b""
        conn: http.client.HTTPConnection | None = None
        try:
            while True:
                request, pending = _read_request(sock, pending)
                if request is None:
                    return
                line, headers, body = request
                operation = headers.get("soapaction", "").strip('"').rpartition("#")[2]
                behaviour = self.server.behaviour.get(operation) or self.server.behaviour.get(
                    "*")
                if behaviour is not None:
                    self.server.hits[behaviour] = self.server.hits.get(behaviour, 0) + 1
                if behaviour == HANG:
                    self.server.released.wait(30)
                    return
                if behaviour == RESET:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    sock.close()
                    return
                if behaviour == TRUNCATE:
                    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                                 b"Content-Length: 302\r\n\r\n" + b"<" * 151)
                    return
                if conn is None:
                    upstream = urlsplit(self.server.upstream)
                    conn = http.client.HTTPConnection(upstream.hostname or "", upstream.port,
                                                      timeout=10)
                method, path, _ = line.split(" ", 2)
                conn.request(method, path, body=body, headers={
                    k: v for k, v in headers.items()
                    if k in ("content-type", "soapaction", "host")})
                response = conn.getresponse()
                data = response.read()
                sock.sendall(f"HTTP/1.1 {response.status} {response.reason}\r\nContent-Type: "
                             f"{response.getheader('Content-Type', '')}\r\nContent-Length: "
                             f"{len(data)}\r\n\r\n".encode("latin-1") + data)
        except OSError:
            return
        finally:
            if conn is not None:
                conn.close()


class BadProxy(socketserver.ThreadingTCPServer):
    """``BadProxy(upstream, {"addMessage": "hang"})``; ``hits`` counts each behaviour."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, upstream: str, behaviour: dict[str, str]) -> None:
        self.upstream, self.behaviour = upstream, behaviour
        self.hits: dict[str, int] = {}
        self.released = threading.Event()
        super().__init__(("127.0.0.1", 0), _Handler)
        path = urlsplit(upstream).path or "/service/ticket"
        self.endpoint = f"http://127.0.0.1:{self.server_address[1]}{path}"
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.released.set()
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=5)
