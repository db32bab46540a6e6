"""The operations of the ticket port, with the documented semantics.

Each handler takes the decoded request (a dict of the wrapper's children, as the contract
decodes it) and returns the response dict. Documented failures raise :class:`ServiceError`
with the error code; :meth:`TicketService.call` runs every call in one transaction, so a
failed call changes nothing, and turns the error into the ``errorCode`` of the response.

Fault switches (see ``faults.py``) sit where each bug would really live; with no fault
switched on, every ``self.fault(...)`` test is false and the code is the faultless path.
"""

from __future__ import annotations

import base64
import html
import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from conformance.reference import _variant_mail
from conformance.reference._variant_values import canonical_media_type
from conformance.reference.mail import Mailer, Recipients
from conformance.reference.store import Store, new_key, now_iso

log = logging.getLogger("conformance.reference")

# Error codes (reference: error codes list)
OK = "0"
INCORRECT_LOGIN_USER = "2"
INVALID_SESSION = "5"
CUSTOM_ERROR = "7"
BODY_LIMIT = 65535  # variant "body-limit": UTF-8 bytes of each body (a TEXT column)
INVALID_CATEGORY = "8"
INVALID_PRIORITY = "9"
INVALID_SLEVEL = "10"
INVALID_EXTRA_FIELD = "12"
UNKNOWN_TICKET = "13"
UNKNOWN_ATTACHMENT = "16"
INVALID_FIELD = "17"
UNKNOWN_MESSAGE = "18"
NOTIFICATION_VIOLATION = "26"
INVALID_OWNER = "29"
UNKNOWN_CUSTOMER_ID = "31"
UNKNOWN_TICKET_STATUS = "32"

# Notification types (reference: notification types)
NEW_TICKET = 0x0001
NEW_TICKET_MESSAGE = 0x0002

SLEVELS = {"1", "2"}
UNASSIGNED = "1"
BY_DELEGATION = "-1"
STATUSES = {"open": "open", "closed": "closed", "close": "closed",
            "deleted": "deleted", "delete": "deleted", "postponed": "postponed"}
NOTIFICATION_KEY_TTL = 300.0
VARIANT_DELAY = 0.15  # variants notify-delayed and mail-queued: seconds after the answer

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


