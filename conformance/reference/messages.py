"""Messages and attachments of the reference ticket port: addMessage, addMessage2 and
addMessage3 (one message, never a status change), getMessage, addAttachment and
getAttachment. Where most of the fault catalogue lives: the bugs of a message's way in."""

from __future__ import annotations

import base64
import html
import re
import time
from typing import Any

from conformance.reference._variant_values import canonical_media_type
from conformance.reference.mail import Recipients
from conformance.reference.port import (
    ATTACHMENT_IN_USE,
    CUSTOM_ERROR,
    INVALID_FIELD,
    UNKNOWN_ATTACHMENT,
    UNKNOWN_MESSAGE,
    CommittedError,
    ServiceError,
    items,
    text,
    wrap,
)
from conformance.reference.store import new_key, now_iso
from conformance.reference.tickets import MESSAGE_FIELDS, Tickets

FAULTS: tuple[str, ...] = (
    "attachment-bytes-altered", "attachment-drop-last", "attachment-type-generic",
    "body-crlf-to-lf", "body-cut-at-byte-limit", "body-double-escape", "body-limit-stores-anyway",
    "body-non-bmp", "body-trim", "body-truncate", "error-as-fault", "html-body-dropped",
    "illegal-address-error", "internal-notify-external", "lost-concurrent-messages",
    "mail-before-validation", "message-on-previous-ticket", "msg3-body-newline",
    "no-transaction", "notify-when-false", "slevel-ignored",
    "status-msg2-closes", "status-reopen", "template-html-ignored", "template-not-substituted",
    "ticket-priority-escalated", "unknown-attachment-accepted")
VARIANTS: tuple[str, ...] = ("attachment-in-use", "body-limit", "media-type-canonical",
                             "no-html-field", "template-variables", "tidy-names")
BODY_LIMIT = 65535  # variant "body-limit": UTF-8 bytes of each body (a TEXT column)


class Messages(Tickets):
    """The message and attachment operations."""

    def add_attachment(self, req: dict[str, Any]) -> dict[str, Any]:
        user = self.session_user(req)
        raw = base64.b64decode("".join(text(req, "data").split()))
        content_type = text(req, "contentType")
        if self.variant("media-type-canonical"):
            content_type = canonical_media_type(content_type)
        name = text(req, "attachmentName")
        if self.variant("tidy-names"):  # the file name alone, its white space tidied
            name = " ".join(re.split(r"[\\/]", name)[-1].split()) or "attachment"
        attachment_id = self.store.run(
            "INSERT INTO attachments (name, content_type, data, attachment_key, created_by)"
            " VALUES (?, ?, ?, ?, ?)", name, content_type, raw, new_key(), user)
        return {"attachmentId": str(attachment_id)}

    def attachment_row(self, attachment_id: str) -> Any:
        row = None
        number = self.id_number(attachment_id)
        if number is not None:
            row = self.store.one("SELECT * FROM attachments WHERE id = ?", number)
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
        if self.fault("mail-before-validation") and variant > 1:
            self.mail_at_once(req, ticket)  # before anything is checked
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
        if self.fault("message-on-previous-ticket"):
            self.copy_to_previous_ticket(ticket["id"], body, html_body, slevel, user)
        if self.fault("body-limit-stores-anyway") and largest > 8000:
            raise CommittedError(CUSTOM_ERROR)  # refused after the message was stored
        self.link_attachments(message_id, attachment_ids, req)
        self.touch_ticket(ticket, variant, bool(attachment_ids))
        if req.get("sendNotification") or self.fault("notify-when-false"):
            self.notify_message(ticket, user)
        if variant > 1:
            self.queue_mail(req, message_id, ticket, body, html_body, template)
        return {"messageId": self.reported_id(str(message_id))}

    def copy_to_previous_ticket(self, ticket_id: int, body: str, html_body: str, slevel: str,
                                user: str) -> None:
        """Fault message-on-previous-ticket: a stale "current ticket" also gets the
        message (a copy on the ticket of the previous addMessage call)."""
        previous = self._previous_message_ticket
        if previous is not None and previous != ticket_id:
            self.store.run("INSERT INTO messages (ticket_id, body, html_body, slevel, author,"
                           " created_at) VALUES (?, ?, ?, ?, ?, ?)", previous, body,
                           html_body, slevel, user, now_iso())
        self._previous_message_ticket = ticket_id

    def mail_at_once(self, req: dict[str, Any], ticket: Any) -> None:
        """Fault mail-before-validation: the mail of the message sent at once, before the
        call is checked (so a call that then fails has mailed all the same)."""
        start = len(self._outbox)
        self.queue_mail(req, 0, ticket, text(req, "messageBody"),
                        text(req, "htmlMessageBody"), None)
        sent = self._outbox[start:]
        del self._outbox[start:]
        self._send([item for item in sent if item[0] != "note"])

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
        if self.variant("attachment-in-use") and any(
                self.store.one("SELECT 1 FROM message_attachments WHERE attachment_id = ?", i)
                for i in ids if i > 0):
            raise ServiceError(ATTACHMENT_IN_USE)  # one message per attachment
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
        plain = template["plain_body"]
        if self.variant("template-variables"):
            ticket = self.ticket_row(text(req, "ticketId"))
            for name, value in (("%ticket.id%", str(ticket["id"])),
                                ("%ticket.title%", ticket["title"]),
                                ("%user.name%", "Egon")):
                plain = plain.replace(name, value)
        plain = plain.replace("%message.body%", body)
        rich = template["html_body"].replace("%message.bodyHtml%", body_html)
        if self.fault("template-html-ignored") and html_given:
            rich = html_given  # the HTML body given, not the template's
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
                raise CommittedError(UNKNOWN_ATTACHMENT)
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
        number = self.id_number(message_id)
        if number is not None:
            row = self.store.one("SELECT * FROM messages WHERE id = ?", number)
        if row is None:
            raise ServiceError(UNKNOWN_MESSAGE)
        fields = [str(f) for f in items(req, "messageField")] or list(MESSAGE_FIELDS)
        result = []
        for name in fields:
            if name not in MESSAGE_FIELDS or (
                    name == "message.html_body" and self.variant("no-html-field")):
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
