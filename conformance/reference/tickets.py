"""Tickets of the reference ticket port: newTicket, getTicket, setTicket (status, title,
category, priority, owner, sLevel, customer, extra fields), and the sLevel check the
addMessage family shares."""

from __future__ import annotations

import html
import re
from typing import Any

from conformance.reference.outbox import Outbox
from conformance.reference.port import (
    INVALID_CATEGORY,
    INVALID_EXTRA_FIELD,
    INVALID_FIELD,
    INVALID_OWNER,
    INVALID_PRIORITY,
    INVALID_SLEVEL,
    NEW_TICKET,
    TICKET_ACTIVATED,
    UNKNOWN_CUSTOMER_ID,
    UNKNOWN_TICKET,
    UNKNOWN_TICKET_STATUS,
    ServiceError,
    items,
    lenient_int,
    text,
    wrap,
)
from conformance.reference.store import now_iso

FAULTS: tuple[str, ...] = ("message-not-listed", "settitle-reopens", "slevel-accepts-any",
                           "title-html-escaped", "title-trimmed", "undocumented-error-code")
VARIANTS: tuple[str, ...] = ("activation-notes", "lenient-numbers", "tidy-names")

SLEVELS = {"1", "2"}
UNASSIGNED = "1"
BY_DELEGATION = "-1"
STATUSES = {"open": "open", "closed": "closed", "close": "closed",
            "deleted": "deleted", "delete": "deleted", "postponed": "postponed"}

TICKET_FIELDS: dict[str, tuple[str, str]] = {
    # field name: (column, field type)
    "ticket.id": ("id", "TypeRequestId"),
    "ticket.title": ("title", "TypeVarchar"),
    "ticket.created_at": ("created_at", "TypeDateTime"),
    "ticket.category": ("category", "TypeForeignKey"),
    "ticket.status": ("status", "TypeVarchar"),
    "ticket.replied_at": ("replied_at", "TypeDateTime"),
    "ticket.closed_at": ("closed_at", "TypeDateTime"),
    "ticket.priority": ("priority", "TypeForeignKey"),
    "ticket.read_by_customer": ("read_by_customer", "TypeBool"),
    "ticket.has_attachment": ("has_attachment", "TypeBool"),
    "ticket.last_changed": ("last_changed", "TypeDateTime"),
    "ticket.cust_id": ("cust_id", "TypeCustomerId"),
    "ticket.owned_by": ("owner", "TypeUserId"),
    "ticket.slevel": ("slevel", "TypeInteger"),
}
MESSAGE_FIELDS: dict[str, tuple[str, str]] = {
    "message.id": ("id", "TypeInteger"),
    "message.ticket_id": ("ticket_id", "TypeRequestId"),
    "message.body": ("body", "TypeClob"),
    "message.html_body": ("html_body", "TypeClob"),
    "message.header": ("header", "TypeClob"),
    "message.created_at": ("created_at", "TypeDateTime"),
    "message.author": ("author", "TypeUserId"),
    "message.slevel": ("slevel", "TypeInteger"),
}
EXTRA_FIELD = re.compile(r"^ticket\.x_[A-Za-z0-9_]+$")