class ServiceError(Exception):
    """A documented failure: the call returns ``code`` and changes nothing."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def text(req: dict[str, Any], key: str) -> str:
    """A string parameter; xmlschema decodes empty content as None."""
    value = req.get(key)
    return "" if value is None else str(value)


def items(req: dict[str, Any], key: str) -> list[Any]:
    """The items of a wrapped list parameter (``<key><item>..</item></key>``)."""
    value = req.get(key) or {}
    return [("" if v is None else v) for v in (value.get("item") or [])]


def wrap(values: list[Any]) -> dict[str, Any]:
    """A wrapped list for encoding (an empty list must be ``{}`` for xmlschema)."""
    return {"item": values} if values else {}


class TicketService:
    """The reference implementation of the ticket port over a :class:`Store`."""

    def __init__(
        self,
        store: Store,
        mailer: Mailer | None = None,
        faults: frozenset[str] = frozenset(),
        session_ttl: float = 1800.0,
        variants: frozenset[str] = frozenset(),
    ) -> None:
        self.store = store
        self.mailer = mailer or Mailer()
        self.faults = faults
        self.variants = variants  # legitimate variations (variants.py)
        self._queue = _Queue() if variants & {"notify-delayed", "mail-queued"} else None
        self.session_ttl = session_ttl
        self._last_message_id: str | None = None  # fault "message-id-reuse" only
        self._reuse_next = False
        self._local = threading.local()  # fault "lost-concurrent-messages" only
        self._outbox: list[tuple[Any, ...]] = []
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "login": self.login, "logout": self.logout, "newTicket": self.new_ticket,
            "getTicket": self.get_ticket, "setTicket": self.set_ticket,
            "addAttachment": self.add_attachment, "getAttachment": self.get_attachment,
            "addMessage": self.add_message, "addMessage2": self.add_message2,
            "addMessage3": self.add_message3, "getMessage": self.get_message,
            "allocUserNotifications": self.alloc_user_notifications,
            "getUserNotifications": self.get_user_notifications,
            "getReplyTemplate": self.get_reply_template,
        }

    def fault(self, name: str) -> bool:
        return name in self.faults

    def variant(self, name: str) -> bool:
        return name in self.variants

    # dispatch ----------------------------------------------------------------------------
    def call(self, operation: str, req: dict[str, Any]) -> dict[str, Any]:
        """Run one operation atomically; documented failures become an errorCode."""
        handler = self.handlers[operation]
        outbox: list[tuple[Any, ...]] = []
        if self.fault("lost-concurrent-messages") and operation.startswith("addMessage"):
            self._read_next_id_early()
        try:
            with self.store.transaction():
                self._outbox = outbox
                try:
                    response = handler(req)
                except _CommittedError as exc:  # fault "no-transaction": writes stay
                    return {"errorCode": exc.code}
        except ServiceError as exc:
            if operation.startswith("addMessage"):
                self._reuse_next = self.fault("message-id-reuse")
            return {"errorCode": exc.code}
        self._deliver(outbox)
        return {"errorCode": OK, **response}

    # sessions ----------------------------------------------------------------------------
    def login(self, req: dict[str, Any]) -> dict[str, Any]:
        row = self.store.one("SELECT id, password FROM users WHERE user_name = ?",
                             text(req, "userName"))
        if row is None or row["password"] != text(req, "password"):
            raise ServiceError(INCORRECT_LOGIN_USER)
        key = new_key()
        self.store.run("INSERT INTO sessions VALUES (?, ?, ?)",
                       key, row["id"], time.time() + self.session_ttl)
        return {"sessionKey": key}

    def logout(self, req: dict[str, Any]) -> dict[str, Any]:
        self.session_user(req)
        if not self.fault("logout-ignored"):
            self.store.run("DELETE FROM sessions WHERE session_key = ?", text(req, "sessionKey"))
        return {}

    def session_user(self, req: dict[str, Any]) -> str:
        """The user id of a live session; renews its expiry. Error 5 otherwise."""
        key = text(req, "sessionKey")
        row = self.store.one("SELECT user_id, expires_at FROM sessions WHERE session_key = ?",
                             key)
        if row is None or row["expires_at"] < time.time():
            raise ServiceError(UNKNOWN_TICKET if self.fault("session-error-13")
                               else INVALID_SESSION)
        self.store.run("UPDATE sessions SET expires_at = ? WHERE session_key = ?",
                       time.time() + self.session_ttl, key)
        return str(row["user_id"])

    # tickets -----------------------------------------------------------------------------
    def ticket_row(self, ticket_id: str) -> Any:
        row = None
        if ticket_id.isascii() and ticket_id.isdigit() and len(ticket_id) < 19:
            row = self.store.one("SELECT * FROM tickets WHERE id = ?", int(ticket_id))
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
        return title.strip() if self.fault("title-trimmed") else title

    def set_customer(self, tid: int, value: str) -> None:
        if value == "-1":
            self.store.run("DELETE FROM ticket_customers WHERE ticket_id = ?", tid)
            self.store.run("UPDATE tickets SET cust_id = NULL WHERE id = ?", tid)
            return
        if self.store.one("SELECT 1 FROM customers WHERE id = ?", value) is None:
            raise ServiceError(UNKNOWN_CUSTOMER_ID)
        self.store.run("UPDATE tickets SET cust_id = ? WHERE id = ?", value, tid)

    # attachments -------------------------------------------------------------------------
    def add_attachment(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.session_user(req)
        raw = base64.b64decode("".join(text(req, "data").split()))
        content_type = text(req, "contentType")
        if self.variant("media-type-canonical"):
            content_type = canonical_media_type(content_type)
        attachment_id = self.store.run(
            "INSERT INTO attachments (name, content_type, data, attachment_key, created_by)"
            " VALUES (?, ?, ?, ?, ?)",
            text(req, "attachmentName"), content_type, raw, new_key(), user)
        return {"attachmentId": str(attachment_id)}

    def attachment_row(self, attachment_id: str) -> Any:
        row = None
        if attachment_id.isascii() and attachment_id.isdigit() and len(attachment_id) < 19:
            row = self.store.one("SELECT * FROM attachments WHERE id = ?", int(attachment_id))
        if row is None:
            raise ServiceError(UNKNOWN_ATTACHMENT)
        return row

    def get_attachment(self, req: dict[str, Any]) -> dict[str, Any]:
        key = text(req, "attachmentKey")
        if text(req, "sessionKey"):
            self.session_user(req)
        row = self.attachment_row(text(req, "attachmentId"))
        if (key or not text(req, "sessionKey")) and key != row["attachment_key"]:
            raise ServiceError(UNKNOWN_ATTACHMENT)
        data = bytes(row["data"])
        if self.fault("attachment-bytes-altered"):
            data = data.replace(b"\r\n", b"\n")
        content_type = row["content_type"]
        if self.fault("attachment-type-generic"):
            content_type = "application/octet-stream"
        return {"attachmentName": row["name"], "contentType": content_type,
                "data": base64.b64encode(data).decode("ascii")}

    # messages ----------------------------------------------------------------------------
    def check_slevel(self, slevel: str) -> str:
        if slevel not in SLEVELS:
            if self.fault("undocumented-error-code"):
                raise ServiceError("99")
            if not self.fault("slevel-accepts-any"):
                raise ServiceError(INVALID_SLEVEL)
        return slevel

    def add_message(self, req: dict[str, Any]) -> dict[str, Any]:
        return self._add_message(req, variant=1)

    def add_message2(self, req: dict[str, Any]) -> dict[str, Any]:
        return self._add_message(req, variant=2)

    def add_message3(self, req: dict[str, Any]) -> dict[str, Any]:
        return self._add_message(req, variant=3)

    def _add_message(self, req: dict[str, Any], variant: int) -> dict[str, Any]:
        """addMessage, addMessage2 and addMessage3: one message, never a status change."""
        user = self.session_user(req)
        try:
            ticket = self.ticket_row(text(req, "ticketId"))
        except ServiceError:
            if self.fault("error-as-fault"):
                raise LookupError("ticket not found") from None
            raise
        slevel = self.check_slevel(text(req, "sLevel"))
        attachment_ids = self.linkable_attachments(items(req, "attachmentIds"))
        body, html_body, template = self.compose(req, variant)
        largest = max(len(text(req, k).encode("utf-8", "surrogatepass"))
                      for k in ("messageBody", "htmlMessageBody"))
        if self.variant("body-limit") and largest > BODY_LIMIT:
            raise ServiceError(CUSTOM_ERROR)  # a strict column: refused, nothing stored
        if self.fault("illegal-address-error") and variant > 1:
            given = [str(a) for k in ("To", "Cc", "Bcc") for a in items(req, k)]
            if Recipients.legal(given, [], []).to != given:
                raise ServiceError(CUSTOM_ERROR)
        if (self.fault("internal-notify-external") and slevel == "1"
                and req.get("sendNotification")):
            slevel = "2"
        message_id = self.store_message(ticket["id"], body, html_body, slevel, user)
        if self.fault("body-limit-stores-anyway") and largest > 8000:
            raise _CommittedError(CUSTOM_ERROR)  # refused after the message was stored
        self.link_attachments(message_id, attachment_ids, req)
        self.touch_ticket(ticket, variant, bool(attachment_ids))
        if req.get("sendNotification") or self.fault("notify-when-false"):
            self.notify_message(ticket, user)
        if variant > 1:
            self.queue_mail(req, message_id, ticket, body, html_body, template)
        return {"messageId": self.reported_id(str(message_id))}

    def linkable_attachments(self, given: list[Any]) -> list[int]:
        """Distinct attachment ids in order of first appearance; 16 for an unknown one."""
        ids: list[int] = []
        for raw in dict.fromkeys(str(a) for a in given):
            try:
                ids.append(int(self.attachment_row(raw)["id"]))
            except ServiceError:
                if not (self.fault("unknown-attachment-accepted")
                        or self.fault("no-transaction")):
                    raise
                if self.fault("no-transaction"):
                    ids.append(-1)  # checked again (too late) when linking
        if self.fault("attachment-drop-last") and ids:
            ids = ids[:-1]
        return ids

    def compose(self, req: dict[str, Any], variant: int) -> tuple[str, str, Any]:
        """The stored plain and HTML bodies, after reply-template substitution."""
        body = text(req, "messageBody")
        html_given = text(req, "htmlMessageBody") if variant == 3 else ""
        template = None
        if variant > 1:
            template = self.reply_template(text(req, "replyTemplateId"))
        if template is None:
            return self.mangle(body, variant), html_given, None
        body_html = html_given or html.escape(body, quote=False).replace("\n", "<br>")
        if self.fault("template-not-substituted"):
            return template["plain_body"], template["html_body"], template
        plain = template["plain_body"].replace("%message.body%", body)
        rich = template["html_body"].replace("%message.bodyHtml%", body_html)
        return self.mangle(plain, variant), rich, template

    def reply_template(self, template_id: str) -> Any:
        """The template for ``replyTemplateId`` > 0; None for 0, empty or negative."""
        if template_id.strip() in ("", "0") or re.fullmatch(r"-\d+", template_id.strip()):
            return None
        row = self.store.one("SELECT * FROM reply_templates WHERE id = ?", template_id.strip())
        if row is None:
            raise ServiceError(CUSTOM_ERROR)
        return row

    def mangle(self, body: str, variant: int) -> str:
        """Where body-handling bugs live (each a fault); the identity without faults."""
        if self.fault("body-trim"):
            body = body.strip()
        if self.fault("body-crlf-to-lf"):
            body = body.replace("\r\n", "\n")
        if self.fault("body-truncate"):
            body = body[:1000]
        if self.fault("body-non-bmp"):
            body = "".join("\ufffd" if ord(c) > 0xFFFF else c for c in body)
        if self.fault("body-double-escape"):
            body = html.escape(html.escape(body, quote=False), quote=False)
        if self.fault("msg3-body-newline") and variant == 3:
            body += "\n"
        return body

    def store_message(self, ticket_id: int, body: str, html_body: str, slevel: str,
                      user: str) -> int:
        if self.fault("slevel-ignored"):
            slevel = "1"
        if self.fault("html-body-dropped"):
            html_body = ""
        if self.fault("body-cut-at-byte-limit"):
            body, html_body = (v.encode()[:4000].decode(errors="ignore")
                               for v in (body, html_body))
        columns = "ticket_id, body, html_body, slevel, author, created_at"
        values = (ticket_id, body, html_body, slevel, user, now_iso())
        if self.fault("lost-concurrent-messages"):
            return self.racy_insert(columns, values)
        return self.store.run(f"INSERT INTO messages ({columns}) VALUES (?, ?, ?, ?, ?, ?)",
                              *values)

    def _read_next_id_early(self) -> None:
        """Fault: the next message id is read in a transaction of its own (a classic race)."""
        with self.store.transaction():
            self._local.next_id = int(
                self.store.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM messages"))
        time.sleep(0.01)  # other work between the read and the write widens the window

    def racy_insert(self, columns: str, values: tuple[Any, ...]) -> int:
        next_id = int(self._local.next_id)
        self.store.run(f"INSERT OR REPLACE INTO messages (id, {columns})"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)", next_id, *values)
        return next_id

    def link_attachments(self, message_id: int, ids: list[int], req: dict[str, Any]) -> None:
        for pos, attachment_id in enumerate(ids):
            if attachment_id < 0:  # fault "no-transaction": the error comes too late
                raise _CommittedError(UNKNOWN_ATTACHMENT)
            self.store.run("INSERT INTO message_attachments VALUES (?, ?, ?)",
                           message_id, attachment_id, pos)

    def touch_ticket(self, ticket: Any, variant: int, has_attachment: bool) -> None:
        """Bookkeeping of a new message: last_changed and has_attachment, never status."""
        sets = ["last_changed = ?"]
        params: list[Any] = [now_iso()]
        if has_attachment:
            sets.append("has_attachment = '1'")
        if self.fault("status-reopen") and variant == 1:
            sets.append("status = 'open'")
        if self.fault("status-msg2-closes") and variant == 2:
            sets.append("status = 'closed'")
        if self.fault("ticket-priority-escalated"):
            sets.append("priority = '2'")
        self.store.run(f"UPDATE tickets SET {', '.join(sets)} WHERE id = ?", *params,
                       ticket["id"])

    def reported_id(self, message_id: str) -> str:
        if self._reuse_next and self._last_message_id is not None:
            self._reuse_next = False
            return self._last_message_id
        self._last_message_id = message_id
        return message_id

    def get_message(self, req: dict[str, Any]) -> dict[str, Any]:
        self.session_user(req)
        message_id = text(req, "messageId")
        row = None
        if message_id.isascii() and message_id.isdigit() and len(message_id) < 19:
            row = self.store.one("SELECT * FROM messages WHERE id = ?", int(message_id))
        if row is None:
            raise ServiceError(UNKNOWN_MESSAGE)
        fields = [str(f) for f in items(req, "messageField")] or list(MESSAGE_FIELDS)
        result = []
        for name in fields:
            if name not in MESSAGE_FIELDS:
                raise ServiceError(INVALID_FIELD)
            column, ftype = MESSAGE_FIELDS[name]
            result.append({"field": name, "type": ftype, "value": str(row[column])})
        infos = [
            {"attachmentId": str(a["id"]), "attachmentName": a["name"],
             "contentType": a["content_type"], "attachmentKey": a["attachment_key"]}
            for a in self.store.all(
                "SELECT a.* FROM attachments a JOIN message_attachments m"
                " ON m.attachment_id = a.id WHERE m.message_id = ? ORDER BY m.position",
                row["id"])
        ]
        return {"messageResult": wrap(result), "attachmentInfo": wrap(infos)}

    # notifications -----------------------------------------------------------------------
    def notify(self, user_id: str, kind: int, created_by: str, ticket_id: str,
               message: str) -> None:
        if self.variant("notify-delayed"):  # readable a while after the answer
            self._outbox.append(("note", user_id, kind, created_by, ticket_id, message))
            return
        self.store.run(
            "INSERT INTO notifications (user_id, type, created_by, ticket_id, message,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            user_id, kind, created_by, ticket_id, message, now_iso())

    def notify_message(self, ticket: Any, author: str) -> None:
        if self.fault("notify-missing"):
            return
        recipient = author if self.fault("notify-author") else ticket["owner"]
        if not recipient:
            return
        times = 2 if self.fault("notify-twice") else 1
        for _ in range(times):
            self.notify(recipient, NEW_TICKET_MESSAGE, author, str(ticket["id"]),
                        f"New message in request #{ticket['id']}")

    def alloc_user_notifications(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.session_user(req)
        if self.variant("one-subscription") and self.store.one(
                "SELECT 1 FROM notification_keys WHERE user_id = ? AND revoked = 0"
                " AND expires_at >= ?", user, time.time()):
            raise ServiceError(NOTIFICATION_VIOLATION)  # one subscriber at a time per user
        self.store.run("UPDATE notification_keys SET revoked = 1 WHERE user_id = ?", user)
        cursor = self.store.scalar(
            "SELECT COALESCE(MAX(id), 0) FROM notifications WHERE user_id = ?", user)
        key = new_key()
        self.store.run("INSERT INTO notification_keys VALUES (?, ?, ?, ?, ?, 0)",
                       key, user, text(req, "source"), time.time() + NOTIFICATION_KEY_TTL,
                       cursor)
        return {"notificationKey": key}

    def get_user_notifications(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.session_user(req)
        key = text(req, "notificationKey")
        row = self.store.one("SELECT * FROM notification_keys WHERE notification_key = ?", key)
        if (row is None or row["user_id"] != user or row["revoked"]
                or row["expires_at"] < time.time()):
            raise ServiceError(NOTIFICATION_VIOLATION)
        rows = self.store.all(
            "SELECT * FROM notifications WHERE user_id = ? AND id > ? ORDER BY id",
            user, row["cursor"])
        cursor = rows[-1]["id"] if rows else row["cursor"]
        self.store.run("UPDATE notification_keys SET cursor = ?, expires_at = ?"
                       " WHERE notification_key = ?",
                       cursor, time.time() + NOTIFICATION_KEY_TTL, key)
        return {"userNotifications": wrap([
            {"type": r["type"], "createdBy": r["created_by"], "ticketId": r["ticket_id"],
             "message": r["message"]} for r in rows])}

    # reply templates and mail ------------------------------------------------------------
    def get_reply_template(self, req: dict[str, Any]) -> dict[str, Any]:
        self.session_user(req)
        row = self.store.one("SELECT * FROM reply_templates WHERE id = ?",
                             text(req, "replyTemplateId"))
        if row is None:
            raise ServiceError(CUSTOM_ERROR)
        return {"subject": row["subject"], "headers": row["headers"],
                "plainBody": row["plain_body"], "htmlBody": row["html_body"],
                "hasPlainBody": bool(row["plain_body"]), "hasHtmlBody": bool(row["html_body"])}

    def queue_mail(self, req: dict[str, Any], message_id: int, ticket: Any, body: str,
                   html_body: str, template: Any) -> None:
        recipients = Recipients.legal(*([str(a) for a in items(req, k)]
                                        for k in ("To", "Cc", "Bcc")))
        if self.fault("mail-drops-cc"):
            recipients.cc = []
        envelope = recipients.envelope()
        if not envelope:
            return
        subject = template["subject"] if template else f"[#{ticket['id']}] {ticket['title']}"
        headers = {"X-Ticket-Id": str(ticket["id"]), "X-Message-Id": str(message_id)}
        sent = _variant_mail.mails(subject, body, html_body, recipients, headers,
                                   self.variants, bcc_in_headers=self.fault("bcc-visible"))
        header_text = "".join(f"{k}: {v}\n" for k, v in sent[0][0].items())
        self.store.run("UPDATE messages SET header = ? WHERE id = ?", header_text, message_id)
        for mail, envelope in sent:
            outbox_id = self.store.run(
                "INSERT INTO outbox (message_id, mail_from, recipients, content, status,"
                " created_at) VALUES (?, ?, ?, ?, 'queued', ?)",
                message_id, mail["From"], ", ".join(envelope), mail.as_bytes(), now_iso())
            self._outbox.append((outbox_id, mail, envelope))

    def _deliver(self, outbox: list[tuple[Any, ...]]) -> None:
        """Send the mail of a committed call (never inside the transaction); variants
        notify-delayed and mail-queued do it from a queue a while after the answer."""
        notes = [item[1:] for item in outbox if item[0] == "note"]
        mails = [item for item in outbox if item[0] != "note"]
        if notes:
            self._queue.later(self._write_notes, notes)  # type: ignore[union-attr]
        if mails and self._queue is not None and self.variant("mail-queued"):
            self._queue.later(self._send, mails)
        elif mails:
            self._send(mails)

    def _write_notes(self, notes: list[tuple[Any, ...]]) -> None:
        with self.store.transaction():
            for note in notes:
                self.store.run(
                    "INSERT INTO notifications (user_id, type, created_by, ticket_id, message,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)", *note, now_iso())

    def _send(self, outbox: list[tuple[Any, ...]]) -> None:
        for outbox_id, mail, envelope in outbox:
            status = self.mailer.send(mail, envelope)
            with self.store.transaction():
                self.store.run("UPDATE outbox SET status = ? WHERE id = ?", status, outbox_id)


class _Queue:
    """Variants notify-delayed and mail-queued: work done VARIANT_DELAY seconds after the
    answer, in order, by one worker thread (a target closed meanwhile drops it)."""

    def __init__(self) -> None:
        self._items: queue.Queue[tuple[float, Callable[..., None], Any]] = queue.Queue()
        threading.Thread(target=self._work, name="reference-queue", daemon=True).start()

    def later(self, work: Callable[[Any], None], items: Any) -> None:
        self._items.put((time.monotonic() + VARIANT_DELAY, work, items))

    def _work(self) -> None:
        while True:
            due, work, items = self._items.get()
            time.sleep(max(0.0, due - time.monotonic()))
            try:
                work(items)
            except Exception:  # noqa: BLE001 - the store is closed: nothing to deliver to
                log.debug("queued work dropped: the target was closed")


class _CommittedError(ServiceError):
    """Fault "no-transaction" only: an error found after the writes, returned as a code
    while the writes are committed anyway."""
