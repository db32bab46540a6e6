"""The operations of the ticket port, with the documented semantics: the service the WSGI
app dispatches to.

Each handler takes the decoded request (a dict of the wrapper's children, as the contract
decodes it) and returns the response dict. Documented failures raise :class:`ServiceError`
with the error code; :meth:`TicketService.call` runs every call in one transaction, so a
failed call changes nothing, and turns the error into the ``errorCode`` of the response.

The operations live by what they do, each class on the one below it: ``sessions.py`` ->
``notifications.py`` -> ``outbox.py`` (mail) -> ``tickets.py`` -> ``messages.py`` (messages
and attachments); ``port.py`` holds the error codes and the shared state. Fault switches
(see ``faults.py``) sit where each bug would really live, each module naming its own in
``FAULTS`` / ``VARIANTS``; with no fault switched on, every ``self.fault(...)`` test is false
and the code is the faultless path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from conformance.reference.mail import Mailer
from conformance.reference.messages import Messages
from conformance.reference.outbox import DelayQueue
from conformance.reference.port import (
    OK,
    CommittedError,
    ServiceError,
    items,
    text,
    wrap,
)
from conformance.reference.store import Store

__all__ = ["ServiceError", "TicketService", "items", "text", "wrap"]

FAULTS: tuple[str, ...] = ("lost-concurrent-messages", "message-id-reuse")
VARIANTS: tuple[str, ...] = ("mail-queued", "notify-delayed", "notify-unordered")


class TicketService(Messages):
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
        self._queue = DelayQueue() if variants & {"notify-delayed", "notify-unordered",
                                                     "mail-queued"} else None
        self.session_ttl = session_ttl
        self._last_message_id = None  # fault "message-id-reuse" only
        self._previous_message_ticket = None  # fault "message-on-previous-ticket" only
        self._reuse_next = False
        self._local = threading.local()  # fault "lost-concurrent-messages" only
        self._outbox = []
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
                except CommittedError as exc:  # fault "no-transaction": writes stay
                    return {"errorCode": exc.code}
        except ServiceError as exc:
            if operation.startswith("addMessage"):
                self._reuse_next = self.fault("message-id-reuse")
            return {"errorCode": exc.code}
        self._deliver(outbox)
        return {"errorCode": OK, **response}
