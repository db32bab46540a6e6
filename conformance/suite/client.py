"""The suite's client for a target: zeep builds and sends each call, every exchange is
recorded byte for byte, and every response is parsed with the hardened parser, validated
and decoded against the contract (xmlschema) in one pass.

Deliberately broken requests go through :meth:`TargetClient.post_raw` over the same HTTP
session (same headers, auth, TLS, timeout, rate limit). Transport-level misbehaviour of the
target (timeout, reset, refused connection, non-SOAP or oversized answers) raises
:class:`TargetError`, which the run reports as a check ``error`` with the reason.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import requests
import zeep
from lxml import etree
from zeep.transports import Transport

from conformance import soap
from conformance.contract import BodyInvalid, Contract, Operation
from conformance.suite import transport
from conformance.suite.evidence import mail_fact, redact_headers
from conformance.suite.guard import DEFAULT_MAX_FAILURES, DEFAULT_MAX_TIME, Stopped, TransportGuard
from conformance.suite.ratelimit import RateLimited, RetryBudget

MAX_RESPONSE_BYTES = transport.MAX_RESPONSE_BYTES  # the cap lives with the transport rules
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PREPARED_KEPT = 64  # (address, headers) request templates kept per client; beyond, anew


class TargetError(Exception):
    """The target could not be talked to (or did not answer SOAP): a check ``error``."""


class LoginRefused(TargetError):
    """The target refuses the credentials given (a configuration error of the run)."""


@dataclass
class ClientConfig:
    endpoint: str
    timeout: float = 30.0
    retries: int = 2
    rate_limit: float = 0.0  # requests per second; 0 = unlimited
    headers: dict[str, str] = field(default_factory=dict)
    basic_auth: tuple[str, str] | None = None
    client_cert: str | None = None
    client_key: str | None = None
    verify: bool | str = True
    retry_budget: RetryBudget | None = None  # --rate-limit auto: honour 429 + Retry-After
    follow_redirects: str = transport.NO_REDIRECTS  # or transport.SAME_ORIGIN
    max_response_bytes: int = MAX_RESPONSE_BYTES
    max_failures: int = DEFAULT_MAX_FAILURES  # consecutive transport failures (guard.py)
    max_time: float = DEFAULT_MAX_TIME  # run-wide budget in seconds; 0 = none


@dataclass
class Exchange:
    """One HTTP exchange, as sent and received."""

    operation: str
    role: str
    request: bytes
    response: bytes = b""
    status: int | None = None
    elapsed_ms: float = 0.0
    error: str | None = None
    request_invalid: str | None = None
    response_invalid: str | None = None
    # HTTP evidence (secret header values already redacted; see suite/evidence.py)
    method: str = "POST"
    url: str = ""
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """A decoded answer: ``data`` of the response element, or the ``fault``."""

    operation: str
    exchange: Exchange
    data: dict[str, Any] = field(default_factory=dict)
    fault: soap.Fault | None = None

    @property
    def error_code(self) -> str | None:
        code = self.data.get("errorCode")
        return None if code is None else str(code)

    @property
    def ok(self) -> bool:
        return self.fault is None and self.error_code == "0"


class Recorder:
    """Keeps the exchanges of the current example and every call's timing for the run."""

    def __init__(self) -> None:
        self.current: list[Exchange] = []
        self.timings: dict[str, list[float]] = {}
        self.invalid_requests: list[Exchange] = []
        self.invalid_responses: list[Exchange] = []
        self.mail: list[dict[str, Any]] = []  # mail facts of the current example
        self.total = 0
        self._lock = threading.Lock()
        self._writes = 0  # calls that may have changed any ticket
        self._ticket_writes: dict[str, int] = {}  # calls that named one ticket

    def begin(self) -> None:
        self.current = []
        self.mail = []

    def note_mail(self, envelope_to: list[str], message: Any) -> None:
        """Keep a received mail (recipients and identifying headers) as evidence of the
        current example."""
        with self._lock:
            self.mail.append(mail_fact(envelope_to, message))

    # The port's reads, and the writes that name no existing ticket (reference: the
    # operations table): neither can change a ticket. Every other call, raw ones included,
    # may change the ticket it names, or any ticket when it names none.
    UNCHANGING = frozenset({"getTicket", "getMessage", "getAttachment", "getReplyTemplate",
                            "getUserNotifications", "login", "logout", "addAttachment",
                            "allocUserNotifications", "newTicket"})

    def note_call(self, operation: str, ticket_id: Any = None) -> None:
        """Count a call that may have changed ``ticket_id`` (None: any ticket)."""
        if operation in self.UNCHANGING:
            return
        with self._lock:
            if isinstance(ticket_id, str):
                self._ticket_writes[ticket_id] = self._ticket_writes.get(ticket_id, 0) + 1
            else:
                self._writes += 1

    def ticket_version(self, ticket_id: str) -> tuple[int, int]:
        """Changes when a call may have changed ``ticket_id``'s state."""
        return self._writes, self._ticket_writes.get(ticket_id, 0)

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.current.append(exchange)
            self.total += 1
            self.timings.setdefault(exchange.operation, []).append(exchange.elapsed_ms)
            if exchange.request_invalid:
                self.invalid_requests.append(exchange)
            if exchange.response_invalid:
                self.invalid_responses.append(exchange)


