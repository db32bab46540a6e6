"""The write-to-read table of the ticket port, derived from the contract.

Every value the suite writes (the input elements of addAttachment, newTicket, setTicket and
the addMessage family, and the ids those calls return) is paired with every output element
of a read operation (getMessage, getAttachment, getTicket) that returns it:

- by element name, from the XSD: ``addAttachment/contentType`` pairs with
  ``getAttachment/contentType`` and ``getMessage/attachmentInfo/item/contentType``; a list
  item pairs by its list's singular name (``attachmentIds/item`` -> ``attachmentId``);
- where the contract carries field names as data (getMessage's ``messageResult`` and
  getTicket's ``ticketResult`` are lists of field/type/value), through :data:`NAMED`, the
  port's own field names (``messageBody`` -> ``message.body``).

:data:`ORACLES` says which check compares each output field; :data:`EXEMPT` gives the
written reason for each one that no check compares with something sent. A test asserts that
together they cover every output field the port returns for what the suite sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.contract import Contract
from conformance.suite.schema_fields import Leaf, input_leaves, output_leaves

WRITES = ("addAttachment", "addMessage", "addMessage2", "addMessage3", "newTicket",
          "setTicket")
READS = ("getMessage", "getAttachment", "getTicket")
SUBJECTS = ("addMessage", "addMessage2", "addMessage3")
NOT_DATA = {"sessionKey", "errorCode"}
# Field lists of the read operations: the leaf that carries values, read by field name.
FIELD_LISTS = {"getMessage": "messageResult/item/value", "getTicket": "ticketResult/item/value"}

# (write operation, write leaf) -> (read operation, the port's field name). The reference
# names these fields (getMessage: message.*, getTicket: ticket.*); the pairing is the port's.
_MESSAGE = {"messageBody": "message.body", "htmlMessageBody": "message.html_body",
            "sLevel": "message.slevel", "messageId": "message.id"}
NAMED: dict[tuple[str, str], tuple[str, str]] = {
    **{(op, leaf): ("getMessage", field) for op in SUBJECTS for leaf, field in _MESSAGE.items()},
    ("newTicket", "title"): ("getTicket", "ticket.title"),
    ("newTicket", "categoryId"): ("getTicket", "ticket.category"),
    ("newTicket", "priorityId"): ("getTicket", "ticket.priority"),
    ("newTicket", "customers/item"): ("getTicket", "ticket.cust_id"),
    ("newTicket", "ticketId"): ("getTicket", "ticket.id"),
    ("setTicket", "ticketValues/item/value[ticket.status]"): ("getTicket", "ticket.status"),
    ("setTicket", "ticketValues/item/value[ticket.title]"): ("getTicket", "ticket.title"),
}

# Output field -> the checks that compare it with what was sent (or hold it unchanged).
ORACLES: dict[str, tuple[str, ...]] = {
    "getMessage/messageResult/item/type": ("AM-SCHEMA",),
    "getMessage:message.id": ("AM-ROUNDTRIP",),
    "getMessage:message.body": ("AM-BODY-EXACT", "AM-BODY-LIMITS", "AM23-TEMPLATE"),
    "getMessage:message.html_body": ("AM3-HTML", "AM-BODY-LIMITS"),
    "getMessage:message.slevel": ("AM-SLEVEL",),
    "getMessage/attachmentInfo/item/attachmentId": ("AM-ATTACHMENTS",),
    "getMessage/attachmentInfo/item/attachmentName": ("AM-ATTACHMENT-META",),
    "getMessage/attachmentInfo/item/contentType": ("AM-ATTACHMENT-META",),
    "getMessage/attachmentInfo/item/attachmentKey": ("AM-ATTACHMENT-BYTES",),
    "getAttachment/attachmentName": ("AM-ATTACHMENT-META",),
    "getAttachment/contentType": ("AM-ATTACHMENT-META",),
    "getAttachment/data": ("AM-ATTACHMENT-BYTES",),
    "getTicket/ticketResult/item/type": ("AM-SCHEMA",),
    "getTicket/messageIds/item": ("AM-MESSAGE-LISTED",),
    "getTicket:ticket.id": ("AM-ROUNDTRIP",),
    "getTicket:ticket.title": ("AM-ROUNDTRIP", "AM-TICKET-FIELDS"),
    "getTicket:ticket.category": ("AM-ROUNDTRIP", "AM-TICKET-FIELDS"),
    "getTicket:ticket.status": ("AM-STATUS",),
    "getTicket:ticket.priority": ("AM-TICKET-FIELDS",),
    "getTicket:ticket.cust_id": ("AM-TICKET-FIELDS",),
    "getTicket:ticket.created_at": ("AM-TICKET-FIELDS",),
    "getTicket:ticket.closed_at": ("AM-TICKET-FIELDS",),
}
EXEMPT: dict[str, str] = {
    "getMessage/errorCode": "an observation call: anything but 0 makes the check an error "
                            "(it cannot judge), never a pass",
    "getAttachment/errorCode": "as getMessage/errorCode",
    "getTicket/errorCode": "as getMessage/errorCode",
    "getMessage/messageResult/item/field": "the name of a field the suite asked for; the "
                                           "suite reads values by it, so a wrong name shows "
                                           "as a missing value in that field's oracle",
    "getTicket/ticketResult/item/field": "as getMessage/messageResult/item/field",
}
# Pairs whose read side the suite does not compare with the value sent, and why.
PAIR_EXEMPT: dict[str, str] = {
    "getTicket:ticket.priority": "the suite sends priorityId -1 (taken from the customer or "
                                 "company): the documented meaning, not a value to read back",
    "getTicket:ticket.cust_id": "the suite's tickets have no customer (customers empty)",
    "getTicket:ticket.status": "the reference names setTicket's verbs (open, close, "
                               "delete), not the stored values; AM-STATUS holds the status "
                               "unchanged by every message",
}

# Written leaves no read returns: what observes their effect (a check id), or why nothing.
EFFECTS: dict[str, str] = {
    "ticketId": "AM-MESSAGE-LISTED (the message is listed on that ticket and no other)",
    "sendNotification": "AM-NOTIFY-TRUE, AM-NOTIFY-FALSE (getUserNotifications)",
    "replyTemplateId": "AM23-TEMPLATE (the stored body is the template's)",
    "To/item": "AM23-MAIL, AM23-ILLEGAL-ADDRESS (the mail the suite's SMTP capture gets)",
    "Cc/item": "AM23-MAIL",
    "Bcc/item": "AM23-MAIL, AM23-BCC-HIDDEN",
    "newTicket/sLevel": "the suite always sends 2; getTicket's documented fields have no "
                        "sLevel to read it back with",
    "newTicket/owner": "the owner's notifications (AM-NOTIFY-TRUE) show it; getTicket's "
                       "documented fields have no owner",
    "newTicket/extraFields/item/field": "the suite sends no extra fields",
    "newTicket/extraFields/item/value": "the suite sends no extra fields",
    "newTicket/sendNotification": "the suite always sends false (the reference's advice); "
                                  "AM-NOTIFY-FALSE would see a notification",
    "setTicket/ticketValues/item/field": "the name of the field set; its value is paired",
}


def unread(contract: Contract) -> list[str]:
    """Written leaves (``op/path``) that no read returns (by the table's pairs)."""
    paired = {(p.write_op, p.write.partition("[")[0]) for p in pairs(contract)}
    return [f"{op}/{leaf.path}" for op in WRITES if op in contract.operations
            for leaf in written(contract, op) if (op, leaf.path) not in paired]


def effect(key: str) -> str | None:
    """What observes an unread written leaf: by ``op/path``, or by path for the family."""
    return EFFECTS.get(key) or EFFECTS.get(key.partition("/")[2])


@dataclass(frozen=True)
class Pair:
    write_op: str
    write: str  # leaf path, or a leaf of the response (an id the call returned)
    read_op: str
    read: str  # leaf path, or "op:field name" for a field list

    @property
    def read_key(self) -> str:
        return self.read if ":" in self.read else f"{self.read_op}/{self.read}"


def _read_name(leaf: Leaf) -> str:
    """The name a written leaf is read back under: a list item by its list's singular."""
    if leaf.name == "item" and leaf.list_name:
        return leaf.list_name[:-1] if leaf.list_name.endswith("s") else leaf.list_name
    return leaf.name


def written(contract: Contract, operation: str) -> list[Leaf]:
    """The data leaves a write operation sends or gets back (no session key, no code)."""
    found = [*input_leaves(contract, operation), *output_leaves(contract, operation)]
    return [leaf for leaf in found if leaf.name not in NOT_DATA]


def readable(contract: Contract, operation: str) -> list[Leaf]:
    """The output leaves of a read operation, less its field lists' value leaf."""
    return [leaf for leaf in output_leaves(contract, operation)
            if leaf.path != FIELD_LISTS.get(operation)]


def _in_field_list(operation: str, leaf: Leaf) -> bool:
    value = FIELD_LISTS.get(operation)
    return value is not None and leaf.path.startswith(value.rpartition("/")[0] + "/")


def pairs(contract: Contract) -> list[Pair]:
    """Every write-to-read pair of the contract (by element name, then by field name)."""
    found = []
    for write_op in WRITES:
        for leaf in written(contract, write_op):
            for read_op in READS:
                for out in readable(contract, read_op):
                    if (out.name not in NOT_DATA and out.name == _read_name(leaf)
                            and not _in_field_list(read_op, out)):
                        found.append(Pair(write_op, leaf.path, read_op, out.path))
    for (write_op, write), (read_op, field) in NAMED.items():
        if write_op not in contract.operations or read_op not in contract.operations:
            continue
        if write.partition("[")[0] in {leaf.path for leaf in written(contract, write_op)}:
            found.append(Pair(write_op, write, read_op, f"{read_op}:{field}"))
    return found


def returned_fields(contract: Contract, requested: dict[str, list[str]]) -> list[str]:
    """Every output field the reads return: each leaf of a read's response, and for a
    field list each field the suite asks for (``requested``: operation -> field names)."""
    keys: list[str] = []
    for read_op in READS:
        keys.extend(f"{read_op}/{leaf.path}" for leaf in readable(contract, read_op))
        keys.extend(f"{read_op}:{name}" for name in requested.get(read_op, []))
    return keys


def pairs_into(contract: Contract, read_key: str) -> list[Pair]:
    return [p for p in pairs(contract) if p.read_key == read_key]


def pairs_from(contract: Contract, write_op: str, check_id: str) -> list[Pair]:
    """The pairs a check compares: written by ``write_op``, read where it is the oracle."""
    return [p for p in pairs(contract) if p.write_op == write_op
            and check_id in ORACLES.get(p.read_key, ()) and p.read_key not in PAIR_EXEMPT]
