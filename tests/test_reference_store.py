"""The reference target's store helpers: the timestamp every row is stamped with."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conformance.reference import store


def test_now_iso_is_the_current_utc_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1_700_000_000.25]
    monkeypatch.setattr(store.time, "time", lambda: clock[0])
    assert store.now_iso() == "2023-11-14 22:13:20"
    clock[0] = 1_700_000_000.99  # the same second: the same text
    assert store.now_iso() == "2023-11-14 22:13:20"
    clock[0] = 1_700_000_001.0  # the next second is formatted anew
    assert store.now_iso() == "2023-11-14 22:13:21"
    clock[0] = 1_600_000_000.0  # a clock set back is followed too
    assert store.now_iso() == "2020-09-13 12:26:40"


def test_now_iso_follows_the_real_clock() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = datetime.strptime(store.now_iso(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    after = datetime.now(UTC)
    assert before <= stamp <= after