class _Transport(Transport):
    """zeep transport that rate-limits, retries failed connects, caps and records."""

    def __init__(self, owner: TargetClient, session: requests.Session, timeout: float) -> None:
        super().__init__(session=session, timeout=timeout, operation_timeout=timeout)
        self.owner = owner

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> Any:
        return self.owner.http_post(address, message, headers)


class TargetClient:
    """Calls the operations of one target endpoint through zeep, recording everything."""

    def __init__(self, contract: Contract, config: ClientConfig, recorder: Recorder) -> None:
        self.contract = contract
        self.config = config
        self.recorder = recorder
        self.session = http_session(config)
        self.guard = TransportGuard(config.max_failures, config.max_time)
        self._last_post = 0.0
        self._rate_lock = threading.Lock()
        self.transport = _Transport(self, self.session, config.timeout)
        client = zeep.Client(
            contract.source, transport=self.transport,
            settings=zeep.Settings(raw_response=True, strict=True, forbid_dtd=True))
        self.service = client.create_service(contract.binding_qname, config.endpoint)
        self._local = threading.local()
        self._prepared: dict[tuple[str, tuple[tuple[str, str], ...]],
                             tuple[requests.PreparedRequest, dict[str, Any]]] = {}

    # calls -------------------------------------------------------------------------------
    @property
    def last_exchange(self) -> Exchange | None:
        """The exchange of this thread's last call (also when it raised TargetError)."""
        return getattr(self._local, "exchange", None)

    def call(self, operation: str, role: str = "observe", **params: Any) -> Reply:
        """Call ``operation`` with keyword parameters; returns the decoded reply."""
        try:
            return self._call(operation, role, **params)
        finally:
            self.recorder.note_call(operation, params.get("ticketId"))

    def _call(self, operation: str, role: str, **params: Any) -> Reply:
        op = self.contract.operation(operation)
        self._local.role = role
        self._local.operation = operation
        self._local.exchange = None
        try:
            getattr(self.service, operation)(**self.contract.spelled_input(op, params))
        except (TargetError, BodyInvalid):
            raise
        except (TypeError, ValueError, zeep.exceptions.Error) as exc:
            raise TargetError(f"cannot build {operation} request: {exc}") from None
        exchange: Exchange = self._local.exchange
        exchange.operation = operation
        exchange.request_invalid = self._request_problem(op, exchange.request)
        try:
            return self._interpret(op, exchange)
        finally:
            self.recorder.add(exchange)

    def post_raw(self, body: bytes, soap_action: str | None, operation: str = "raw",
                 role: str = "subject") -> Exchange:
        """Send bytes as they are (for broken requests); the exchange is recorded."""
        headers = {"Content-Type": soap.CONTENT_TYPE}
        if soap_action is not None:
            headers["SOAPAction"] = f'"{soap_action}"'
        self._local.role = role
        self._local.operation = operation
        self._local.exchange = None
        try:
            self.http_post(self.config.endpoint, body, headers)
        finally:
            self.recorder.note_call(operation)  # a raw body may name any ticket
        exchange: Exchange = self._local.exchange
        exchange.operation = operation
        self.recorder.add(exchange)
        return exchange

    def interpret(self, operation: str, exchange: Exchange) -> Reply:
        """Decode a raw exchange's response as ``operation``'s answer."""
        return self._interpret(self.contract.operation(operation), exchange)

    # HTTP --------------------------------------------------------------------------------
    def http_post(self, address: str, message: bytes, headers: dict[str, str]) -> Any:
        exchange = Exchange(operation=getattr(self._local, "operation", "?"),
                            role=getattr(self._local, "role", "observe"), request=message)
        self._local.exchange = exchange
        merged = {**self.config.headers, **headers}
        exchange.url = address
        exchange.request_headers = redact_headers(
            {**self.session.headers, **merged}, self.config.headers)
        attempts = max(1, self.config.retries + 1)
        try:
            self.guard.before(exchange.operation)
        except Stopped as exc:
            raise TargetError(f"{exchange.operation}: {exc}") from None
        answered = False
        for attempt in range(attempts):
            self._throttle()
            started = time.perf_counter()
            try:
                response = self._send(address, message, merged, exchange)
                self._record_headers(exchange, response)
                exchange.status = response.status_code
                exchange.response = transport.read_capped(response,
                                                          self.config.max_response_bytes)
                exchange.elapsed_ms = (time.perf_counter() - started) * 1e3
                response._content = exchange.response
                self.guard.succeeded(exchange.operation)
                return response
            except requests.exceptions.ConnectionError as exc:
                retryable = isinstance(exc, requests.exceptions.ConnectTimeout) or (
                    "NewConnectionError" in repr(exc) or "refused" in str(exc).lower())
                exchange.error = transport.reason(exc, self.config.timeout)
                if not retryable or attempt == attempts - 1:
                    break
                time.sleep(0.2 * (attempt + 1))
            except (requests.exceptions.RequestException, transport.RedirectRefused,
                    transport.TooLarge) as exc:
                exchange.error = transport.reason(exc, self.config.timeout)
                answered = isinstance(exc, transport.RedirectRefused | transport.TooLarge)
                break
        exchange.elapsed_ms = (time.perf_counter() - started) * 1e3
        if not answered:  # a timeout, reset or cut-off answer (a redirect is an answer)
            self.guard.failed(exchange.operation, exchange.error or "no answer")
        self.recorder.add(exchange)
        raise TargetError(f"{exchange.operation}: {exchange.error}")

    def _record_headers(self, exchange: Exchange, response: requests.Response) -> None:
        """The headers as really sent (auth included) and received, secrets redacted."""
        exchange.method = str(response.request.method or "POST")
        exchange.url = str(response.request.url or exchange.url)
        exchange.request_headers = redact_headers(response.request.headers,
                                                  self.config.headers)
        exchange.response_headers = redact_headers(response.headers, self.config.headers)

    def _send(self, address: str, message: bytes, headers: dict[str, str],
              exchange: Exchange) -> Any:
        """One POST; with ``--rate-limit auto``, repeated while the target answers 429."""
        def send() -> Any:
            return self._post_same_origin(address, message, headers, exchange)

        if self.config.retry_budget is None:
            return send()
        try:
            return self.config.retry_budget.post(send)
        except RateLimited as exc:
            raise requests.exceptions.RetryError(str(exc)) from None

    def _post_same_origin(self, address: str, message: bytes, headers: dict[str, str],
                          exchange: Exchange) -> requests.Response:
        """POST without letting requests follow redirects (it would re-send the body, basic
        auth, headers and client certificate to wherever the Location points); a redirect
        is followed only as ``transport.next_hop`` allows (same origin, opted in)."""
        hops = 0
        while True:
            response = self._post_once(address, message, headers)
            if not response.is_redirect:
                return response
            exchange.status = response.status_code
            response.close()
            address = transport.next_hop(response, address, self.config.follow_redirects,
                                         "POST", hops)
            hops += 1

    def _post_once(self, address: str, message: bytes, headers: dict[str, str]
                   ) -> requests.Response:
        """One POST through requests' prepared-request API. What does not change between
        calls to one address with the same headers (the session's headers and auth merged
        in, the environment's proxy and CA settings) is prepared on the first call and
        copied after (requests' per-call prepare_request was 1.13 s of a quick run under
        cProfile, benchmarks/profile_run.py). A session holding cookies (a target that
        sets them) takes requests' full path, so each call carries the jar as it is then."""
        if self.session.cookies:
            return self.session.post(address, data=message, headers=headers,
                                     timeout=self.config.timeout, stream=True,
                                     allow_redirects=False)
        key = (address, tuple(headers.items()))
        prepared = self._prepared.get(key)
        if prepared is None:
            if len(self._prepared) >= PREPARED_KEPT:
                self._prepared.clear()
            template = self.session.prepare_request(
                requests.Request("POST", address, headers=headers, data=b""))
            settings = self.session.merge_environment_settings(address, {}, True, None, None)
            prepared = self._prepared[key] = (template, settings)
        template, settings = prepared
        request = template.copy()
        request.prepare_body(message, None)
        return self.session.send(request, timeout=self.config.timeout,
                                 allow_redirects=False, **settings)

    def share_limits(self, other: TargetClient) -> None:
        """Count against ``other``'s limits (--workers): one --rate-limit, one transport
        guard (consecutive failures, --max-time) for every client of the run."""
        self.guard = other.guard
        self._throttle = other._throttle  # type: ignore[method-assign]

    def _throttle(self) -> None:
        if self.config.rate_limit <= 0:
            return
        with self._rate_lock:
            wait = self._last_post + 1.0 / self.config.rate_limit - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_post = time.monotonic()

    # validation and decoding -------------------------------------------------------------
    def _request_problem(self, op: Operation, request: bytes) -> str | None:
        try:
            child = soap.parse_envelope(request)
        except soap.SoapError as exc:
            return exc.reason
        if isinstance(child, soap.Fault):
            return "the request is a Fault"
        return self.contract.is_valid(op.input_element, child)

    def _interpret(self, op: Operation, exchange: Exchange) -> Reply:
        try:
            child = soap.parse_envelope(exchange.response)
        except soap.SoapError as exc:
            exchange.response_invalid = exc.reason
            raise TargetError(f"{op.name}: the target answered HTTP {exchange.status} with "
                              f"no usable SOAP envelope ({exc.reason})") from None
        if isinstance(child, soap.Fault):
            return Reply(op.name, exchange, fault=child)
        if child.tag != op.output_qname:
            exchange.response_invalid = (f"expected {op.output_qname}, "
                                         f"got {etree.QName(child).text}")
            raise ResponseInvalid(f"{op.name}: {exchange.response_invalid}")
        try:
            data = self.contract.decode_output(op, child)
        except BodyInvalid as exc:
            exchange.response_invalid = exc.reason
            raise ResponseInvalid(f"{op.name}: the response does not validate against "
                                  f"the contract: {exc.reason}") from None
        return Reply(op.name, exchange, data=data)


class ResponseInvalid(TargetError):
    """The target answered SOAP that does not validate against the contract."""


class _NoRedirects(requests.Session):
    """A session on which no call ever follows a redirect by itself (whatever its
    ``allow_redirects``): following one is the caller's decision (``transport.next_hop``)."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def http_session(config: ClientConfig) -> requests.Session:
    session = _NoRedirects()
    session.headers.update(config.headers)
    if config.basic_auth:
        session.auth = config.basic_auth
    if config.client_cert:
        session.cert = ((config.client_cert, config.client_key) if config.client_key
                        else config.client_cert)
    session.verify = config.verify
    # Proxies never apply to loopback, and requests' per-request look-up of the proxy
    # environment costs more than the rest of a call (measured: 3.6 ms -> 1.9 ms per call).
    if urlparse(config.endpoint).hostname in LOOPBACK:
        session.trust_env = False
    return session
