"""A time budget for shrinking one check's failure (issue 12: a target whose failures are
slow to show, mail that never comes, say, must not make shrinking take minutes).

Once an example has failed, shrinking may go on for ``seconds``; it stops early when a
failing example is already minimal enough (as small as an example with empty fields). Past
that point a candidate Hypothesis proposes is not sent (it counts as passing, so Hypothesis
keeps the smallest failure it has), while an example that already failed is always run
again for real, so the reported minimal example is one that really failed, with its own
exchanges."""

from __future__ import annotations

import json
import time
from typing import Any

# An example of the addMessage family with empty body, no attachments and one short mail
# recipient serialises to about this many characters: nothing smaller is worth the wait.
MINIMAL_ENOUGH = 260


def example_key(example: Any) -> str:
    return json.dumps(example, sort_keys=True, default=repr, ensure_ascii=False)


class ShrinkBudget:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None
        self.failing: set[str] = set()
        self.smallest: int | None = None

    def failed(self, example: Any) -> None:
        key = example_key(example)
        if self.started is None:
            self.started = time.monotonic()
        self.failing.add(key)
        self.smallest = len(key) if self.smallest is None else min(self.smallest, len(key))

    def spent(self) -> bool:
        if self.started is None:
            return False
        return (time.monotonic() - self.started > self.seconds
                or (self.smallest is not None and self.smallest <= MINIMAL_ENOUGH))

    def skip(self, example: Any) -> bool:
        """True for a candidate not worth sending any more (see the module docstring)."""
        return self.spent() and example_key(example) not in self.failing
