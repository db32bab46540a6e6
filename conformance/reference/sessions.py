"""Sessions of the reference ticket port: login, logout, and the session key every other
operation presents (a sliding expiry of ``session_ttl`` seconds)."""

from __future__ import annotations

import time
from typing import Any

from conformance.reference.port import (
    INCORRECT_LOGIN_USER,
    INVALID_SESSION,
    UNKNOWN_TICKET,
    Operations,
    ServiceError,
    text,
)
from conformance.reference.store import new_key

FAULTS: tuple[str, ...] = ("logout-ignored", "session-error-13")
VARIANTS: tuple[str, ...] = ()


class Sessions(Operations):
    """login, logout and the session check of every operation."""

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
