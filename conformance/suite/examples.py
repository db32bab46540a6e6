"""Running a check's examples: the ones saved by an earlier run, the coverage phase, the
drawn ones under Hypothesis (in the slices of this runner's plan) and the fixed ones; a
failure shrunk (Hypothesis) or simplified (a fixed example, field by field) within the
shrink budget, and judged as full looks would judge it (looks.py: short looks at mail are
kept open and closed at the settle time).

A mixin of the run context (context.RunContext), which gives it the target, the recorder
and the looks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure

from conformance.suite import example_db
from conformance.suite.client import TargetError
from conformance.suite.example_class import ClassGuard, same_class
from conformance.suite.looks import MAIL, OpenLook, came_late
from conformance.suite.registry import CheckFailed
from conformance.suite.shrinking import NoSureFailure, ShrinkBudget, ShrinkingDone, example_key
from conformance.suite.slices import SlicePlan, SliceTally, share, slice_count, slice_seed

if TYPE_CHECKING:
    from conformance.contract import Contract
    from conformance.suite.client import Recorder
    from conformance.suite.config import SuiteConfig
    from conformance.suite.looks import Looks

# The simplest value of each example field, for simplifying a failing fixed example.
SIMPLEST: dict[str, Any] = {"attachments": [], "body": "", "html_body": "", "notify": False,
                            "slevel": "1", "template": "none",
                            "mail": {"to": [], "cc": [], "bcc": []}}


def wrap(inner: dict[str, Any], example: Any) -> Any:
    """``inner`` in the place of a tuple example's first item (or as the example)."""
    return (inner, *example[1:]) if isinstance(example, tuple | list) else inner


