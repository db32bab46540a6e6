"""What addMessage2 and addMessage3 send: the mail of a message queued in the outbox in
the call's transaction and delivered after it commits (through ``mail.py``'s Mailer, shaped
by ``_variant_mail.py``), at once or a while after the answer (variants ``mail-queued`` and
``notify-delayed``); and getReplyTemplate, the templates those mails use."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from conformance.reference import _variant_mail
from conformance.reference.mail import Recipients
from conformance.reference.notifications import Notifications
from conformance.reference.port import CUSTOM_ERROR, ServiceError, items, text
from conformance.reference.store import now_iso

FAULTS: tuple[str, ...] = ("bcc-visible", "mail-body-cut", "mail-cc-as-to", "mail-drops-cc")
VARIANTS: tuple[str, ...] = ("mail-queued",)  # and the mail variants of _variant_mail.py

log = logging.getLogger("conformance.reference")

VARIANT_DELAY = 0.15  # variants notify-delayed and mail-queued: seconds after the answer


class Outbox(Notifications):
    """getReplyTemplate, and the mail of a message from queueing to delivery."""

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
        if self.fault("mail-cc-as-to"):  # every visible recipient in the To header
            recipients.to, recipients.cc = recipients.to + recipients.cc, []
        if self.fault("mail-body-cut"):  # a summary instead of the complete body
            body = body[:60]
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

    def _send(self, outbox: list[tuple[Any, ...]]) -> None:
        for outbox_id, mail, envelope in outbox:
            status = self.mailer.send(mail, envelope)
            with self.store.transaction():
                self.store.run("UPDATE outbox SET status = ? WHERE id = ?", status, outbox_id)


class DelayQueue:
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
