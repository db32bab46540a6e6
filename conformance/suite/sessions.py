"""Session hygiene: which sessions a run opened and closed, and the owner's notification
subscription carried over from one run to the next.

A run logs in once per user, logs out every session it opened at the end, and lists them
(user, role, why, opened/closed; never a key: keys are secrets) in results.json and the
report. The port has no operation that ends a notification subscription
(allocUserNotifications has no counterpart in the contract), and the reference pages say
only that the key "lives 5 minutes and is renewed on each use; one subscriber at a time per
user". A target that refuses a second live subscriber would refuse the next run for five
minutes; so the suite keeps its notification key (a secret: in a file readable by the user
only, never in a report) and the next run against the same endpoint and owner reuses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

NOTIFICATION_KEY_LIFETIME_S = 300.0  # "the key lives 5 minutes and is renewed on each use"
ENV_CACHE_DIR = "CONFORMANCE_CACHE_DIR"


@dataclass
class SessionRecord:
    user: str
    role: str  # agent | owner
    purpose: str
    closed: bool = False
    closed_by: str = ""  # "logout at the end of the run", "the check's own logout"
    problem: str = ""


@dataclass
class SessionLog:
    """The sessions of a run; looked up by key, listed without keys."""

    records: list[SessionRecord] = field(default_factory=list)
    _by_key: dict[str, SessionRecord] = field(default_factory=dict)

    def opened(self, key: str, user: str, role: str, purpose: str) -> None:
        record = SessionRecord(user, role, purpose)
        self.records.append(record)
        self._by_key[key] = record

    def closed(self, key: str, by: str, problem: str = "") -> None:
        record = self._by_key.get(key)
        if record is not None:
            record.closed, record.closed_by, record.problem = not problem, by, problem

    def open_keys(self) -> list[str]:
        return [key for key, record in self._by_key.items() if not record.closed]

    def summary(self) -> dict[str, Any]:
        listed = [asdict(r) for r in self.records]
        return {"opened": len(listed), "closed": sum(r["closed"] for r in listed),
                "sessions": listed}


def _cache_file() -> Path:
    base = os.environ.get(ENV_CACHE_DIR) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "conformance")
    return Path(base) / "subscriptions.json"


def _slot(endpoint: str, owner_user: str) -> str:
    return hashlib.sha256(f"{endpoint}\n{owner_user}".encode()).hexdigest()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_subscription(endpoint: str, owner_user: str) -> str | None:
    """The notification key an earlier run left for this endpoint and owner, if still
    within its lifetime."""
    entry = _read(_cache_file()).get(_slot(endpoint, owner_user)) or {}
    if time.time() - float(entry.get("last_used", 0)) > NOTIFICATION_KEY_LIFETIME_S:
        return None
    return str(entry.get("key") or "") or None


def save_subscription(endpoint: str, owner_user: str, key: str) -> None:
    """Keep ``key`` for the next run (a file only its user can read); errors are ignored:
    the next run then allocates a subscription of its own."""
    path = _cache_file()
    now = time.time()
    data = {slot: entry for slot, entry in _read(path).items() if isinstance(entry, dict)
            and now - float(entry.get("last_used", 0)) <= NOTIFICATION_KEY_LIFETIME_S}
    data[_slot(endpoint, owner_user)] = {"key": key, "last_used": now}
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(path.with_suffix(".tmp"), path)
    except OSError:
        pass
