"""Notifications of the reference ticket port: allocUserNotifications,
getUserNotifications, and the notifications that newTicket and the addMessage family write
(written at once, or a while after the answer under the variant ``notify-delayed``)."""

from __future__ import annotations

import time
from typing import Any

from conformance.reference.port import (
    NEW_TICKET_MESSAGE,
    NOTIFICATION_VIOLATION,
    ServiceError,
    text,
    wrap,
)
from conformance.reference.sessions import Sessions
from conformance.reference.store import new_key, now_iso

FAULTS: tuple[str, ...] = ("notify-author", "notify-missing", "notify-twice")
VARIANTS: tuple[str, ...] = ("notify-delayed", "notify-unordered", "one-subscription")

NOTIFICATION_KEY_TTL = 300.0


class Notifications(Sessions):
    """The notification operations and the writing of notifications."""

    def notify(self, user_id: str, kind: int, created_by: str, ticket_id: str,
               message: str) -> None:
        if self.variant("notify-delayed") or (  # readable a while after the answer
                self.variant("notify-unordered") and kind == NEW_TICKET_MESSAGE):
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

    def _write_notes(self, notes: list[tuple[Any, ...]]) -> None:
        with self.store.transaction():
            for note in notes:
                self.store.run(
                    "INSERT INTO notifications (user_id, type, created_by, ticket_id, message,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)", *note, now_iso())
