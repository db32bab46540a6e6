"""A time budget for shrinking one check's failure (issue 12: a target whose failures are
slow to show, mail that never comes, say, must not make shrinking take minutes).

Once an example has failed, shrinking may go on for ``seconds``; it stops early when a
failing example is already minimal enough (as small as an example with empty fields). Past
that point a candidate Hypothesis proposes is not sent (it counts as passing, so Hypothesis
keeps the smallest failure it has), while an example that already failed fails again
with the very failure and exchanges it had (recalled, not sent again: Hypothesis proposes
the same example many times over while it shrinks), so the reported minimal example is one
that really failed, with its own exchanges."""

from __future__ import annotations

import json
import time
from typing import Any

# An example of the addMessage family with empty body, no attachments and one short mail
# recipient serialises to about this many characters: nothing smaller is worth the wait.
MINIMAL_ENOUGH = 260


def example_key(example: Any) -> str:
    return json.dumps(example, sort_keys=True, default=repr, ensure_ascii=False)


class ShrinkingDone(BaseException):
    """Raised through Hypothesis once the budget is spent, so that its shrinker stops at
    once instead of proposing candidates the suite would not send (thousands, at some
    milliseconds of generation each). A BaseException: Hypothesis passes it through."""


class NoSureFailure(Exception):
    """No failure of a Hypothesis run stands on full looks (looks.py): what failed first
    did so on short looks that mail coming later undid."""


class ShrinkBudget:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None
        self.failing: set[str] = set()
        self.smallest: int | None = None
        self._recorded: dict[str, tuple[Exception, Any]] = {}
        self._examples: dict[str, Any] = {}
        self._doubtful: set[str] = set()
        self._opened: dict[str, list[Any]] = {}
        self.first: tuple[Any, Exception, Any] | None = None  # the first failure
        self.first_doubtful = False
        self.first_opened: list[Any] = []

    def remember(self, example: Any, failure: Exception, evidence: Any,
                 doubtful: bool = False, opened: list[Any] | None = None) -> None:
        """Keep how ``example`` failed (the exception and its recorded evidence);
        ``doubtful`` when it failed on a short look (looks.py), ``opened`` the short looks
        at mail that ended unfulfilled, if those were all (they may be closed later)."""
        self.failed(example)
        key = example_key(example)
        self._recorded[key] = (failure, evidence)
        self._examples[key] = example
        self._opened[key] = opened or []
        if doubtful:
            self._doubtful.add(key)
        else:
            self._doubtful.discard(key)
        if self.first is None:  # with its doubt and open looks as they were then
            self.first = (example, failure, evidence)
            self.first_doubtful, self.first_opened = doubtful, opened or []

    def doubtful(self, example: Any) -> bool:
        """True when ``example`` last failed on a short look: to be judged again."""
        return example_key(example) in self._doubtful

    def any_doubtful(self) -> bool:
        """True when some failure remembered stood on short looks."""
        return bool(self._doubtful) or self.first_doubtful

    def opened(self, example: Any) -> list[Any]:
        """The open short looks at mail of a doubtful ``example`` (empty: none that can be
        closed later, judge it again instead)."""
        return self._opened.get(example_key(example), [])

    def best(self) -> tuple[Any, Exception, Any] | None:
        """The smallest remembered failure: (example, exception, evidence)."""
        if not self._recorded:
            return None
        key = min(self._recorded, key=lambda k: (len(k), k))
        failure, evidence = self._recorded[key]
        return self._examples[key], failure, evidence

    def recall(self, example: Any) -> tuple[Exception, Any] | None:
        """How ``example`` failed, once the budget is spent (then it is not sent again)."""
        return self._recorded.get(example_key(example)) if self.spent() else None

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