class ExampleRuns:
    """How a check's examples run (the run context's part of it)."""

    config: SuiteConfig
    contract: Contract
    recorder: Recorder
    capture: Any
    looks: Looks
    example: Any
    examples_run: int
    tally: SliceTally
    replay_example: Any
    inputs: list[dict[str, Any]]
    open_passes: list[tuple[Any, list[OpenLook]]]
    # While the check runs provisionally (suite/provisional.py): the open looks whose
    # closing is left to the caller; None: they are closed here.
    deferred: list[OpenLook] | None
    # ... and the run's example database, its writes kept until the outcome is (None: the
    # run's own, config.example_db)
    pending_database: Any

    def begin_check(self, check_id: str, sliced: bool) -> None:
        """Before a check runs: the slices of it this runner runs (suite/slices.py)."""
        total = slice_count(self.config.profile) if sliced else 1
        mine = self.config.slices.get(check_id) if sliced else None
        plan = SlicePlan(total, mine) if mine else SlicePlan.whole(total)
        self.tally = SliceTally(plan, self.examples_run)

    def run_examples(self, check_id: str, strategy: st.SearchStrategy[Any],
                     body: Callable[[Any], None], max_examples: int | None = None,
                     fixed: list[Any] | None = None, coverage: list[Any] | None = None
                     ) -> int:
        """Run the fixed examples that failed in an earlier run (example database) first,
        then the ``coverage`` phase (fixed examples covering every pair of parameter
        values), then ``body`` on examples drawn from ``strategy``; a failure is shrunk to
        a minimal example whose exchanges stay in the recorder. Then run the ``fixed``
        examples (systematic coverage a small budget may not reach by chance).

        The drawn examples come in the slices of this runner's plan (suite/slices.py),
        each its own Hypothesis run; the saved and coverage examples belong to slice 1,
        the fixed ones to the last slice.

        Looks at mail are short while they run, and kept open where they ended before all
        mail had come (looks.py): a failure's are closed before it is reported, the passing
        examples' when all have run (one settle time at most, for all of them)."""
        self.looks.confirming, self.open_passes = True, []
        try:
            count = self._examples(check_id, strategy, body, max_examples, fixed, coverage)
            self._close_open_passes(check_id, body)
            return count
        finally:
            self.looks.confirming, self.open_passes = False, []

    def _examples(self, check_id: str, strategy: st.SearchStrategy[Any],
                  body: Callable[[Any], None], max_examples: int | None,
                  fixed: list[Any] | None, coverage: list[Any] | None) -> int:
        self.tally.reached = True
        if self.replay_example is not None:
            return self._generated(check_id, st.just(self.replay_example), body, 1,
                                   self.seed_for(check_id))
        plan = self.tally.plan
        saved = self.fixed_failures(check_id)
        count = 0
        if plan.first:
            count += self.run_saved(body, saved)
            if coverage:
                count += self.run_fixed(body, coverage, "the coverage phase", saved)
        budget = max_examples or self.config.profile.max_examples
        for index in plan.mine:
            self.tally.enter(index, self.examples_run)
            if examples := share(budget, index, plan.total):
                count += self._generated(check_id, strategy, body, examples,
                                         slice_seed(self.config.seed, check_id, index))
        if not plan.last:
            return count
        return count + self.run_fixed(body, fixed or [], "a fixed example", saved)

    def run_fixed(self, body: Callable[[Any], None], examples: list[Any], what: str,
                  saved: example_db.FixedFailures | None = None) -> int:
        """Run fixed examples; the first that fails is simplified and fails the check."""
        count = 0
        for example in examples:
            count += 1
            try:
                self._run_one(body, example)
            except CheckFailed:
                minimal, message = self.simplify(body, example)  # its exchanges stay
                if saved is not None:
                    saved.remember(minimal)
                raise CheckFailed(f"{message} (found by {what}, then simplified)"
                                  ) from None
        return count

    # the example database (issue 13) -----------------------------------------------------
    def database_for(self, check_id: str) -> Any:
        """The check's own view of the run's example database (None: no database)."""
        database = (self.pending_database if self.pending_database is not None
                    else self.config.example_db)
        if database is None or self.replay_example is not None:
            return None
        target = example_db.target_key(self.config.endpoint, self.config.embedded,
                                       self.config.faults)
        return example_db.KeyedDatabase(database, example_db.check_key(
            target, self.contract.sha256, check_id))

    def fixed_failures(self, check_id: str) -> example_db.FixedFailures:
        database = self.database_for(check_id)
        return example_db.FixedFailures(database, b"")

    def run_saved(self, body: Callable[[Any], None], saved: example_db.FixedFailures
                   ) -> int:
        """Fixed examples that failed in an earlier run, first; forgotten once they pass."""
        count = 0
        for example in saved.load():
            count += 1
            try:
                self._run_one(body, example)
            except CheckFailed as exc:
                saved.remember(example)  # kept (also where a shared layer is read-only)
                raise CheckFailed(f"{exc} (a failing example saved by an earlier run, "
                                  "tried first)") from None
            saved.forget(example)
        return count

    def _run_one(self, body: Callable[[Any], None], example: Any) -> None:
        self.example = example
        self.examples_run += 1
        self.recorder.begin()
        self.note_input(example)
        self.looks.begin_example(shrinking=self.looks.shrinking)
        self._judge(body, example)

    def _judge(self, body: Callable[[Any], None], example: Any, close: bool = True) -> None:
        """``body`` on ``example``, its short looks at mail closed (looks.py) unless it is
        shrunk: a failure stands once no more mail has come to them by the settle time,
        else the example is judged again on full looks (not ``close``: it is left to the
        caller, doubtful); a pass with open looks waits in ``open_passes`` for the check's
        last example."""
        looks = self.looks
        try:
            body(example)
        except CheckFailed:
            if looks.shrinking or not looks.opened or not close:
                raise
            if looks.closable() and self._closes(looks.opened):
                looks.cut_short = False  # closed: what a full look would have seen
                raise
            self._on_full_looks(body, example)
            return
        if looks.opened and not looks.shrinking:
            self.open_passes.append((example, list(looks.opened)))

    def _closes(self, opened: list[OpenLook]) -> bool:
        """Whether the ``opened`` looks close: no more mail came to them by the settle
        time (waiting until then). While the check runs provisionally they are taken to
        close, and kept in ``deferred`` to be closed by the caller (suite/provisional.py)."""
        if self._defers(opened):
            return True
        return not self.came_late(opened)

    def _defers(self, opened: list[OpenLook]) -> bool:
        if self.deferred is None:
            return False
        self.deferred.extend(opened)
        return True

    def came_late(self, opened: list[OpenLook]) -> set[OpenLook]:
        """The ``opened`` looks to which more mail came by the settle time, waiting until
        then (the lag it came with is learnt)."""
        if self.capture is None or not opened:
            return set()
        late = came_late(self.capture, opened, self.looks.settle_seconds)
        for lag in late.values():
            self.looks.came(MAIL, lag)
        return set(late)

    def _on_full_looks(self, body: Callable[[Any], None], example: Any) -> None:
        """Judge ``example`` again, every look full (its exchanges are the ones kept)."""
        self.example = example
        self.recorder.begin()
        self.looks.begin_example(shrinking=False)
        self.looks.forced_full = True
        try:
            body(example)
        finally:
            self.looks.forced_full = False

    def _close_open_passes(self, check_id: str, body: Callable[[Any], None]) -> None:
        """Close the open looks of the check's passing examples: those to which more mail
        came are judged again on full looks; the first that fails then is simplified and
        fails the check."""
        opened = [look for _example, looks in self.open_passes for look in looks]
        if not opened or self._defers(opened):
            return
        late = self.came_late(opened)
        for example, looks in self.open_passes:
            if not late.intersection(looks):
                continue
            try:
                self._on_full_looks(body, example)
            except CheckFailed:
                minimal, message = self.simplify(body, example)  # its exchanges stay
                self.fixed_failures(check_id).remember(minimal)
                raise CheckFailed(f"{message} (mail came after a short look: judged again "
                                  "on full looks, then simplified)") from None

    def simplify(self, body: Callable[[Any], None], example: Any) -> tuple[Any, str]:
        """Greedily simplify a failing fixed example, field by field, keeping each
        simplification that still fails; returns it with its failure message."""
        message = ""

        def fails(candidate: Any) -> bool:
            """Whether ``candidate`` fails: on full looks, unless it is a shrink step."""
            nonlocal message
            self.looks.forced_full = not self.looks.shrinking
            try:
                self._run_one(body, candidate)
            except CheckFailed as exc:
                message = str(exc)
                return True
            finally:
                self.looks.forced_full = False
            return False

        fails(example)
        budget = ShrinkBudget(self.config.shrink_time)
        budget.failed(example)
        inner = example[0] if isinstance(example, tuple | list) else example
        if not isinstance(inner, dict):
            return example, message
        try:
            current = self._simplified(inner, example, fails, budget)
        finally:
            self.looks.begin_example(shrinking=False)
        if not fails(wrap(current, example)):  # judged on full looks (looks.py): the
            fails(example)  # report shows an example that fails as reported
            return example, message
        return wrap(current, example), message

    def _simplified(self, inner: dict[str, Any], example: Any,
                    fails: Callable[[Any], bool], budget: ShrinkBudget) -> dict[str, Any]:
        """``inner`` simplified field by field, each simplification kept that still fails
        (on short looks: looks.py), until the budget is spent."""

        def smaller(candidate: dict[str, Any]) -> bool:  # in the class, and still failing
            self.looks.begin_example(shrinking=True)
            return same_class(candidate, inner) and fails(wrap(candidate, example))

        current = dict(inner)
        for key, simplest in SIMPLEST.items():
            if budget.spent():
                break
            if key in current and current[key] != simplest:
                if smaller({**current, key: simplest}):
                    current[key] = simplest
        while len(current.get("body", "")) > 1 and not budget.spent() and smaller(
                {**current, "body": current["body"][: len(current["body"]) // 2]}):
            current["body"] = current["body"][: len(current["body"]) // 2]
        return current

    def _generated(self, check_id: str, strategy: st.SearchStrategy[Any],
                   body: Callable[[Any], None], max_examples: int, seed_value: int) -> int:
        """``body`` on up to ``max_examples`` examples of one Hypothesis run; a failure
        shrunk, judged on full looks. Where the failure found first stood on short looks
        that mail coming later undid, and nothing else stands, the run is made again with
        full looks (outside shrinking) from the start."""
        before = len(self.open_passes)
        try:
            return self._hypothesis_run(check_id, strategy, body, max_examples, seed_value)
        except NoSureFailure:
            # made again on full looks, the examples' first judgments count no more; a
            # first failure is then sure, so this cannot happen again
            del self.open_passes[before:]
            confirming, self.looks.confirming = self.looks.confirming, False
            try:
                return self._hypothesis_run(check_id, strategy, body, max_examples,
                                            seed_value)
            finally:
                self.looks.confirming = confirming

    def _hypothesis_run(self, check_id: str, strategy: st.SearchStrategy[Any],
                        body: Callable[[Any], None], max_examples: int, seed_value: int
                        ) -> int:
        count = 0
        aborted: list[TargetError] = []
        guard = ClassGuard()
        budget = ShrinkBudget(self.config.shrink_time)

        def test(example: Any) -> None:
            nonlocal count
            recalled = budget.recall(example)
            if recalled is not None:  # failed before: the same failure, not sent again
                failure, (exchanges, mail) = recalled
                self.example = example
                self.recorder.current, self.recorder.mail = list(exchanges), list(mail)
                raise failure
            if aborted:
                return
            if budget.skip(example):
                raise ShrinkingDone  # past the budget: stop shrinking, keep the best found
            count += 1
            self.examples_run += 1
            self.example = example
            self.recorder.begin()
            self.note_input(example)
            # the first failure is left open: shrinking on short looks begins at once,
            # and its looks are closed with those of the shrunk example (_judged_fully)
            self.looks.begin_example(shrinking=budget.first is not None)
            try:
                self._judge(body, example, close=False)
            except TargetError as exc:
                aborted.append(exc)
            except CheckFailed as exc:
                if guard.admits(example):
                    looks = self.looks
                    budget.remember(example, exc, (list(self.recorder.current),
                                                   list(self.recorder.mail)),
                                    doubtful=looks.cut_short,
                                    opened=list(looks.opened) if looks.closable() else None)
                    raise
                budget.failed(example)
                # shrinking crossed into another class of example: not a smaller finding

        runner = settings(
            max_examples=max_examples,
            deadline=None, derandomize=False, print_blob=False,
            database=self.database_for(check_id),  # None unless the run has one
            report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck),
            phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        )(seed(seed_value)(given(strategy)(test)))
        try:
            try:
                runner()
            finally:
                self.looks.begin_example(shrinking=False)
        except ShrinkingDone:
            best = budget.best()
            if best is None:  # only failures of another class: no finding (as Hypothesis
                return count  # would have ended with every candidate passing)
            self.example, failure, (exchanges, mail) = best
            self.recorder.current, self.recorder.mail = list(exchanges), list(mail)
            raise self._judged_fully(body, budget, failure) from None
        except CheckFailed as exc:
            judged = self._judged_fully(body, budget, exc)
            if judged is exc:
                raise
            raise judged from None
        except FlakyFailure as exc:
            if budget.first is not None and budget.any_doubtful():
                # failures on short looks: not reproducing may be mail come late
                self.example, failure, (exchanges, mail) = budget.best() or budget.first
                self.recorder.current, self.recorder.mail = list(exchanges), list(mail)
                raise self._judged_fully(body, budget, failure) from None
            errors = [e for e in exc.exceptions if not isinstance(e, CheckFailed)]
            if errors:  # an error of the suite (found first, or on the replay): no finding
                raise errors[0] from None
            first = exc.exceptions[0] if exc.exceptions else exc
            raise CheckFailed(f"{first} (the failure did not reproduce on a re-run: "
                              "the target is not deterministic here)") from None
        if aborted:
            raise aborted[0]
        return count

    def _judged_fully(self, body: Callable[[Any], None], budget: ShrinkBudget,
                      failure: Exception) -> Exception:
        """The failure to report for the shrunk example (``self.example``, whose
        exchanges the recorder holds): its own when it was judged on full looks, or its
        short looks close (looks.py), or it fails again; else the first failure found,
        judged the same way on what it was found with (NoSureFailure when that one does
        not stand either)."""
        shrunk = self.example
        if (sure := self._standing(body, shrunk, failure, budget.doubtful(shrunk),
                                   budget.opened(shrunk))) is not None:
            return sure
        assert budget.first is not None  # short looks begin after a failure
        self.example, first, (exchanges, mail) = budget.first
        self.recorder.current, self.recorder.mail = list(exchanges), list(mail)
        same = example_key(self.example) == example_key(shrunk)  # judged again just now
        if (sure := self._standing(body, self.example, first, budget.first_doubtful,
                                   budget.first_opened, again=not same)) is not None:
            return sure
        raise NoSureFailure

    def _standing(self, body: Callable[[Any], None], example: Any, failure: Exception,
                  doubtful: bool, opened: list[OpenLook], again: bool = True
                  ) -> Exception | None:
        """``failure`` of ``example`` if it was judged on full looks (not ``doubtful``)
        or its ``opened`` looks close; else how it fails when judged ``again`` (None: it
        passes then, or is not judged again)."""
        if not doubtful:
            return failure
        if opened and self._closes(opened):
            return failure  # its short looks closed: what full looks would have seen
        if not again:
            return None
        try:
            self._run_one(body, example)
        except CheckFailed as exc:
            return exc
        return None

    def note_input(self, example: Any) -> None:
        """Keep addMessage-family examples (also inside tuples) for the input-mix report."""
        if isinstance(example, tuple | list) and example:
            example = example[0]
        if isinstance(example, dict) and "variant" in example:
            self.inputs.append(example)

    def seed_for(self, check_id: str) -> int:
        return slice_seed(self.config.seed, check_id, 1)
