"""The CI-at-scale options of a run, applied to its :class:`SuiteConfig` the same way by
``conformance run`` and by the pytest plugin: the example database, ``--shard K/N`` and
the known-failure ``--baseline``. A bad value raises ``ValueError`` with one line."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.suite.config import SuiteConfig
from conformance.suite.registry import select

SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_shard(value: str) -> tuple[int, int]:
    match = SHARD.fullmatch(value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard {value!r}: expected K/N with 1 <= K <= N (e.g. 2/4)")
    return int(match[1]), int(match[2])


def shard_checks(checks: list[str], shard: tuple[int, int]) -> list[str]:
    """The K-th of N shares of the selected checks: every N-th check in id order, starting
    with the K-th, so that the N shares are disjoint, cover the selection, and are the same
    on every runner. Kept in the order the suite runs them."""
    index, total = shard
    ids = [c.id for c in select(checks)]
    mine = set(sorted(ids)[index - 1::total])
    picked = [i for i in ids if i in mine]
    if not picked:
        raise ValueError(f"--shard {index}/{total}: no check falls in this shard (only "
                         f"{len(ids)} checks are selected)")
    return picked


def configure(config: SuiteConfig, *, report_dir: Path, example_db: str | None,
              readonly: bool = False, shard: str | None = None,
              baseline: str | None = None) -> SuiteConfig:
    from conformance.suite.example_db import ExampleDbError, open_database

    if shard:
        try:
            select(config.checks)
        except KeyError as exc:
            raise ValueError(str(exc.args[0])) from None
        config.shard = parse_shard(shard)
        config.shard_of = [c.id for c in select(config.checks)]
        config.checks = shard_checks(config.checks, config.shard)
    if baseline:
        from conformance.suite.baseline import BaselineError, load_baseline

        try:
            config.baseline = load_baseline(Path(baseline))
        except BaselineError as exc:
            raise ValueError(str(exc)) from None
    try:
        config.example_db = open_database(example_db, report_dir, readonly)
    except ExampleDbError as exc:
        raise ValueError(str(exc)) from None
    return config
