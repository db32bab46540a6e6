"""How long to look for what a call causes (the owner's notifications, the mail sent).

A finding is only ever made on a **full look**: until the settle time (``--settle-time``)
has passed, or what is due has come. While a found failure is shrunk, though, each
candidate would wait the full settle time for the very mail or notification whose absence
is the failure (issue 12: a mail fault made a run several times slower than a clean one).
So once a failure has been found on a full look, a candidate gets a **short look**: a few
times the longest lag this target has shown, in this run, for what did come (all it waited
for or part of it: a recipient's mail while another's never came; never less
than ``MIN_LOOK``, never more than the settle time; a kind never seen to come gets full
looks). A candidate whose short look ended before all it waited for had come is
*doubtful*: the example finally reported is then judged again with full looks, and if it
passes that way, the first failure found (on full looks) is reported instead. A report
never rests on a short look; a short look only steers shrinking."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.suite.config import SuiteConfig

LAG_FACTOR = 4.0  # a short look lasts this many times the longest lag seen
MIN_LOOK = 0.01  # seconds: the shortest look, whatever the lag seen
MAIL = "mail"
NOTIFICATIONS = "notifications"


class Looks:
    """One context's looks: the lags it has seen, and whether it is shrinking now."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.lags: dict[str, float] = {}  # per kind: the longest wait that saw all come
        self.shrinking = False  # set while a failure found on a full look is shrunk
        self.cut_short = False  # a short look of the current example ended unfulfilled

    @property
    def settle_seconds(self) -> float:
        return self.config.settle_seconds

    def seconds(self, kind: str) -> float:
        """How long to look for ``kind`` now."""
        if not self.shrinking or kind not in self.lags:
            return self.settle_seconds
        return min(self.settle_seconds, max(MIN_LOOK, LAG_FACTOR * self.lags[kind]))

    def full(self, look: float) -> bool:
        return look >= self.settle_seconds

    def ended(self, kind: str, look: float, waited: float, fulfilled: bool) -> None:
        """Record how a look of ``look`` seconds for ``kind`` ended: after ``waited``
        seconds, with all it waited for come (``fulfilled``) or not."""
        if fulfilled:
            self.came(kind, waited)
        elif not self.full(look):
            self.cut_short = True

    def came(self, kind: str, lag: float) -> None:
        """Something of ``kind`` came ``lag`` seconds after the look began (all that was
        waited for, or part of it: a lag of this target all the same)."""
        self.lags[kind] = max(self.lags.get(kind, 0.0), lag)

    def begin_example(self, shrinking: bool) -> None:
        self.shrinking, self.cut_short = shrinking, False

    def forked(self) -> Looks:
        """Looks for another worker: the lags seen so far, its own shrinking state."""
        other = Looks(self.config)
        other.lags = dict(self.lags)
        return other
