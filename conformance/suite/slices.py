"""Slices of a check's generated examples: how ``--shard K/N`` spreads the examples of the
largest checks over runners and still gives the verdict and counts of one unsharded run.

A profile whose property checks draw more examples than one slice holds
(:data:`SLICE_EXAMPLES`; only ``thorough`` today) runs the generated phase of every sliced
check (``@check(sliced=True)``, the default) as that many Hypothesis runs, each with its own
share of the budget and its own seed. Slice 1 also runs the examples an earlier run saved
and the coverage phase; the last slice also runs the fixed examples. An unsharded run does
the very same slices one after the other, in order, and stops at the first that fails; a
shard runs the slices it was given, in the same order, and stops the same way. Merging
therefore takes the first failing slice and the slices before it, which are exactly what
the unsharded run ran (``suite/merge.py``).

The split depends on the profile only, never on the number of shards: so a run split over
any number of runners draws the same examples as the run on one.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

from conformance.suite.config import Profile

SLICE_EXAMPLES = 25  # examples drawn per slice at most (standard: one slice, thorough: six)


def slice_count(profile: Profile) -> int:
    """How many slices a sliced check's generated phase is run in, under ``profile``."""
    return max(1, math.ceil(profile.max_examples / SLICE_EXAMPLES))


def share(budget: int, index: int, total: int) -> int:
    """The examples of slice ``index`` (1-based) when ``budget`` is split into ``total``
    near-equal slices (the first ones one larger where it does not divide)."""
    return budget // total + (1 if index <= budget % total else 0)


def slice_seed(run_seed: int, check_id: str, index: int) -> int:
    """A slice's Hypothesis seed; slice 1 keeps the check's seed of an unsliced run."""
    key = f"{run_seed}:{check_id}" if index == 1 else f"{run_seed}:{check_id}:{index}"
    return zlib.crc32(key.encode())


@dataclass(frozen=True)
class SlicePlan:
    """The slices of one check this runner runs (``mine``, in order) out of ``total``."""

    total: int
    mine: tuple[int, ...]

    @classmethod
    def whole(cls, total: int) -> SlicePlan:
        return cls(total, tuple(range(1, total + 1)))

    @property
    def partial(self) -> bool:
        """This runner runs some of the slices only (a shard)."""
        return self.mine != tuple(range(1, self.total + 1))

    @property
    def first(self) -> bool:
        """This runner runs slice 1 (with the saved examples and the coverage phase)."""
        return 1 in self.mine

    @property
    def last(self) -> bool:
        """This runner runs the last slice (with the fixed examples)."""
        return self.total in self.mine


def units(checks: list[tuple[str, bool]], total: int) -> list[tuple[str, int]]:
    """The units a run is sharded by, in id order: ``(check id, slice)`` for each slice of
    a sliced check, ``(check id, 1)`` for a check that always runs whole."""
    return [(check_id, index) for check_id, sliced in sorted(checks)
            for index in range(1, (total if sliced else 1) + 1)]


def shard_units(checks: list[tuple[str, bool]], total: int, shard: tuple[int, int]
                ) -> dict[str, tuple[int, ...]]:
    """The K-th of N shares of the units: every N-th unit in id order, starting with the
    K-th, so that the shares are disjoint, cover the run, and are the same on every
    runner; the slices of one check go to different runners. Check id -> its slices."""
    index, of = shard
    mine: dict[str, tuple[int, ...]] = {}
    for check_id, number in units(checks, total)[index - 1::of]:
        mine[check_id] = (*mine.get(check_id, ()), number)
    return mine


@dataclass
class SliceTally:
    """The examples each slice of the running check ran (counted as ``examples_run`` grows:
    slice 1 also counts the saved examples and the coverage phase, the last the fixed
    ones), the slice running now, and whether the check reached its generated phase."""

    plan: SlicePlan
    mark: int
    current: int = 0
    counts: dict[int, int] | None = None
    reached: bool = False

    def __post_init__(self) -> None:
        self.current = self.plan.mine[0]
        self.counts = {}

    def enter(self, index: int, examples_run: int) -> None:
        """From now on examples count into slice ``index``."""
        self.close(examples_run)
        self.current = index

    def close(self, examples_run: int) -> None:
        assert self.counts is not None
        self.counts[self.current] = self.counts.get(self.current, 0) + examples_run - self.mark
        self.mark = examples_run

    def record(self, failed: bool) -> dict[str, object]:
        """The check's ``slices`` entry in results.json: of how many, the examples of each
        slice run here, and the slice that failed (None: none did)."""
        assert self.counts is not None
        return {"of": self.plan.total,
                "ran": [{"index": i, "examples": self.counts.get(i, 0)}
                        for i in self.plan.mine if i in self.counts],
                "failed": self.current if failed else None}
