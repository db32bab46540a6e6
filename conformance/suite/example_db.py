"""The shared example database: failures found by one run are tried first by the next run
against the same target and contract (Hypothesis' own databases do the storing).

``--example-db`` is a directory (Hypothesis' ``DirectoryBasedExampleDatabase``),
``redis://HOST:PORT/DB`` (``RedisExampleDatabase``, for many runners), or ``none``; the
default is ``<report-dir>/.examples``. With ``--example-db-readonly`` the shared database is
read but not written (``ReadOnlyDatabase``); new failures go to the local default directory
(``MultiplexedDatabase``), so pull-request runs replay what nightly runs found.

Each check's examples live under a key of their own, derived from the target (its endpoint,
or the embedded target and its faults), the contract's sha256 and the check id, so targets
and contracts never mix. Failing *fixed* examples (systematic coverage outside Hypothesis'
generation) are kept as JSON under the same key plus ``.fixed``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis.database import (
    DirectoryBasedExampleDatabase,
    ExampleDatabase,
    MultiplexedDatabase,
    ReadOnlyDatabase,
)

DEFAULT_DIR = ".examples"


class ExampleDbError(Exception):
    """The example database cannot be opened: a configuration error (exit 2)."""


def open_database(spec: str | None, report_dir: Path, readonly: bool = False
                  ) -> ExampleDatabase | None:
    """The database ``--example-db`` names (None for ``none``)."""
    spec = (spec or "default").strip()
    if spec.lower() == "none":
        return None
    local = DirectoryBasedExampleDatabase(str(report_dir / DEFAULT_DIR))
    if spec.lower() == "default":
        return ReadOnly(local) if readonly else local
    shared = _redis(spec) if spec.startswith(("redis://", "rediss://", "unix://")) else (
        DirectoryBasedExampleDatabase(spec))
    return Layers(local, ReadOnly(shared)) if readonly else shared


class ReadOnly(ReadOnlyDatabase):
    """``ReadOnlyDatabase`` that says what it reads (``layer``)."""

    def __init__(self, layer: ExampleDatabase) -> None:
        super().__init__(layer)
        self.layer = layer


class Layers(MultiplexedDatabase):
    """``MultiplexedDatabase`` that says what it is made of (``layers``)."""

    def __init__(self, *layers: ExampleDatabase) -> None:
        super().__init__(*layers)
        self.layers = layers


def _redis(url: str) -> ExampleDatabase:
    try:
        import redis
        from hypothesis.extra.redis import RedisExampleDatabase
    except ImportError:
        raise ExampleDbError(f"--example-db {url}: the redis package is not installed "
                             "(pip install 'addmessage-conformance[redis]')") from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
        client.ping()
    except (ValueError, redis.RedisError) as exc:
        raise ExampleDbError(f"cannot use the example database {url}: {exc}") from None
    return RedisExampleDatabase(client)


def target_key(endpoint: str, embedded: bool, faults: list[str]) -> str:
    """What identifies a target across runs (the embedded one's port changes every run)."""
    return "embedded:" + ",".join(sorted(faults)) if embedded else endpoint


class KeyedDatabase(ExampleDatabase):
    """``database`` with every key prefixed by a check's own key (Hypothesis keys a test by
    its function, and every check runs through the same function)."""

    def __init__(self, database: ExampleDatabase, prefix: bytes) -> None:
        super().__init__()
        self.database = database
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"KeyedDatabase({self.database!r}, {self.prefix!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyedDatabase) and (self.database, self.prefix) == (
            other.database, other.prefix)

    def __hash__(self) -> int:
        return hash(self.prefix)

    def save(self, key: bytes, value: bytes) -> None:
        self.database.save(self.prefix + key, value)

    def fetch(self, key: bytes) -> Iterable[bytes]:
        return self.database.fetch(self.prefix + key)

    def delete(self, key: bytes, value: bytes) -> None:
        self.database.delete(self.prefix + key, value)

    def move(self, src: bytes, dest: bytes, value: bytes) -> None:
        self.database.move(self.prefix + src, self.prefix + dest, value)


class PendingWrites(ExampleDatabase):
    """``database`` as it will be once the writes made through this one are applied: they
    are kept until ``apply`` (or dropped with it), so a check run provisionally
    (provisional.py) writes only once its outcome is the one kept, and a run made again
    starts from what the database held before."""

    def __init__(self, database: ExampleDatabase) -> None:
        super().__init__()
        self.database = database
        self.writes: list[tuple[bool, bytes, bytes]] = []  # (saved: else deleted, key, value)

    def __repr__(self) -> str:
        return f"PendingWrites({self.database!r})"

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)

    def save(self, key: bytes, value: bytes) -> None:
        self.writes.append((True, key, value))

    def delete(self, key: bytes, value: bytes) -> None:
        self.writes.append((False, key, value))

    def fetch(self, key: bytes) -> Iterable[bytes]:
        values = list(dict.fromkeys(self.database.fetch(key)))
        for saved, written, value in self.writes:
            if written == key and saved and value not in values:
                values.append(value)
            elif written == key and not saved and value in values:
                values.remove(value)
        return values

    def apply(self) -> None:
        """Make the writes kept in ``database``, in the order they were made."""
        for saved, key, value in self.writes:
            (self.database.save if saved else self.database.delete)(key, value)
        self.writes.clear()


def pending_writes(database: ExampleDatabase) -> tuple[ExampleDatabase, list[PendingWrites]]:
    """``database`` with each layer that is written to in a ``PendingWrites`` of its own
    (a read-only layer drops writes, and still does), and those ``PendingWrites``."""
    if isinstance(database, ReadOnly | ReadOnlyDatabase):
        return database, []
    if isinstance(database, Layers):
        parts = [pending_writes(layer) for layer in database.layers]
        return Layers(*(layer for layer, _pending in parts)), [
            pending for _layer, kept in parts for pending in kept]
    kept = PendingWrites(database)
    return kept, [kept]


def check_key(target: str, contract_sha256: str, check_id: str) -> bytes:
    digest = hashlib.sha256(f"{target}\0{contract_sha256}".encode()).hexdigest()[:24]
    return f"conformance:{digest}:{check_id}:".encode()


class FixedFailures:
    """Failing fixed examples of one check, kept as JSON so the next run tries them first."""

    def __init__(self, database: ExampleDatabase | None, key: bytes) -> None:
        self.database = database
        self.key = key + b"fixed"

    def load(self) -> list[Any]:
        if self.database is None:
            return []
        found = []
        for raw in sorted(self.database.fetch(self.key)):
            try:
                found.append(_from_json(json.loads(raw)))
            except ValueError:
                continue  # not ours, or from an older version: ignore
        return found

    def remember(self, example: Any) -> None:
        encoded = _encoded(example)
        if self.database is not None and encoded is not None:
            self.database.save(self.key, encoded)

    def forget(self, example: Any) -> None:
        encoded = _encoded(example)
        if self.database is not None and encoded is not None:
            self.database.delete(self.key, encoded)


def _encoded(example: Any) -> bytes | None:
    try:
        return json.dumps({"tuple": isinstance(example, tuple), "value": example},
                          sort_keys=True, ensure_ascii=False).encode()
    except (TypeError, ValueError):
        return None  # not JSON: it is not kept


def _from_json(data: Any) -> Any:
    if not isinstance(data, dict) or "value" not in data:
        raise ValueError("not a fixed example")
    return tuple(data["value"]) if data.get("tuple") else data["value"]


def same(a: Any, b: Any) -> bool:
    return _encoded(a) == _encoded(b)
