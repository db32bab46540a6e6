"""How long to look for what a call causes (the owner's notifications, the mail sent).

A verdict is only ever the one a **full look** gives: one that lasts until the settle time
(``--settle-time``) has passed, or what is due has come. Waiting that long in every example
made a faulty target slow to judge (issue 12: each shrink candidate waited the full settle
time for the very mail whose absence was the failure), so a look is often **short**: a few
times the longest lag this target has shown, in this run, for what did come (all it waited
for or part of it: a recipient's mail while another's never came, or mail that came after a
short look); never less than ``MIN_LOOK``, never more than the settle time.

Notifications: a look is short only while a failure is shrunk, and only once their lag is
known. A candidate whose short look ended before all it waited for had come is *doubtful*:
the example finally reported is then judged again with full looks, and if it passes that
way, the first failure found is reported instead (judged the same way).

Mail goes further, because a look at mail can be **completed later**: each example's
recipients are its own (``observe.tag_recipients``) and the capture keeps what comes after
a look, with its time (``SmtpCapture.came_since``). So while a check's examples run
(``confirming``), a look at mail is short as soon as this target's mail lag is known (the
first look that sees mail come gives it, and its own rest is short), and each short look
that ended without all it waited for is kept **open** (``OpenLook``). An open look is closed
by waiting until the settle time has passed since it began: if no more mail came to its
addresses by then, the full look would have seen exactly what the short one saw, so the
judgment made on it stands; if some came, the example is judged again on full looks. A
failure outside a Hypothesis run is closed at once; the first failure of a Hypothesis run
is shrunk at once and closed with the shrunk one (if neither stands, the run is made again
on full looks); the open looks of passing examples are closed together when the check's
examples are done (one settle time for all of them, instead of one per example: a target
that drops a Cc copy made every example of a passing mail check wait the full settle
time). A run runs its mail checks first, each provisionally, and closes their looks only
when the first of them is reported (provisional.py): the settle times overlap with the
other checks. A look at notifications cannot be completed later (reading them consumes
them), so outside shrinking it stays full."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from conformance.suite.config import SuiteConfig

LAG_FACTOR = 4.0  # a short look lasts this many times the longest lag seen
MIN_LOOK = 0.01  # seconds: the shortest look, whatever the lag seen
MAIL = "mail"
NOTIFICATIONS = "notifications"


@dataclass(frozen=True)
class OpenLook:
    """A short look at mail that ended before all it waited for had come."""

    started: float  # time.monotonic() when the look began (right after the call)
    addresses: tuple[str, ...]  # what it waited for
    place: int  # where in the capture's order of arrival the mail it saw ends


class MailPath(Protocol):
    def came_since(self, place: int, addresses: list[str], deadline: float
                   ) -> float | None: ...


def came_late(capture: MailPath, opened: list[OpenLook], settle: float
              ) -> dict[OpenLook, float]:
    """The open looks to whose addresses more mail came before the settle time had passed
    since they began (waiting until then: for all of them, at most one settle time), each
    with how long after it began that mail came (a lag of this target)."""
    late = {}
    for look in sorted(opened, key=lambda o: o.started):
        came = capture.came_since(look.place, list(look.addresses), look.started + settle)
        if came is not None:
            late[look] = max(0.0, came - look.started)
    return late


class Looks:
    """One context's looks: the lags it has seen, and whether it is shrinking now."""

    def __init__(self, config: SuiteConfig) -> None:
        self.config = config
        self.lags: dict[str, float] = {}  # per kind: the longest wait that saw all come
        self.shrinking = False  # set while a failure found on a full look is shrunk
        self.cut_short = False  # a short look of the current example ended unfulfilled
        self.cut_short_kinds: set[str] = set()  # ... of these kinds
        self.confirming = False  # while a check's examples run: short mail looks, kept open
        self.forced_full = False  # judging an example again: full looks only
        self.opened: list[OpenLook] = []  # the current example's open mail looks

    @property
    def settle_seconds(self) -> float:
        return self.config.settle_seconds

    def _short(self, kind: str) -> bool:
        """Whether a look for ``kind`` is short now, once this target's lag is known."""
        return (self.shrinking or (self.confirming and kind == MAIL)) and not self.forced_full

    def seconds(self, kind: str) -> float:
        """How long to look for ``kind`` now."""
        if not self._short(kind) or kind not in self.lags:
            return self.settle_seconds
        return min(self.settle_seconds, max(MIN_LOOK, LAG_FACTOR * self.lags[kind]))

    def learns(self, kind: str) -> bool:
        """Whether a look for ``kind`` now would be short but for a lag not yet seen (then
        the first arrival gives it, and the rest of the look is short)."""
        return self._short(kind) and kind not in self.lags

    def full(self, look: float) -> bool:
        return look >= self.settle_seconds

    def ended(self, kind: str, look: float, waited: float, fulfilled: bool) -> None:
        """Record how a look of ``look`` seconds for ``kind`` ended: after ``waited``
        seconds, with all it waited for come (``fulfilled``) or not."""
        if fulfilled:
            self.came(kind, waited)
        elif not self.full(look):
            self.cut_short = True
            self.cut_short_kinds.add(kind)

    def left_open(self, look: OpenLook) -> None:
        """A short look at mail ended unfulfilled: to be closed later (module docstring)."""
        self.opened.append(look)

    def closable(self) -> bool:
        """Whether every short look of the current example that ended unfulfilled can be
        closed later (looks at mail only)."""
        return self.cut_short_kinds <= {MAIL}

    def came(self, kind: str, lag: float) -> None:
        """Something of ``kind`` came ``lag`` seconds after the look began (all that was
        waited for, or part of it: a lag of this target all the same)."""
        self.lags[kind] = max(self.lags.get(kind, 0.0), lag)

    def begin_example(self, shrinking: bool) -> None:
        self.shrinking, self.cut_short = shrinking, False
        self.cut_short_kinds, self.opened = set(), []

    def forked(self) -> Looks:
        """Looks for another worker: the lags seen so far, its own shrinking state."""
        other = Looks(self.config)
        other.lags = dict(self.lags)
        return other
