"""Hostile and broken requests, as raw HTTP: each gets a SOAP 1.1 Fault (soap:Client, HTTP
500, text/xml), changes nothing, and the target keeps answering valid calls."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from helpers import (
    DOC_TICKET,
    EGON,
    EGON_PASSWORD,
    TNS,
    Response,
    action,
    envelope,
    get,
    post,
)
from lxml import etree

from conformance import ns, soap

MAX_REQUEST_BYTES = 8 * 1024
ENV = f"{{{ns.SOAP11_ENV}}}"


def add_message(key: str, body: str = "robustness probe", *, send: str = "true",
                omit: str = "", extra: str = "") -> str:
    """An addMessage wrapper that would add a message to 1602 if it were accepted."""
    parts = {"sessionKey": key, "messageBody": body, "ticketId": DOC_TICKET, "sLevel": "1",
             "attachmentIds": "", "sendNotification": send}
    children = "".join(f"<t:{k}>{v}</t:{k}>" for k, v in parts.items() if k != omit)
    return f"<t:addMessage>{children}{extra}</t:addMessage>"


XXE = (f'<?xml version="1.0"?>\n'
       f'<!DOCTYPE soap:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
       f'<soap:Envelope xmlns:soap="{ns.SOAP11_ENV}" xmlns:t="{TNS}"><soap:Body>'
       "{body}</soap:Body></soap:Envelope>")
LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = (f'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol0 "lol">{LAUGHS}]>\n'
                  f'<soap:Envelope xmlns:soap="{ns.SOAP11_ENV}" xmlns:t="{TNS}"><soap:Body>'
                  "{body}</soap:Body></soap:Envelope>")

AM = action("addMessage")


@dataclass(frozen=True)
class Case:
    build: Callable[[str], bytes]  # the request bytes, given a valid session key
    soap_action: str | None  # the SOAPAction header (None: no header)
    reason: str  # what the faultstring says (lower case)


def deleted(key: str) -> bytes:
    return envelope(f"<t:deleteTicket><t:sessionKey>{key}</t:sessionKey>"
                    f"<t:ticketId>{DOC_TICKET}</t:ticketId></t:deleteTicket>")


def bare(key: str) -> bytes:
    return add_message(key).replace("<t:addMessage>", f'<t:addMessage xmlns:t="{TNS}">').encode()


def dtd_only(key: str) -> bytes:
    return b'<?xml version="1.0"?><!DOCTYPE x []>' + envelope(add_message(key)).split(b"?>")[1]


CASES: dict[str, Case] = {
    "malformed-xml": Case(lambda k: envelope(add_message(k))[:-20], AM, "malformed xml"),
    "unclosed-element": Case(
        lambda k: envelope(add_message(k).replace("</t:sLevel>", "")), AM, "malformed xml"),
    "invalid-utf8": Case(
        lambda k: envelope(add_message(k)).replace(b"probe", b"\xff\xfe"), AM, "malformed xml"),
    "missing-element": Case(
        lambda k: envelope(add_message(k, omit="sLevel")), AM, "does not validate"),
    "wrong-type-sendNotification": Case(
        lambda k: envelope(add_message(k, send="maybe")), AM, "does not validate"),
    "extra-element": Case(
        lambda k: envelope(add_message(k, extra="<t:unexpected>1</t:unexpected>")), AM,
        "does not validate"),
    "unknown-operation": Case(deleted, action("deleteTicket"), "unknown operation"),
    "operation-in-no-namespace": Case(
        lambda k: envelope(add_message(k).replace("t:", "")), AM, "unknown operation"),
    "wrong-soapaction": Case(lambda k: envelope(add_message(k)), action("getTicket"),
                             "soapaction"),
    "foreign-soapaction": Case(lambda k: envelope(add_message(k)), '"urn:other#addMessage"',
                               "soapaction"),
    "empty-soapaction": Case(lambda k: envelope(add_message(k)), '""', "soapaction"),
    "missing-soapaction": Case(lambda k: envelope(add_message(k)), None, "soapaction"),
    "xxe-file": Case(lambda k: XXE.format(body=add_message(k, "&xxe;")).encode(), AM, "dtd"),
    "billion-laughs": Case(
        lambda k: BILLION_LAUGHS.format(body=add_message(k, "&lol9;")).encode(), AM, "dtd"),
    "internal-dtd-only": Case(dtd_only, AM, "dtd"),
    "oversized": Case(lambda k: envelope(add_message(k, "x" * MAX_REQUEST_BYTES)), AM,
                      "too large"),
    "empty-body": Case(lambda k: b"", AM, "empty"),
    "whitespace-body": Case(lambda k: b" \r\n ", AM, "malformed xml"),
    "non-envelope-root": Case(bare, AM, "not a soap 1.1 envelope"),
    # a SOAP 1.2 envelope gets VersionMismatch: test_reference_sturdy.py
    "empty-soap-body": Case(lambda k: envelope(""), AM, "exactly one element"),
    "two-operations-in-body": Case(lambda k: envelope(add_message(k) * 2), AM,
                                   "exactly one element"),
    "request-is-a-fault": Case(lambda k: soap.fault_bytes(soap.Fault("Client", "hello")), AM,
                               "fault"),
}


@pytest.fixture
def small_target(make_target):
    return make_target(max_request_bytes=MAX_REQUEST_BYTES)


def login(target) -> str:
    response = post(target, envelope(
        f"<t:login><t:userName>{EGON}</t:userName><t:password>{EGON_PASSWORD}</t:password>"
        "</t:login>"), action("login"))
    assert response.status == 200
    key = etree.fromstring(response.body).findtext(f".//{{{TNS}}}sessionKey")
    assert key
    return key


def message_count(target, key: str) -> int:
    """The number of messages of ticket 1602, read with a valid raw getTicket."""
    response = post(target, envelope(
        f"<t:getTicket><t:sessionKey>{key}</t:sessionKey><t:ticketId>{DOC_TICKET}</t:ticketId>"
        "<t:ticketFields/></t:getTicket>"), action("getTicket"))
    assert response.status == 200, response.body
    root = etree.fromstring(response.body)
    assert root.findtext(f".//{{{TNS}}}errorCode") == "0"
    return len(root.findall(f".//{{{TNS}}}messageIds/{{{TNS}}}item"))


def assert_client_fault(response: Response) -> str:
    """The response is a well-formed SOAP 1.1 soap:Client Fault; returns the faultstring."""
    assert response.status == 500
    assert response.headers["Content-Type"].split(";")[0].strip() == "text/xml"
    root = etree.fromstring(response.body)  # well-formed
    assert root.tag == f"{ENV}Envelope"
    [body] = root.findall(f"{ENV}Body")
    [fault] = list(body)
    assert fault.tag == f"{ENV}Fault"
    faultcode = fault.findtext("faultcode") or ""
    prefix, _, local = faultcode.partition(":")
    assert local == "Client"
    assert fault.nsmap.get(prefix) == ns.SOAP11_ENV
    faultstring = fault.findtext("faultstring") or ""
    assert faultstring.strip() and faultstring.isprintable()
    assert "Traceback" not in faultstring
    return faultstring


@pytest.mark.parametrize("name", CASES)
def test_bad_request_gets_a_client_fault_and_changes_nothing(small_target, name: str) -> None:
    case = CASES[name]
    key = login(small_target)
    before = message_count(small_target, key)

    response = post(small_target, case.build(key), case.soap_action)

    faultstring = assert_client_fault(response)
    assert case.reason in faultstring.lower()
    assert "root:" not in faultstring  # nothing of /etc/passwd leaks
    assert message_count(small_target, key) == before
    with small_target.store.lock:
        assert small_target.store.scalar("SELECT COUNT(*) FROM notifications") == 0
    # And the target still answers a valid call (which does add a message).
    valid = post(small_target, envelope(add_message(key)), action("addMessage"))
    assert valid.status == 200
    assert etree.fromstring(valid.body).findtext(f".//{{{TNS}}}errorCode") == "0"
    assert message_count(small_target, key) == before + 1


def test_the_probe_is_valid_except_for_each_flaw(small_target) -> None:
    """Unflawed, the cases' request is accepted: each case fails only by its flaw."""
    key = login(small_target)
    response = post(small_target, envelope(add_message(key)), action("addMessage"))
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    child = soap.parse_envelope(response.body)
    assert not isinstance(child, soap.Fault)
    assert child.findtext(f"{{{TNS}}}errorCode") == "0"


