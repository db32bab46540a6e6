"""Speed of the reference target against the floor of its stack, side by side in one run.

1. addMessage calls/s over ONE keep-alive connection (``http.client``) against
   - the reference target (waitress + the SOAP app + SQLite),
   - the same target with the contract's fast path switched off (xmlschema validates,
     decodes and encodes every body, as before issue 12),
   - the floor: a minimal waitress + lxml WSGI app that parses the request and returns a
     fixed addMessageResponse;
   each server runs in a process of its own, so the client does not share its interpreter
   lock; rounds alternate between the servers, and the median of the rounds is printed
   with the ratio to the floor.
2. where a call's time goes: the time each server spends in its WSGI application (timed
   inside the server, around the application) and the rest (HTTP, waitress, the hand-off
   between its threads, the client), per call; and the reference application's time per
   call when called in a loop in one process, with no HTTP (its caches warm);
3. getTicket time (median of repeated calls) on tickets holding 10, 1000 and 5000 messages,
   per call and per message, with and without the fast path.

Run from the repository root: ``.venv/bin/python benchmarks/target.py [--calls N]
[--rounds N] [--sizes 10,1000,5000]``. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import statistics
import time
from typing import Any

from lxml import etree

from conformance import soap
from conformance.contract import load_contract

PATH = "/service/ticket"
FIXED = soap.serialize(etree.fromstring(
    b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    b'<addMessageResponse xmlns="urn:superoffice:service:ticket"><errorCode>0</errorCode>'
    b"<messageId>1</messageId></addMessageResponse></soap:Body></soap:Envelope>"))


def floor_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The floor: read the body, parse it with lxml, answer a fixed response."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    soap.parse_envelope(environ["wsgi.input"].read(length))
    start_response("200 OK", [("Content-Type", soap.CONTENT_TYPE),
                              ("Content-Length", str(len(FIXED)))])
    return [FIXED]


def timed(app: Any, spent: Any) -> Any:
    """``app``, adding the seconds each call spends in it and the calls to ``spent``."""
    def call(environ: dict[str, Any], start_response: Any) -> Any:
        started = time.perf_counter()
        try:
            return app(environ, start_response)
        finally:
            with spent.get_lock():
                spent[0] += time.perf_counter() - started
                spent[1] += 1
    return call


def serve(kind: str, ports: Any, spent: Any) -> None:
    """Child process: serve ``kind`` on a free port and report the port; the time spent in
    the application is added to ``spent``."""
    from waitress.server import create_server

    from conformance.reference import ReferenceTarget, TargetConfig
    from conformance.suite.runner import quiet_target_logs

    if kind == "floor":
        # Any: the stubs lack effective_port (as in reference/server.py)
        server: Any = create_server(timed(floor_app, spent), host="127.0.0.1", port=0,
                                    threads=8)
        ports.put(server.effective_port)
        server.run()
        return
    quiet_target_logs()
    contract = load_contract()
    if kind == "xmlschema":
        contract.__dict__["_plans"] = {}  # the cached fast path, switched off
        contract.__dict__["_validator"] = None
    target = ReferenceTarget(TargetConfig(), contract)
    target.server.application = timed(target.server.application, spent)
    ports.put(target.server.effective_port)
    target.serve_forever()


class Connection:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.contract = load_contract()

    def call(self, operation: str, **params: Any) -> bytes:
        op = self.contract.operation(operation)
        body = soap.envelope_bytes(self.contract.encode_input(op, params))
        return self.post(op.soap_action, body)

    def post(self, action: str, body: bytes) -> bytes:
        self.conn.request("POST", PATH, body=body, headers={
            "Content-Type": soap.CONTENT_TYPE, "SOAPAction": f'"{action}"'})
        return self.conn.getresponse().read()

    def value(self, operation: str, name: str, **params: Any) -> str:
        child = soap.parse_envelope(self.call(operation, **params))
        assert not isinstance(child, soap.Fault), child
        return child.findtext(f"{{{self.contract.namespace}}}{name}") or ""


class Direct(Connection):
    """Calls to a WSGI application in this process, with no HTTP."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.contract = load_contract()

    def post(self, action: str, body: bytes) -> bytes:
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": PATH, "SERVER_NAME": "127.0.0.1",
                   "SERVER_PORT": "80", "CONTENT_LENGTH": str(len(body)),
                   "HTTP_SOAPACTION": f'"{action}"', "wsgi.input": io.BytesIO(body)}
        return b"".join(self.app(environ, lambda status, headers: None))


def add_message_body(conn: Connection, key: str, ticket: str) -> tuple[str, bytes]:
    op = conn.contract.operation("addMessage")
    body = soap.envelope_bytes(conn.contract.encode_input(op, {
        "sessionKey": key, "messageBody": "hello\r\nworld", "ticketId": ticket, "sLevel": "1",
        "attachmentIds": {}, "sendNotification": False}))
    return op.soap_action, body


def session(conn: Connection) -> tuple[str, str]:
    key = conn.value("login", "sessionKey", userName="egon", password="norges bank")
    ticket = conn.value("newTicket", "ticketId", sessionKey=key, title="bench", sLevel="2",
                        categoryId="1", priorityId="-1", owner="11", customers={},
                        extraFields={}, sendNotification=False)
    return key, ticket


