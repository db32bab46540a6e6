"""The reference target works with two independent SOAP client stacks (zeep and suds): the
documented example verbatim, and a round trip through every operation the suite needs."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
import suds.client
from helpers import (
    DOC_ATTACHMENT,
    DOC_BODY,
    DOC_TICKET,
    EGON,
    EGON_ID,
    EGON_PASSWORD,
    TNS,
    fields,
    listed,
    text,
)

from conformance.contract import CANONICAL_WSDL

# Values both stacks carry unchanged. Not here: CR (suds sends it unescaped, so the XML
# parser turns it into LF) and text that looks like an entity reference such as "&lt;" (suds
# leaves it unescaped, so it arrives as "<"); zeep-only tests cover both.
ROUND_TRIP_BODY = "  Kjære kunde,\n\tfaktura <nr> & \"beløp\" ]]> 😀\n\nmvh\nsupport  "
ROUND_TRIP_HTML = "<p>Kjære kunde,<br/>faktura <b>nr</b> & 😀</p>"
ATTACHMENT_BYTES = bytes(range(256)) + b"\r\n\r\n\x00\xff"


class Stack:
    """The calls of the tests in one client stack's terms: ``service`` takes positional
    arguments in contract order; lists and binary data are converted as the stack needs."""

    name: str
    service: Any

    def strings(self, values: Iterable[str] = ()) -> Any:
        raise NotImplementedError

    def pairs(self) -> Any:
        raise NotImplementedError

    def binary_in(self, data: bytes) -> Any:
        raise NotImplementedError

    def binary_out(self, value: Any) -> bytes:
        raise NotImplementedError


class ZeepStack(Stack):
    name = "zeep"

    def __init__(self, service: Any) -> None:
        self.service = service

    def strings(self, values: Iterable[str] = ()) -> Any:
        return {"item": list(values)}

    def pairs(self) -> Any:
        return {"item": []}

    def binary_in(self, data: bytes) -> Any:
        return data

    def binary_out(self, value: Any) -> bytes:
        return bytes(value or b"")


class SudsStack(Stack):
    name = "suds"

    def __init__(self, endpoint: str) -> None:
        self.client = suds.client.Client(CANONICAL_WSDL.as_uri(), location=endpoint,
                                         cache=None)
        self.service = self.client.service

    def strings(self, values: Iterable[str] = ()) -> Any:
        value = self.client.factory.create(f"{{{TNS}}}StringList")
        value.item = list(values)
        return value

    def pairs(self) -> Any:
        return self.client.factory.create(f"{{{TNS}}}FieldValueList")

    def binary_in(self, data: bytes) -> Any:
        return base64.b64encode(data).decode("ascii")

    def binary_out(self, value: Any) -> bytes:
        return base64.b64decode(text(value))


@pytest.fixture(params=["zeep", "suds"])
def stack(request: pytest.FixtureRequest, target, zeep_service) -> Iterator[Stack]:
    if request.param == "zeep":
        yield ZeepStack(zeep_service(target))
    else:
        yield SudsStack(target.endpoint)


def login(stack: Stack) -> str:
    response = stack.service.login(EGON, EGON_PASSWORD)
    assert text(response.errorCode) == "0"
    key = text(response.sessionKey)
    assert key
    return key


def test_documented_example(stack: Stack) -> None:
    """The seed page's example, verbatim: egon / "norges bank", ticket 1602, internal
    message, attachment 62, notification on."""
    key = login(stack)
    response = stack.service.addMessage(key, DOC_BODY, DOC_TICKET, "1", stack.strings(["62"]),
                                        True)
    assert text(response.errorCode) == "0"
    message_id = text(response.messageId)
    assert message_id.isdigit()

    ticket = stack.service.getTicket(key, DOC_TICKET, stack.strings())
    assert text(ticket.errorCode) == "0"
    assert message_id in [text(i) for i in listed(ticket.messageIds)]
    message = stack.service.getMessage(key, message_id, stack.strings())
    assert text(message.errorCode) == "0"
    values = fields(message.messageResult)
    assert values["message.body"] == DOC_BODY
    assert values["message.slevel"] == "1"
    assert values["message.author"] == EGON_ID
    assert values["message.ticket_id"] == DOC_TICKET
    assert [text(a.attachmentId) for a in listed(message.attachmentInfo)] == [DOC_ATTACHMENT]


def test_round_trip(stack: Stack) -> None:
    """login, newTicket, addAttachment, addMessage3, getTicket, getMessage, getAttachment."""
    key = login(stack)
    created = stack.service.newTicket(key, f"Round trip via {stack.name}", "2", "1", "-1",
                                      "-1", stack.strings(["501"]), stack.pairs(), False)
    assert text(created.errorCode) == "0"
    ticket_id = text(created.ticketId)
    before = stack.service.getTicket(key, ticket_id, stack.strings())
    assert text(before.errorCode) == "0"
    assert listed(before.messageIds) == []  # a new ticket has no message until one is added
    status = fields(before.ticketResult)["ticket.status"]

    uploaded = stack.service.addAttachment(key, "data.bin", "application/octet-stream",
                                           stack.binary_in(ATTACHMENT_BYTES))
    assert text(uploaded.errorCode) == "0"
    attachment_id = text(uploaded.attachmentId)

    added = stack.service.addMessage3(
        key, ROUND_TRIP_BODY, ROUND_TRIP_HTML, "0", ticket_id, "2",
        stack.strings([attachment_id]), False, stack.strings(), stack.strings(),
        stack.strings())
    assert text(added.errorCode) == "0"
    message_id = text(added.messageId)

    after = stack.service.getTicket(key, ticket_id, stack.strings())
    assert text(after.errorCode) == "0"
    assert [text(i) for i in listed(after.messageIds)] == [message_id]
    ticket_fields = fields(after.ticketResult)
    assert ticket_fields["ticket.status"] == status == "open"
    assert ticket_fields["ticket.has_attachment"] == "1"

    message = stack.service.getMessage(key, message_id, stack.strings())
    assert text(message.errorCode) == "0"
    values = fields(message.messageResult)
    assert values["message.id"] == message_id
    assert values["message.ticket_id"] == ticket_id
    assert values["message.body"] == ROUND_TRIP_BODY
    assert values["message.html_body"] == ROUND_TRIP_HTML
    assert values["message.slevel"] == "2"
    assert values["message.author"] == EGON_ID
    [info] = listed(message.attachmentInfo)
    assert text(info.attachmentId) == attachment_id
    assert text(info.attachmentName) == "data.bin"
    assert text(info.contentType) == "application/octet-stream"
    assert text(info.attachmentKey)

    attachment = stack.service.getAttachment(key, attachment_id, text(info.attachmentKey))
    assert text(attachment.errorCode) == "0"
    assert text(attachment.attachmentName) == "data.bin"
    assert text(attachment.contentType) == "application/octet-stream"
    assert stack.binary_out(attachment.data) == ATTACHMENT_BYTES
