"""The CI-at-scale options of a run, applied to its :class:`SuiteConfig` the same way by
``conformance run`` and by the pytest plugin: the example database, ``--shard K/N`` (by
check, and by slice of the largest checks: suite/slices.py) and the known-failure
``--baseline``. A bad value raises ``ValueError`` with one line."""

from __future__ import annotations

import re
from pathlib import Path

from conformance.suite.catalogue import select
from conformance.suite.config import SuiteConfig
from conformance.suite.slices import shard_units, slice_count, units

SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


def parse_shard(value: str) -> tuple[int, int]:
    match = SHARD.fullmatch(value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"--shard {value!r}: expected K/N with 1 <= K <= N (e.g. 2/4)")
    return int(match[1]), int(match[2])


def shard_checks(checks: list[str], shard: tuple[int, int], slices: int = 1) -> list[str]:
    """The checks of the K-th of N shares of the selection (suite/slices.py: the units are
    the checks, and the slices of each sliced check when a profile has ``slices`` > 1),
    kept in the order the suite runs them."""
    return list(shard_plan(checks, shard, slices))


def shard_plan(checks: list[str], shard: tuple[int, int], slices: int = 1
               ) -> dict[str, tuple[int, ...]]:
    """This shard's checks in run order, each with the slices it runs of it."""
    index, total = shard
    selected = select(checks)
    mine = shard_units([(c.id, c.sliced) for c in selected], slices, shard)
    if not mine:
        raise ValueError(f"--shard {index}/{total}: nothing falls in this shard (only "
                         f"{len(selected)} checks are selected, with "
                         f"{len(units([(c.id, c.sliced) for c in selected], slices))} "
                         "slices of them in all)")
    return {c.id: mine[c.id] for c in selected if c.id in mine}


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
        slices = slice_count(config.profile)
        plan = shard_plan(config.checks, config.shard, slices)
        config.checks = list(plan)
        config.slices = {c.id: plan[c.id] for c in select(config.checks)
                         if c.sliced and slices > 1}
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