def in_process_ms(calls: int) -> float:
    """The reference application's time per addMessage call in a loop in this process (a
    WSGI call each, no HTTP), best of three loops."""
    from conformance.reference import ReferenceTarget, TargetConfig
    from conformance.suite.runner import quiet_target_logs

    quiet_target_logs()
    target = ReferenceTarget(TargetConfig(), load_contract())
    try:
        conn = Direct(target.app)
        action, body = add_message_body(conn, *session(conn))
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            for _ in range(calls):
                conn.post(action, body)
            best = min(best, (time.perf_counter() - started) / calls)
        return best * 1e3
    finally:
        target.close()


def calls_per_s(conn: Connection, action: str, body: bytes, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        conn.post(action, body)
    return calls / (time.perf_counter() - started)


def get_ticket_ms(conn: Connection, key: str, ticket: str, repeat: int) -> float:
    op = conn.contract.operation("getTicket")
    body = soap.envelope_bytes(conn.contract.encode_input(op, {
        "sessionKey": key, "ticketId": ticket, "ticketFields": {}}))
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        conn.post(op.soap_action, body)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000, help="addMessage calls a round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="10,1000,5000")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    kinds = ("reference", "xmlschema", "floor")
    ports, children = context.Queue(), []
    conns: dict[str, Connection] = {}
    spent = {kind: context.Array("d", 2) for kind in kinds}  # seconds in the app, calls
    for kind in kinds:
        child = context.Process(target=serve, args=(kind, ports, spent[kind]), daemon=True)
        child.start()
        children.append(child)
        conns[kind] = Connection(ports.get(timeout=60))
    try:
        sessions = {k: session(conns[k]) for k in kinds if k != "floor"}
        bodies = {k: add_message_body(conns[k], *sessions.get(k, ("k", "1"))) for k in kinds}
        for kind in kinds:  # warm-up
            calls_per_s(conns[kind], *bodies[kind], 50)
        rates: dict[str, list[float]] = {k: [] for k in kinds}
        in_app: dict[str, list[float]] = {k: [] for k in kinds}  # ms a call, each round
        for _ in range(args.rounds):
            for kind in kinds:
                seconds, calls = spent[kind][:]
                rates[kind].append(calls_per_s(conns[kind], *bodies[kind], args.calls))
                in_app[kind].append(
                    (spent[kind][0] - seconds) / (spent[kind][1] - calls) * 1e3)
        median = {k: statistics.median(v) for k, v in rates.items()}
        print(f"addMessage over one keep-alive connection, {args.rounds} rounds of "
              f"{args.calls} calls (median calls/s, min-max):")
        for kind in kinds:
            print(f"  {kind:10} {median[kind]:7.0f}  ({min(rates[kind]):.0f}-"
                  f"{max(rates[kind]):.0f})  {median[kind] / median['floor']:.2f} of the floor")
        print("where a call's time goes (median ms a call): in the application, timed in "
              "the server | the rest (HTTP, waitress, threads, client):")
        app_ms = {k: statistics.median(v) for k, v in in_app.items()}
        for kind in kinds:
            print(f"  {kind:10} {1e3 / median[kind]:.3f} = {app_ms[kind]:.3f} | "
                  f"{1e3 / median[kind] - app_ms[kind]:.3f}")
        alone = in_process_ms(args.calls)
        print(f"  the reference application alone, in a loop in one process: {alone:.3f} ms "
              f"a call ({app_ms['reference'] / alone:.2f}x of that inside the server)")
        print("getTicket (all fields, median ms of 20 calls; ms per 1000 messages):")
        grow: dict[str, dict[int, float]] = {}
        for kind in ("reference", "xmlschema"):
            key, _ticket = sessions[kind]
            grow[kind] = {}
            for size in [int(s) for s in args.sizes.split(",")]:
                ticket = conns[kind].value(
                    "newTicket", "ticketId", sessionKey=key, title=f"n{size}", sLevel="2",
                    categoryId="1", priorityId="-1", owner="11", customers={},
                    extraFields={}, sendNotification=False)
                action, body = add_message_body(conns[kind], key, ticket)
                for _ in range(size):
                    conns[kind].post(action, body)
                grow[kind][size] = get_ticket_ms(conns[kind], key, ticket, 20)
            print(f"  {kind:10} " + "  ".join(
                f"{size}: {ms:.1f} ms" for size, ms in grow[kind].items()))
        ref, slow, floor = median["reference"], median["xmlschema"], median["floor"]
        largest = max(grow["reference"])
        print(f"reference_calls_per_s={ref:.0f} xmlschema_calls_per_s={slow:.0f} "
              f"floor_calls_per_s={floor:.0f} ratio_to_floor={ref / floor:.2f} "
              f"speedup={ref / slow:.2f} getticket_{largest}_ms={grow['reference'][largest]:.1f}"
              f" xmlschema_getticket_{largest}_ms={grow['xmlschema'][largest]:.1f}"
              f" reference_app_ms={app_ms['reference']:.3f} floor_app_ms={app_ms['floor']:.3f}"
              f" reference_app_alone_ms={alone:.3f}")
    finally:
        for child in children:
            child.terminate()
            child.join(timeout=5)


if __name__ == "__main__":
    main()
