"""The shared example database: a failure found by one run is the first example the next
run tries, in another process, through a directory (the default) or a real redis-server;
a read-only layer reads the shared database without writing to it; failing fixed examples
are kept and tried first too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from redis_server import redis_url  # noqa: F401  (a fixture)

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.example_db import (
    DEFAULT_DIR,
    KeyedDatabase,
    Layers,
    PendingWrites,
    ReadOnly,
    check_key,
    open_database,
    pending_writes,
    target_key,
)
from conformance.suite.registry import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
# A fault that generation finds (no fixed example covers it), after a dozen examples or more.
FAULT, CHECK = "slevel-ignored", "AM-SLEVEL"


def run(report_dir: Path, seed: int, *extra: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--fault", FAULT, "--check", CHECK,
         "--profile", "quick", "--seed", str(seed), "--report-dir", str(report_dir), *extra],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("CONFORMANCE_")})
    assert done.returncode == 1, done.stdout + done.stderr
    check = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))["checks"][0]
    assert check["id"] == CHECK and check["status"] == "failed", check
    return check


def assert_replayed_first(first: dict[str, Any], second: dict[str, Any]) -> None:
    """Run A searched and shrank; run B (another seed) failed on its first example, the
    saved one (then Hypothesis runs the failing example once more to report it)."""
    assert first["examples"] > 5, first["examples"]
    assert second["examples"] <= 2, second["examples"]
    assert second["failure"]["example"] == first["failure"]["example"]


def test_default_directory_next_to_the_reports_replays_a_failure_first(tmp_path: Path
                                                                       ) -> None:
    first = run(tmp_path, 1)
    assert (tmp_path / DEFAULT_DIR).is_dir()
    assert_replayed_first(first, run(tmp_path, 2))
    assert run(tmp_path, 2, "--example-db", "none")["examples"] > 5  # no database: a search


def test_redis_database_shared_by_two_processes_and_a_read_only_layer(
        tmp_path: Path, redis_url: str) -> None:  # noqa: F811
    import redis

    first = run(tmp_path / "nightly", 1, "--example-db", redis_url)
    client = redis.Redis.from_url(redis_url)
    stored = sorted(client.keys("*"))
    assert stored, "run A saved nothing in redis"
    before = {key: sorted(client.smembers(key)) for key in stored
              if client.type(key) == b"set"}
    second = run(tmp_path / "pull-request", 2, "--example-db", redis_url,
                 "--example-db-readonly")
    assert_replayed_first(first, second)
    after = {key: sorted(client.smembers(key)) for key in sorted(client.keys("*"))
             if client.type(key) == b"set"}
    assert after == before  # read-only: run B wrote nothing to the shared database
    assert (tmp_path / "pull-request" / DEFAULT_DIR).is_dir()  # ... but kept what it found


def test_unreachable_redis_is_a_configuration_error(tmp_path: Path) -> None:
    from helpers import free_port

    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--report-dir",
         str(tmp_path), "--example-db", f"redis://127.0.0.1:{free_port()}/0"],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot use the example database redis://127.0.0.1" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("phase", "words"), [("fixed", "fixed example"),
                                              ("coverage", "the coverage phase")])
def test_failing_fixed_examples_are_kept_and_tried_first(phase: str, words: str,
                                                         tmp_path: Path) -> None:
    database = DirectoryBasedExampleDatabase(str(tmp_path / "db"))

    def examples_seen() -> tuple[list[Any], str]:
        seen: list[Any] = []

        def body(example: Any) -> None:
            seen.append(example)
            if example == {"n": 777}:
                raise CheckFailed("777 is refused")

        with runner.embedded_target([]) as embedded:
            config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                                 owner_user="", owner_password="", owner_id="",
                                 profile=PROFILES["quick"], seed=5, example_db=database)
            runner.embedded_config(config, embedded.target.endpoint)
            ctx = runner.prepare(config, embedded.capture).context
            assert ctx is not None
            with pytest.raises(CheckFailed) as failed:
                ctx.run_examples("X-FIXED", st.builds(dict, n=st.integers(0, 9)), body,
                                 **{phase: [{"n": 1}, {"n": 777}]})
        return seen, str(failed.value)

    seen, message = examples_seen()
    assert seen[0] != {"n": 777} and words in message
    seen, message = examples_seen()
    assert seen[0] == {"n": 777} and "saved by an earlier run" in message
    assert len(seen) == 1


def test_targets_and_contracts_do_not_share_examples(tmp_path: Path) -> None:
    database = DirectoryBasedExampleDatabase(str(tmp_path))
    keys = {check_key(target_key("http://a/soap", False, []), "sha-1", CHECK),
            check_key(target_key("http://b/soap", False, []), "sha-1", CHECK),
            check_key(target_key("http://a/soap", False, []), "sha-2", CHECK),
            check_key(target_key("", True, []), "sha-1", CHECK),
            check_key(target_key("", True, [FAULT]), "sha-1", CHECK)}
    assert len(keys) == 5
    one, other = (KeyedDatabase(database, key) for key in sorted(keys)[:2])
    one.save(b"k", b"v")
    assert list(one.fetch(b"k")) == [b"v"] and list(other.fetch(b"k")) == []


def test_pending_writes_are_read_through_and_written_only_when_applied(tmp_path: Path) -> None:
    database = DirectoryBasedExampleDatabase(str(tmp_path))
    database.save(b"k", b"kept")
    database.save(b"k", b"forgotten")
    pending = PendingWrites(database)
    pending.save(b"k", b"new")
    pending.delete(b"k", b"forgotten")
    pending.move(b"k", b"other", b"kept")
    assert sorted(pending.fetch(b"k")) == [b"new"] and list(pending.fetch(b"other")) == [
        b"kept"]
    assert sorted(database.fetch(b"k")) == [b"forgotten", b"kept"]  # nothing written yet
    pending.apply()
    assert sorted(database.fetch(b"k")) == [b"new"] and list(database.fetch(b"other")) == [
        b"kept"]
    assert pending.writes == []


def test_pending_writes_leave_read_only_layers_as_they_are(tmp_path: Path) -> None:
    """--example-db-readonly: a read-only layer drops writes, also while they are kept."""
    shared = DirectoryBasedExampleDatabase(str(tmp_path / "shared"))
    shared.save(b"k", b"shared")
    readonly = open_database(str(tmp_path / "shared"), tmp_path / "reports", readonly=True)
    assert isinstance(readonly, Layers)
    direct = open_database(str(tmp_path / "shared"), tmp_path / "direct", readonly=True)
    composed, kept = pending_writes(readonly)
    for database in (direct, composed):
        assert database is not None
        database.save(b"k", b"new")
        database.delete(b"k", b"shared")  # dropped by the shared layer
        assert sorted(database.fetch(b"k")) == [b"new", b"shared"]
    assert len(kept) == 1 and sorted(readonly.fetch(b"k")) == [b"shared"]  # not yet written
    for pending in kept:
        pending.apply()
    assert sorted(readonly.fetch(b"k")) == [b"new", b"shared"]
    assert list(shared.fetch(b"k")) == [b"shared"]
    only = ReadOnly(DirectoryBasedExampleDatabase(str(tmp_path / "local")))
    assert pending_writes(only) == (only, [])
