"""Helpers shared by the reference-target tests: seed facts, a logged-in zeep session with
short-hands for the calls the tests make, reading list-shaped results of either client stack,
and raw HTTP requests for the robustness tests."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any

from conformance import ns

TNS = ns.TICKET
BINDING = f"{{{TNS}}}TicketBinding"

# Seed data (fixtures/seed.json) -------------------------------------------------------------
EGON, EGON_PASSWORD, EGON_ID = "egon", "norges bank", "10"
KARI, KARI_PASSWORD, KARI_ID = "kari", "nordmann", "11"  # owner of tickets 1602 and 1603
DOC_TICKET = "1602"
CLOSED_TICKET = "1603"
DOC_ATTACHMENT = "62"
DOC_BODY = "her er en meldingstekst\n\nmvh\njulenissen"
UNKNOWN_ID = "999999"

NEW_TICKET = 1
NEW_TICKET_MESSAGE = 2


# Reading results (zeep objects and suds objects alike) ----------------------------------------
def strings(values: Iterable[str] = ()) -> dict[str, list[str]]:
    """A StringList argument for zeep (a bare list is silently sent as an empty list)."""
    return {"item": list(values)}


def listed(value: Any) -> list[Any]:
    """The items of a wrapped list in a response; [] when absent or empty."""
    if value is None:
        return []
    return list(getattr(value, "item", None) or [])


def text(value: Any) -> str:
    """A string result; both stacks decode empty content as None."""
    return "" if value is None else str(value)


def code(response: Any) -> str:
    """The errorCode of a response; zeep returns a response of only an errorCode (logout,
    setTicket) as the bare string."""
    return text(response if isinstance(response, str) else response.errorCode)


def fields(result: Any) -> dict[str, str]:
    """A FieldResultList as {field: value}."""
    return {str(item.field): text(item.value) for item in listed(result)}


# A logged-in zeep session ---------------------------------------------------------------------
class Session:
    """A user logged in through a zeep service, with short-hands for the suite's calls.
    Each call returns the zeep response object."""

    def __init__(self, service: Any, user: str = EGON, password: str = EGON_PASSWORD) -> None:
        self.service = service
        response = service.login(user, password)
        assert response.errorCode == "0", f"login {user}: {response.errorCode}"
        self.key = str(response.sessionKey)

    def add(self, variant: int, body: str = "a message", ticket: str = DOC_TICKET,
            slevel: str = "1", attachments: Iterable[str] = (), notify: bool = False,
            html: str = "", template: str = "0", to: Iterable[str] = (),
            cc: Iterable[str] = (), bcc: Iterable[str] = (), key: str | None = None) -> Any:
        """addMessage (variant 1), addMessage2 (2) or addMessage3 (3)."""
        key = self.key if key is None else key
        attachment_ids = strings(attachments)
        if variant == 1:
            return self.service.addMessage(key, body, ticket, slevel, attachment_ids, notify)
        mail = (strings(to), strings(cc), strings(bcc))
        if variant == 2:
            return self.service.addMessage2(key, body, template, ticket, slevel,
                                            attachment_ids, notify, *mail)
        return self.service.addMessage3(key, body, html, template, ticket, slevel,
                                        attachment_ids, notify, *mail)

    def message_ids(self, ticket: str = DOC_TICKET) -> list[str]:
        response = self.service.getTicket(self.key, ticket, strings())
        assert response.errorCode == "0", response
        return [str(i) for i in listed(response.messageIds)]

    def ticket(self, ticket: str = DOC_TICKET) -> dict[str, str]:
        response = self.service.getTicket(self.key, ticket, strings())
        assert response.errorCode == "0", response
        return fields(response.ticketResult)

    def message(self, message_id: str) -> tuple[dict[str, str], list[Any]]:
        """(message fields, attachment infos) of a message."""
        response = self.service.getMessage(self.key, message_id, strings())
        assert response.errorCode == "0", response
        return fields(response.messageResult), listed(response.attachmentInfo)

    def set_ticket(self, ticket: str, values: Mapping[str, str]) -> None:
        pairs = {"item": [{"field": f, "value": v} for f, v in values.items()]}
        response = self.service.setTicket(self.key, ticket, pairs)
        assert code(response) == "0", response

    def attach(self, data: bytes, name: str = "data.bin",
               content_type: str = "application/octet-stream") -> str:
        response = self.service.addAttachment(self.key, name, content_type, data)
        assert response.errorCode == "0", response
        return str(response.attachmentId)


class Inbox:
    """A user's notification subscription: ``new()`` is what arrived since the last call."""

    def __init__(self, session: Session, source: str = "tests") -> None:
        self.session = session
        response = session.service.allocUserNotifications(session.key, source)
        assert response.errorCode == "0", response
        self.key = str(response.notificationKey)

    def new(self) -> list[tuple[int, str, str]]:
        """(type, createdBy, ticketId) of each notification generated since the last call."""
        response = self.session.service.getUserNotifications(self.session.key, self.key)
        assert response.errorCode == "0", response
        return [(int(n.type), text(n.createdBy), text(n.ticketId))
                for n in listed(response.userNotifications)]


# Raw HTTP -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes


def action(operation: str) -> str:
    """The SOAPAction header of an operation of the canonical contract, quoted as SOAP 1.1
    clients send it."""
    return f'"{TNS}#{operation}"'


def envelope(body_xml: str, soap_ns: str = ns.SOAP11_ENV) -> bytes:
    """A SOAP envelope around ``body_xml``, in which the prefix ``t`` is the ticket port."""
    return (f'<?xml version="1.0" encoding="utf-8"?>'
            f'<soap:Envelope xmlns:soap="{soap_ns}" xmlns:t="{TNS}">'
            f"<soap:Body>{body_xml}</soap:Body></soap:Envelope>").encode()


def post(target: Any, body: bytes, soap_action: str | None,
         content_type: str = "text/xml; charset=utf-8", timeout: float = 30.0) -> Response:
    """POST raw bytes to a target's endpoint (or to a URL given as a string). The SOAPAction
    header is sent exactly as given (see :func:`action`); None sends none."""
    url = target if isinstance(target, str) else target.endpoint
    headers = {"Content-Type": content_type}
    if soap_action is not None:
        headers["SOAPAction"] = soap_action
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    return _send(request, timeout)


def get(url: str, timeout: float = 30.0) -> Response:
    return _send(urllib.request.Request(url, method="GET"), timeout)


def _send(request: urllib.request.Request, timeout: float) -> Response:
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.headers, error.read())


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
