"""The reference target's WSGI application: SOAP 1.1 over HTTP for the ticket port.

Requests are size-capped, parsed with the hardened parser (no DTDs), matched to an operation
by their body element and SOAPAction, validated and decoded against the contract, run by the
:class:`TicketService`, and the response is encoded and validated against the contract. Every
bad input gets a SOAP 1.1 Fault (soap:Client, HTTP 500, text/xml) and changes nothing. The
WSDL is served at ``<endpoint>?wsdl`` with its address and schema location pointing here.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from lxml import etree

from conformance import ns, soap
from conformance.contract import CANONICAL_XSD, BodyInvalid, Contract, Operation
from conformance.reference import limits
from conformance.reference.service import TicketService
from conformance.reference.variation import Variation

FAULTS: tuple[str, ...] = (
    "accept-invalid-body", "fault-http-200", "partial-on-invalid", "response-missing-errorcode",
    "response-wrong-namespace", "wsdl-missing-operation")
VARIANTS: tuple[str, ...] = ("bad-request-400", "busy-503", "request-limit-413",
                             "request-limit-fault")

log = logging.getLogger("conformance.reference")

DEFAULT_PATH = "/service/ticket"
DEFAULT_MAX_REQUEST_BYTES = 16 * 1024 * 1024
# variant request-limit-413: a front end's limit, above the suite's largest attachment
VARIANT_REQUEST_LIMIT = 1536 * 1024
# variant request-limit-fault: the service's own limit on an addMessage request
VARIANT_MESSAGE_LIMIT = 100_000
BUSY_CALL_SECONDS = 0.005  # variant busy-503: how long an addMessage call takes at least
WRONG_NAMESPACE = "urn:example:wrong-namespace"

StartResponse = Callable[..., Any]


class ClientFault(Exception):
    """A request the target refuses with a soap:Client Fault."""


class TooLarge(ClientFault):
    """A request over the front end's size limit (variants request-limit-*)."""


