"""SQLite state of the reference target: schema, seeding from ``fixtures/``, and the data
access the service needs. One connection guarded by a lock; every SOAP call runs in one
transaction (:meth:`Store.transaction`), so a failed call changes nothing.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conformance.resources import data_dir

FIXTURES_DIR = data_dir("fixtures")
SEED_FILE = FIXTURES_DIR / "seed.json"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, user_name TEXT UNIQUE NOT NULL, password TEXT NOT NULL, name TEXT);
CREATE TABLE IF NOT EXISTS categories (id TEXT PRIMARY KEY, name TEXT, default_owner TEXT);
CREATE TABLE IF NOT EXISTS priorities (id TEXT PRIMARY KEY, name TEXT);
CREATE TABLE IF NOT EXISTS customers (id TEXT PRIMARY KEY, name TEXT, email TEXT);
CREATE TABLE IF NOT EXISTS sessions (
    session_key TEXT PRIMARY KEY, user_id TEXT NOT NULL, expires_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, status TEXT NOT NULL,
    category TEXT, priority TEXT, owner TEXT, cust_id TEXT, slevel TEXT NOT NULL,
    created_at TEXT NOT NULL, last_changed TEXT NOT NULL, replied_at TEXT, closed_at TEXT,
    read_by_customer TEXT NOT NULL DEFAULT '0', has_attachment TEXT NOT NULL DEFAULT '0');
CREATE TABLE IF NOT EXISTS ticket_customers (
    ticket_id INTEGER NOT NULL, customer_id TEXT NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ticket_extra (
    ticket_id INTEGER NOT NULL, field TEXT NOT NULL, value TEXT, PRIMARY KEY (ticket_id, field));
CREATE TABLE IF NOT EXISTS attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, content_type TEXT NOT NULL,
    data BLOB NOT NULL, attachment_key TEXT NOT NULL, created_by TEXT);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, ticket_id INTEGER NOT NULL, body TEXT NOT NULL,
    html_body TEXT NOT NULL, slevel TEXT NOT NULL, author TEXT NOT NULL,
    created_at TEXT NOT NULL, header TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS message_attachments (
    message_id INTEGER NOT NULL, attachment_id INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, type INTEGER NOT NULL,
    created_by TEXT NOT NULL, ticket_id TEXT NOT NULL, message TEXT NOT NULL,
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notification_keys (
    notification_key TEXT PRIMARY KEY, user_id TEXT NOT NULL, source TEXT NOT NULL,
    expires_at REAL NOT NULL, cursor INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS reply_templates (
    id TEXT PRIMARY KEY, subject TEXT, headers TEXT, plain_body TEXT, html_body TEXT);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, message_id INTEGER, mail_from TEXT NOT NULL,
    recipients TEXT NOT NULL, content BLOB NOT NULL, status TEXT NOT NULL,
    created_at TEXT NOT NULL);
-- getTicket lists a ticket's messages, getMessage a message's attachments: indexed, so a
-- read costs the same however many messages the other tickets hold.
CREATE INDEX IF NOT EXISTS messages_by_ticket ON messages (ticket_id, id);
CREATE INDEX IF NOT EXISTS attachments_by_message ON message_attachments (message_id);
"""


_stamp: tuple[int, str] = (-1, "")  # the last second formatted, and its text


def now_iso() -> str:
    """The current UTC time to the second, as the store keeps it (formatted once a second:
    every call stamps a row or two)."""
    global _stamp
    second = int(time.time())
    if _stamp[0] != second:
        _stamp = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%d %H:%M:%S"))
    return _stamp[1]


def new_key() -> str:
    return secrets.token_hex(16)


class Store:
    """The target's database. ``path=None`` keeps it in memory for this process."""

    def __init__(self, path: str | Path | None = None, seed_file: Path = SEED_FILE) -> None:
        self.path = str(path) if path else ":memory:"
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path != ":memory:":
            self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(SCHEMA)
        if self.scalar("SELECT COUNT(*) FROM users") == 0:
            with self.transaction():
                self._seed(json.loads(seed_file.read_text(encoding="utf-8")), seed_file.parent)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Serialise a call and make it atomic: commit on success, roll back on any error."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def close(self) -> None:
        with self.lock:
            self.db.close()

    # small query helpers -----------------------------------------------------------------
    def one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        return self.db.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def run(self, sql: str, *params: Any) -> int:
        """Execute a statement; returns the last inserted row id."""
        return int(self.db.execute(sql, params).lastrowid or 0)

    # seeding -----------------------------------------------------------------------------
    def _seed(self, seed: dict[str, Any], base: Path) -> None:
        for user in seed["users"]:
            self.run("INSERT INTO users VALUES (?, ?, ?, ?)",
                     user["id"], user["userName"], user["password"], user["name"])
        for cat in seed["categories"]:
            self.run("INSERT INTO categories VALUES (?, ?, ?)",
                     cat["id"], cat["name"], cat.get("defaultOwner"))
        for prio in seed["priorities"]:
            self.run("INSERT INTO priorities VALUES (?, ?)", prio["id"], prio["name"])
        for cust in seed["customers"]:
            self.run("INSERT INTO customers VALUES (?, ?, ?)",
                     cust["id"], cust["name"], cust["email"])
        stamp = now_iso()
        for t in seed["tickets"]:
            self.run(
                "INSERT INTO tickets (id, title, status, category, priority, owner, cust_id,"
                " slevel, created_at, last_changed, closed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                int(t["id"]), t["title"], t["status"], t["category"], t["priority"],
                t["owner"], t["customer"], t["slevel"], stamp, stamp,
                stamp if t["status"] == "closed" else None)
            self.run("INSERT INTO ticket_customers VALUES (?, ?, 0)", int(t["id"]), t["customer"])
        for a in seed["attachments"]:
            self.run("INSERT INTO attachments VALUES (?, ?, ?, ?, ?, NULL)",
                     int(a["id"]), a["name"], a["contentType"],
                     (base / a["file"]).read_bytes(), new_key())
        for r in seed["replyTemplates"]:
            self.run("INSERT INTO reply_templates VALUES (?, ?, ?, ?, ?)",
                     r["id"], r["subject"], r["headers"], r["plainBody"], r["htmlBody"])