class Tickets(Outbox):
    """The ticket operations."""

    def ticket_row(self, ticket_id: str) -> Any:
        row = None
        number = self.id_number(ticket_id)
        if number is not None:
            row = self.store.one("SELECT * FROM tickets WHERE id = ?", number)
        if row is None:
            raise ServiceError(UNKNOWN_TICKET)
        return row

    def new_ticket(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.session_user(req)
        slevel = self.check_slevel(text(req, "sLevel"))
        category = text(req, "categoryId")
        cat = self.store.one("SELECT * FROM categories WHERE id = ?", category)
        if cat is None:
            raise ServiceError(INVALID_CATEGORY)
        priority = text(req, "priorityId")
        if priority == "-1":
            priority = "1"
        elif self.store.one("SELECT 1 FROM priorities WHERE id = ?", priority) is None:
            raise ServiceError(INVALID_PRIORITY)
        owner = self.resolve_owner(text(req, "owner"), cat["default_owner"] or user)
        customers = [str(c) for c in items(req, "customers")]
        for cust in customers:
            if self.store.one("SELECT 1 FROM customers WHERE id = ?", cust) is None:
                raise ServiceError(UNKNOWN_CUSTOMER_ID)
        stamp = now_iso()
        ticket_id = self.store.run(
            "INSERT INTO tickets (title, status, category, priority, owner, cust_id, slevel,"
            " created_at, last_changed) VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?)",
            self.stored_title(text(req, "title")), category, priority, owner,
            customers[0] if customers else None, slevel, stamp, stamp)
        for pos, cust in enumerate(customers):
            self.store.run("INSERT INTO ticket_customers VALUES (?, ?, ?)", ticket_id, cust, pos)
        for pair in items(req, "extraFields"):
            self.set_extra(ticket_id, text(pair, "field"), text(pair, "value"))
        if req.get("sendNotification") and owner:
            self.notify(owner, NEW_TICKET, user, str(ticket_id), f"New request #{ticket_id}")
        return {"ticketId": str(ticket_id)}

    def resolve_owner(self, owner: str, delegated: str | None) -> str | None:
        if owner == BY_DELEGATION:
            return delegated
        if owner == UNASSIGNED:
            return None
        if self.store.one("SELECT 1 FROM users WHERE id = ?", owner) is None:
            raise ServiceError(INVALID_OWNER)
        return owner

    def set_extra(self, ticket_id: int, field: str, value: str) -> None:
        if not EXTRA_FIELD.match(field):
            raise ServiceError(INVALID_EXTRA_FIELD)
        self.store.run("INSERT OR REPLACE INTO ticket_extra VALUES (?, ?, ?)",
                       ticket_id, field, value)

    def get_ticket(self, req: dict[str, Any]) -> dict[str, Any]:
        self.session_user(req)
        row = self.ticket_row(text(req, "ticketId"))
        extras = {r["field"]: r["value"] for r in self.store.all(
            "SELECT field, value FROM ticket_extra WHERE ticket_id = ?", row["id"])}
        fields = [str(f) for f in items(req, "ticketFields")] or list(TICKET_FIELDS)
        result = []
        for name in fields:
            if name in TICKET_FIELDS:
                column, ftype = TICKET_FIELDS[name]
                value = row[column]
            elif name in extras:
                ftype, value = "TypeVarchar", extras[name]
            else:
                raise ServiceError(INVALID_FIELD)
            result.append({"field": name, "type": ftype,
                           "value": "" if value is None else str(value)})
        listed = "" if not self.fault("message-not-listed") else (
            " AND id NOT IN (SELECT message_id FROM message_attachments)")
        ids = [str(r["id"]) for r in self.store.all(
            f"SELECT id FROM messages WHERE ticket_id = ?{listed} ORDER BY id", row["id"])]
        return {"ticketResult": wrap(result), "messageIds": wrap(ids)}

    def set_ticket(self, req: dict[str, Any]) -> dict[str, Any]:
        self.session_user(req)
        row = self.ticket_row(text(req, "ticketId"))
        tid = row["id"]
        for pair in items(req, "ticketValues"):
            self.set_ticket_field(tid, text(pair, "field"), text(pair, "value"))
        self.store.run("UPDATE tickets SET last_changed = ? WHERE id = ?", now_iso(), tid)
        return {}

    def set_ticket_field(self, tid: int, field: str, value: str) -> None:
        update = "UPDATE tickets SET {} = ? WHERE id = ?"
        if field == "ticket.status":
            status = STATUSES.get(value)
            if status is None:
                raise ServiceError(UNKNOWN_TICKET_STATUS)
            closed_at = now_iso() if status == "closed" else None
            self.store.run("UPDATE tickets SET status = ?, closed_at = ? WHERE id = ?",
                           status, closed_at, tid)
            if self.variant("activation-notes") and status == "open":
                row = self.store.one("SELECT owner FROM tickets WHERE id = ?", tid)
                assert row is not None  # the ticket just updated
                owner = row["owner"]
                if owner:  # the owner hears that the ticket is active again
                    self.notify(str(owner), TICKET_ACTIVATED, "", str(tid),
                                f"Request #{tid} activated")
        elif field == "ticket.title":
            self.store.run(update.format("title"), self.stored_title(value), tid)
            if self.fault("settitle-reopens"):
                self.store.run(update.format("status"), "open", tid)
        elif field == "ticket.category":
            if self.store.one("SELECT 1 FROM categories WHERE id = ?", value) is None:
                raise ServiceError(INVALID_CATEGORY)
            self.store.run(update.format("category"), value, tid)
        elif field == "ticket.priority":
            if self.store.one("SELECT 1 FROM priorities WHERE id = ?", value) is None:
                raise ServiceError(INVALID_PRIORITY)
            self.store.run(update.format("priority"), value, tid)
        elif field == "ticket.owner":
            self.store.run(update.format("owner"), self.resolve_owner(value, None), tid)
        elif field == "ticket.slevel":
            self.store.run(update.format("slevel"), self.check_slevel(value), tid)
        elif field == "ticket.customerId":
            self.set_customer(tid, value)
        elif field.startswith("ticket.x_"):
            self.set_extra(tid, field, value)
        else:
            raise ServiceError(INVALID_FIELD)

    def stored_title(self, title: str) -> str:
        if self.variant("tidy-names"):  # one line, single spaces
            return " ".join(title.split())
        if self.fault("title-html-escaped"):  # escaped for a web page, then stored
            return html.escape(title, quote=False)
        return title.strip() if self.fault("title-trimmed") else title

    def set_customer(self, tid: int, value: str) -> None:
        if value == "-1":
            self.store.run("DELETE FROM ticket_customers WHERE ticket_id = ?", tid)
            self.store.run("UPDATE tickets SET cust_id = NULL WHERE id = ?", tid)
            return
        if self.store.one("SELECT 1 FROM customers WHERE id = ?", value) is None:
            raise ServiceError(UNKNOWN_CUSTOMER_ID)
        self.store.run("UPDATE tickets SET cust_id = ? WHERE id = ?", value, tid)

    def check_slevel(self, slevel: str) -> str:
        if self.variant("lenient-numbers") and str(lenient_int(slevel)) in SLEVELS:
            return str(lenient_int(slevel))  # "1.0", "\u0661" read as numbers
        if slevel not in SLEVELS:
            if self.fault("undocumented-error-code"):
                raise ServiceError("99")
            if not self.fault("slevel-accepts-any"):
                raise ServiceError(INVALID_SLEVEL)
        return slevel