class ReferenceApp:
    """WSGI callable serving one ticket port at ``path``."""

    def __init__(
        self,
        service: TicketService,
        contract: Contract,
        path: str = DEFAULT_PATH,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        variation: Variation | None = None,
    ) -> None:
        self.service = service
        self.variation = variation or Variation(None, contract)  # legitimate variants
        self.contract = contract
        self.path = path
        self.max_request_bytes = max_request_bytes
        self.faults = service.faults
        self._wsdl = etree.parse(contract.source).getroot()
        # the XSD beside the WSDL (the canonical one, or a variant's own)
        self._xsd = Path(contract.source).with_name(CANONICAL_XSD.name)
        self._busy_lock = threading.Lock()  # variant busy-503
        self._in_flight = 0
        self.busy_refusals = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if environ.get("PATH_INFO", "") != self.path:
            return _plain(start_response, "404 Not Found", f"no service here; try {self.path}")
        if method == "GET":
            return self.get(environ, start_response)
        if method != "POST":
            return _plain(start_response, "405 Method Not Allowed", "use POST or GET ?wsdl")
        started = time.perf_counter()
        if "busy-503" in self.variation and "addMessage" in environ.get("HTTP_SOAPACTION", ""):
            answer = self.one_at_a_time(environ)
            if answer is None:
                return _plain(start_response, "503 Service Unavailable", "busy; retry later",
                              [("Retry-After", "1")])
        else:
            answer = self.post(environ)
        status, body, label = answer
        log.info("%s %s %.1f ms", label, status.split()[0], (time.perf_counter() - started) * 1e3)
        headers, chunks = self.variation.http(environ, body)  # HTTP-level variants
        start_response(status, headers)
        return chunks

    def one_at_a_time(self, environ: dict[str, Any]) -> tuple[str, bytes, str] | None:
        """Variant busy-503: the answer of an addMessage call, or None (503) when another
        is in progress; each takes 5 ms or more."""
        with self._busy_lock:
            if self._in_flight > 0:
                self.busy_refusals += 1
                return None
            self._in_flight += 1
        try:
            time.sleep(BUSY_CALL_SECONDS)
            return self.post(environ)
        finally:
            with self._busy_lock:
                self._in_flight -= 1

    # GET: the contract -------------------------------------------------------------------
    def get(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        endpoint = _endpoint_url(environ, self.path)
        if "wsdl" in query:
            body = self.wsdl_for(endpoint)
        elif query.get("xsd") == [CANONICAL_XSD.name]:
            body = self._xsd.read_bytes()
        else:
            return _plain(start_response, "200 OK",
                          f"ticket port of the reference target; WSDL at {endpoint}?wsdl")
        start_response("200 OK", [("Content-Type", soap.CONTENT_TYPE),
                                  ("Content-Length", str(len(body)))])
        return [body]

    def wsdl_for(self, endpoint: str) -> bytes:
        """The canonical WSDL with this endpoint as address and schema location."""
        wsdl = etree.fromstring(etree.tostring(self._wsdl))
        for address in wsdl.iter(f"{{{ns.WSDL_SOAP11}}}address"):
            address.set("location", endpoint)
        for imported in wsdl.iter(f"{{{ns.XSD}}}import"):
            if imported.get("schemaLocation") == CANONICAL_XSD.name:
                imported.set("schemaLocation", f"{endpoint}?xsd={CANONICAL_XSD.name}")
        if "wsdl-missing-operation" in self.faults:  # a generator that skips an operation
            for node in wsdl.xpath("//wsdl:operation[@name='getReplyTemplate']",
                                   namespaces={"wsdl": ns.WSDL11}):
                node.getparent().remove(node)
        return soap.serialize(wsdl)

    # POST: a SOAP call -------------------------------------------------------------------
    def post(self, environ: dict[str, Any]) -> tuple[str, bytes, str]:
        data = b""
        try:
            data = self.read_body(environ)
            child = soap.parse_envelope(data)
            if isinstance(child, soap.Fault):
                raise ClientFault("a request must not be a SOAP Fault")
            # request-side variants: the one hook before dispatch and validation
            child, action = self.variation.on_request(child, environ.get("HTTP_SOAPACTION"))
            operation = self.operation_for(child, action)
            if ("request-limit-fault" in self.variation and len(data) > VARIANT_MESSAGE_LIMIT
                    and operation.name.startswith("addMessage")):
                return self.fault(soap.FAULT_SERVER, f"message too large: {len(data)} "
                                  f"bytes, limit {VARIANT_MESSAGE_LIMIT}", "refused")
            return self.call(operation, child)
        except (ClientFault, soap.SoapError) as exc:
            if isinstance(exc, soap.SoapError) and limits.version_mismatch(data):
                return self.fault(limits.FAULT_VERSION_MISMATCH,
                                  limits.version_mismatch_reason(data), "refused")
            if isinstance(exc, TooLarge) and "request-limit-413" in self.variation:
                return "413 Payload Too Large", b"", f"refused (413): {exc}"
            if isinstance(exc, soap.SoapError) and "bad-request-400" in self.variation:
                # WS-I BP 1.1 R1113: a malformed HTTP request message SHOULD get 400
                return "400 Bad Request", b"", f"refused (400): {str(exc)[:120]}"
            return self.fault(soap.FAULT_CLIENT, str(exc), "refused")
        except Exception:  # a bug of the target: answer, log, keep serving
            log.exception("internal error")
            return self.fault(soap.FAULT_SERVER, "internal server error", "error")

    def read_body(self, environ: dict[str, Any]) -> bytes:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise ClientFault("invalid Content-Length") from None
        limit = self.max_request_bytes
        if "request-limit-413" in self.variation:
            limit = min(limit, VARIANT_REQUEST_LIMIT)
        if length > limit:
            raise TooLarge(f"request too large: {length} bytes, limit {limit}")
        stream = environ["wsgi.input"]
        data: bytes = stream.read(length) if length else stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(f"request too large: limit {limit} bytes")
        if not data:
            raise ClientFault("empty request")
        return data

    def operation_for(self, child: etree._Element, soap_action: str | None) -> Operation:
        tag = etree.QName(child).text
        operation = self.contract.operation_for_element(tag)
        if operation is None:
            raise ClientFault(f"unknown operation {tag}")
        action = (soap_action or "").strip()
        if len(action) >= 2 and action[0] == action[-1] == '"':
            action = action[1:-1]
        if soap_action is None:
            raise ClientFault("missing SOAPAction header")
        if action != operation.soap_action:
            raise ClientFault(f"SOAPAction {action!r} does not match operation "
                              f"{operation.name} (expected {operation.soap_action!r})")
        return operation

    def call(self, operation: Operation, child: etree._Element) -> tuple[str, bytes, str]:
        lenient = self.fault_applies(operation, "accept-invalid-body", "partial-on-invalid")
        invalid = self.contract.is_valid(operation.input_element, child) if lenient else None
        try:
            request = self.contract.decode_input(operation, child, validate=not lenient)
        except BodyInvalid as exc:
            raise ClientFault(f"{operation.name} request does not validate: {exc}") from None
        response = self.service.call(operation.name, request)
        if invalid and "partial-on-invalid" in self.faults:
            raise ClientFault(f"{operation.name} request does not validate: {invalid}")
        return "200 OK", self.encode(operation, response), operation.name

    def fault_applies(self, operation: Operation, *names: str) -> bool:
        return operation.name.startswith("addMessage") and any(n in self.faults for n in names)

    def encode(self, operation: Operation, response: dict[str, Any]) -> bytes:
        strict = True
        if response.get("errorCode") == "0" and self.fault_applies(
                operation, "response-missing-errorcode"):
            response = {k: v for k, v in response.items() if k != "errorCode"}
            strict = False
        element = self.contract.encode_output(operation, response, validate=strict)
        if self.fault_applies(operation, "response-wrong-namespace"):
            for node in element.iter():
                node.tag = f"{{{WRONG_NAMESPACE}}}{etree.QName(node).localname}"
        # response-side variants: the one hook, a transform of the envelope before bytes
        return self.variation.serialize(operation.name, soap.envelope(element))

    def fault(self, code: str, reason: str, label: str) -> tuple[str, bytes, str]:
        reason = limits.public_reason(reason)  # never the parser's internals
        body = soap.fault_bytes(soap.Fault(code, reason))
        status = "200 OK" if "fault-http-200" in self.faults else "500 Internal Server Error"
        return status, body, f"{label}: {reason[:120]}"


def _endpoint_url(environ: dict[str, Any], path: str) -> str:
    host = environ.get("HTTP_HOST") or (
        f"{environ.get('SERVER_NAME', '127.0.0.1')}:{environ.get('SERVER_PORT', '80')}")
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}"


def _plain(start_response: StartResponse, status: str, message: str,
           extra: list[tuple[str, str]] | None = None) -> Iterable[bytes]:
    body = (message + "\n").encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(body))), *(extra or [])])
    return [body]
