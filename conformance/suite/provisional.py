"""Consecutive checks that read the mail capture, run back to back with the closing of
their open looks at mail left until all of them have run (issue 12: one settle time for
the group, not one per check).

A check's short looks at mail that ended before all mail had come are closed by waiting
until the settle time has passed since each began (looks.py). Each such wait rests on mail
that never came, so a target that drops a copy made every mail check wait one settle time
of its own. Run **provisionally** (``RunContext.deferred`` is a list), a check takes every
open look to close and keeps it; once the group has run, the looks are closed in the order
they began, each check's own (the waits overlap: at most one settle time for the group):

- if no more mail came to any of a check's looks, every closing it made would have stood,
  so it took exactly the path it takes when it closes each look at once, and its outcome
  is that one: the one full looks give;
- if some came, the check runs again, closing each look at once (examples.py), and that
  outcome is the one reported.

The outcomes are reported in the order of a serial run, each with its own time and its
own part of the closing wait. Each check draws from its own seed and judges only the mail
to its own examples' recipients (observe.tag_recipients), so running the others before
one closes changes nothing it sends or sees."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from conformance.suite.outcome import Outcome, run_check

if TYPE_CHECKING:
    from conformance.suite.context import RunContext
    from conformance.suite.looks import OpenLook
    from conformance.suite.registry import Check

# The checks that read the SMTP capture (through observe.mail_to): the only ones with open
# looks at mail, and, with --workers, the ones that run alone (workers.py).
MAIL_CHECKS = frozenset({"AM23-MAIL", "AM23-BCC-HIDDEN", "AM23-ILLEGAL-ADDRESS",
                         "AM23-MAIL-HEADERS"})


def mail_group(ordered: list[Check], check: Check) -> list[Check]:
    """The checks from ``check`` on in ``ordered`` (the session's, in the order they run)
    that read the mail capture, up to the first that does not (none: ``check`` does not
    read it or is not in ``ordered``)."""
    ids = [other.id for other in ordered]
    if check.id not in MAIL_CHECKS or check.id not in ids:
        return []
    group = []
    for other in ordered[ids.index(check.id):]:
        if other.id not in MAIL_CHECKS:
            break
        group.append(other)
    return group


def run_in_order(ctx: RunContext, checks: list[Check], replay: Callable[[str], str]
                 ) -> dict[str, Outcome]:
    """Every check's outcome, run as a serial session runs them (the mail checks in a row
    provisionally), by id in their order."""
    outcomes: dict[str, Outcome] = {}
    for check in checks:
        if check.id not in outcomes:
            outcomes.update(outcomes_from(ctx, checks, check, replay))
    return {check.id: outcomes[check.id] for check in checks}


def outcomes_from(ctx: RunContext, ordered: list[Check], check: Check,
                  replay: Callable[[str], str]) -> dict[str, Outcome]:
    """``check``'s outcome, run as a serial session runs it (``ordered``: its checks, in
    order): alone, or with the mail checks in a row from it, provisionally; by id."""
    group = mail_group(ordered, check)
    if len(group) > 1:
        return run_provisionally(ctx, group, replay)
    return {check.id: run_check(ctx, check, None, replay(check.id))}


def run_provisionally(ctx: RunContext, checks: list[Check],
                      replay: Callable[[str], str]) -> dict[str, Outcome]:
    """Run ``checks`` one after the other, each provisionally, then close their open looks
    (module docstring); each check's outcome by id."""
    runs: list[tuple[Check, Outcome, list[OpenLook], list[dict]]] = []
    for check in checks:
        mark = len(ctx.inputs)
        ctx.deferred = []
        try:
            outcome = run_check(ctx, check, None, replay(check.id))
        finally:
            deferred, ctx.deferred = ctx.deferred, None
        runs.append((check, outcome, deferred, ctx.inputs[mark:]))
    first = len(ctx.inputs) - sum(len(inputs) for *_rest, inputs in runs)
    del ctx.inputs[first:]  # put back below, each check's from the run that counts
    outcomes = {}
    for check, outcome, deferred, inputs in runs:
        started = time.perf_counter()
        if deferred and ctx.came_late(deferred):
            mark = len(ctx.inputs)
            outcome = run_check(ctx, check, None, replay(check.id))  # closing at once
            inputs = ctx.inputs[mark:]
            del ctx.inputs[mark:]
        outcome.duration_s = round(outcome.duration_s + time.perf_counter() - started, 3)
        ctx.inputs.extend(inputs)
        outcomes[check.id] = outcome
    return outcomes