def test_oversized_chunked_request_is_refused(small_target) -> None:
    """Without a Content-Length (chunked), the size cap still holds: the target refuses
    the body once it is over the limit, before it has ended."""
    key = login(small_target)
    before = message_count(small_target, key)
    body = envelope(add_message(key, "x" * MAX_REQUEST_BYTES))
    response = None
    # The body is sent without its last chunk, and the answer read at once: the target
    # has read all that was sent when it answers and closes (unread bytes on its side
    # would make its close a reset, which can take the answer with it).
    for _attempt in range(3):
        connection = http.client.HTTPConnection(
            "127.0.0.1", small_target.server.effective_port, timeout=30)
        try:
            connection.putrequest("POST", urlsplit(small_target.endpoint).path)
            connection.putheader("Content-Type", "text/xml; charset=utf-8")
            connection.putheader("SOAPAction", action("addMessage"))
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            for part in (body[:100], body[100:]):
                connection.send(b"%X\r\n%s\r\n" % (len(part), part))
            reply = connection.getresponse()
            response = Response(reply.status, reply.headers, reply.read())
            break
        except (ConnectionResetError, BrokenPipeError):
            continue
        finally:
            connection.close()
    assert response is not None, "every attempt was reset before the answer"
    assert "too large" in assert_client_fault(response)
    assert message_count(small_target, key) == before


def test_soapaction_without_quotes_is_accepted(target) -> None:
    key = login(target)
    response = post(target, envelope(add_message(key)), f"{TNS}#addMessage")
    assert response.status == 200
    assert etree.fromstring(response.body).findtext(f".//{{{TNS}}}errorCode") == "0"


def test_get_wsdl(target) -> None:
    response = get(target.wsdl_url)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.body)
    assert root.tag == f"{{{ns.WSDL11}}}definitions"
    [address] = root.iter(f"{{{ns.WSDL_SOAP11}}}address")
    assert address.get("location") == target.endpoint


def test_get_xsd_referenced_by_the_served_wsdl(target) -> None:
    root = etree.fromstring(get(target.wsdl_url).body)
    [imported] = root.iter(f"{{{ns.XSD}}}import")
    response = get(imported.get("schemaLocation"))
    assert response.status == 200
    assert etree.fromstring(response.body).get("targetNamespace") == TNS


@pytest.mark.parametrize("path", ["/", "/service", "/service/ticket/", "/scripts/SOAP",
                                  "/service/ticketx"])
def test_get_on_unknown_path_is_404(target, path: str) -> None:
    base = target.endpoint.removesuffix("/service/ticket")
    assert get(base + path).status == 404


def test_post_on_unknown_path_is_404(target) -> None:
    key = login(target)
    request = envelope(add_message(key))
    assert post(target.endpoint + "/other", request, action("addMessage")).status == 404
    assert post(target, request, action("addMessage")).status == 200
