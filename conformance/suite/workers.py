"""Parallel workers (``conformance run --workers N``): the run's checks on N threads against
one target, each worker with its own client, sessions, pool tickets and recorder, and the
outcomes handed back in the order of a serial run.

What makes it safe:

- Each check draws its examples from its own seed (``RunContext.seed_for``), so the order
  in which checks run does not change what they send.
- The owner's notifications are one stream per user (allocUserNotifications revokes the
  previous key), so the workers share the run's one subscription through a
  :class:`NotificationHub`: whoever reads the stream gets the notes about its own tickets
  and about tickets no worker made, and the notes about another worker's tickets wait in
  that worker's inbox. With one worker nothing changes.
- The SMTP capture sees the mail of every worker. The checks that wait for mail and clear
  the capture's view (:data:`OBSERVE_MAIL`) run first, provisionally, one at a time on the
  main context, while the other workers run the checks that read no mail; their looks at
  mail are closed once all the others have run (suite/provisional.py). Mail is told apart
  by its recipients, which are each example's own (each worker tags its own range), so
  another worker's mail is never taken for theirs, nor changes the lag they learn (from
  their own mail's arrival: ``SmtpCapture.arrived``). The checks that read the capture's
  view without clearing it (:data:`VIEW_READERS`) wait until the mail checks have run: a
  clear would hide the mail they look for.

Threads, not processes: the time of a run against a remote target is mostly waiting for
answers, and waits overlap on threads (Hypothesis is thread-safe since 6.136).
"""

from __future__ import annotations

import ast
import copy
import sys
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from hypothesis.errors import HypothesisDeprecationWarning

from conformance.suite.client import Recorder, TargetClient
from conformance.suite.context import RUN_SESSION, RunContext, text
from conformance.suite.observe import Notifications
from conformance.suite.outcome import Outcome, run_check
from conformance.suite.provisional import MAIL_CHECKS, SerialRun
from conformance.suite.registry import Check

# Checks that wait for mail at the SMTP capture and clear its view: they run first, one at
# a time, on the main context (suite/provisional.py).
OBSERVE_MAIL = MAIL_CHECKS
# Checks that read the capture's view (observe.mail_arrived: only their own examples'
# tagged recipients) and never clear it: alongside the others, after the mail checks.
VIEW_READERS = frozenset({"AM-ERR-NO-CHANGE"})
SWITCH_INTERVAL_S = 0.0005
# Each worker numbers its examples' mail recipients from number * WORKER_TAGS
# (observe.tag_recipients), so that mail coming late is never taken for another's.
WORKER_TAGS = 10_000_000
RANDOM_NOTE = "Do not use the `random` module inside strategies"


class NotificationHub:
    """One subscription to the owner's notifications, shared by the workers' contexts."""

    def __init__(self, contexts: list[RunContext]) -> None:
        self.contexts = contexts
        self._inbox: dict[int, list[dict[str, Any]]] = {id(c): [] for c in contexts}
        self._lock = threading.Lock()

    def take(self, ctx: RunContext) -> list[dict[str, Any]]:
        """What ``ctx`` was notified of since its last look: read the stream, keep the
        notes about other workers' tickets for them."""
        with self._lock:
            fresh = ctx.fetch_owner_notifications()
            mine, self._inbox[id(ctx)] = self._inbox[id(ctx)], []
            for note in fresh:
                owner = self._owner_of(text(note.get("ticketId")))
                if owner is None or owner is ctx:
                    mine.append(note)
                else:
                    self._inbox[id(owner)].append(note)
            return mine

    def _owner_of(self, ticket_id: str) -> RunContext | None:
        return next((c for c in self.contexts if ticket_id in c.created_tickets), None)


def worker_context(main: RunContext, number: int = 1) -> RunContext:
    """A context like ``main`` (configuration, contract, what discovery found) with a
    client, a recorder, sessions and tickets of its own; it reads notifications through
    the hub. Shared with ``main``: the session log (the run's teardown logs the worker's
    sessions out too), the rate limit and transport guard, the coverage, the ids
    addressed, and the coverage phase's family observations (made once per run, as in a
    serial run)."""
    shared_observations(main)
    ctx = copy.copy(main)
    ctx.recorder = Recorder()
    ctx.client = TargetClient(main.contract, main.client.config, ctx.recorder)
    ctx.client.share_limits(main.client)  # the run's rate limit and guard, not one each
    ctx.created_tickets, ctx.created_attachments, ctx.session_keys = [], [], []
    ctx.inputs, ctx.example, ctx.examples_run, ctx.contract_check = [], None, 0, None
    ctx._pool, ctx._pool_uses, ctx._logged_out = {}, {}, None
    ctx._status_seen, ctx._status_set, ctx._verb_state = {}, {}, {}
    ctx._ids_seen = {}  # read with this worker's recorder, of this worker's tickets
    ctx.notes = Notifications(ctx)  # its own barriers, read through the hub as this worker
    ctx.looks = main.looks.forked()  # the lags seen so far; shrinking is the worker's own
    ctx.open_passes, ctx.deferred, ctx.pending_database = [], None, None
    ctx._tag = number * WORKER_TAGS  # mail recipients of its own, never the main's
    if main.unknown is not None:  # the verified ids are shared, the probes are the worker's
        ctx.unknown = copy.copy(main.unknown)
        ctx.unknown._call = ctx.client.call
        ctx.unknown._session_key = lambda: ctx.agent_key
    config, purpose = main.config, f"{RUN_SESSION} (worker {number})"
    ctx.agent_key = ctx.login(config.user, config.password, "agent", purpose)
    ctx.owner_key = ctx.login(config.owner_user, config.owner_password, "owner", purpose)
    return ctx


def shared_observations(main: RunContext) -> None:
    """Make the coverage phase's cache (checks/_observe.py) one for every worker, with a
    lock per family's phase so that its observations are made once."""
    main.__dict__.setdefault("_shared_observations", {})
    main.__dict__.setdefault("_shared_lock", threading.Lock())
    main.__dict__.setdefault("_shared_locks", {})


@contextmanager
def one_parse_at_a_time() -> Iterator[None]:
    """``ast.parse`` in one thread at a time while the workers run. Hypothesis parses
    sources as a check's run begins (``function_digest``, the local constants it draws,
    lambda descriptions), and CPython 3.11 keeps the AST constructor's recursion depth in
    state the interpreter's threads share: with two workers beginning checks at once, a
    check here raised ``SystemError: AST constructor recursion depth mismatch``, which
    did not come back on a replay (the message of python/cpython#106905)."""
    parse, lock = ast.parse, threading.RLock()

    def parse_alone(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    ast.parse = parse_alone
    try:
        yield
    finally:
        ast.parse = parse


@dataclass
class _Done:
    outcome: Outcome
    inputs: list[dict[str, Any]] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def _run(ctx: RunContext, outcome_of: Callable[[], Outcome]) -> _Done:
    marks = len(ctx.inputs), len(ctx.created_tickets), len(ctx.created_attachments)
    outcome = outcome_of()
    return _Done(outcome, ctx.inputs[marks[0]:], ctx.created_tickets[marks[1]:],
                 ctx.created_attachments[marks[2]:])


def run_parallel(main: RunContext, checks: list[Check], workers: int,
                 replay: Callable[[str], str]) -> dict[str, Outcome]:
    """Run ``checks`` on ``workers`` threads; returns each check's outcome by id and folds
    the workers' records (requests, timings, inputs, created ids, sessions) into ``main``
    in the order of a serial run."""
    marks = len(main.inputs), len(main.created_tickets), len(main.created_attachments)
    contexts = [main] + [worker_context(main, n) for n in range(1, max(1, workers))]
    hub = NotificationHub(contexts)
    for ctx in contexts:
        ctx.notification_hub = hub
    done: dict[str, _Done] = {}
    with warnings.catch_warnings():
        # Hypothesis notes a change of the global `random` state during a draw as a use of
        # `random` in a strategy; with workers it is another thread's doing (the embedded
        # target's email.utils.make_msgid, Hypothesis's own seeding for another check),
        # never the strategies' (they draw from Hypothesis alone).
        warnings.filterwarnings("ignore", message=RANDOM_NOTE,
                                category=HypothesisDeprecationWarning)
        with one_parse_at_a_time():
            _run_threads(main, contexts, checks, done, replay)
    _merge(main, contexts[1:], [done[c.id] for c in checks], marks)
    return {check_id: d.outcome for check_id, d in done.items()}


def _run_threads(main: RunContext, contexts: list[RunContext], checks: list[Check],
                 done: dict[str, _Done], replay: Callable[[str], str]) -> None:
    queue = deque(c for c in checks if c.id not in OBSERVE_MAIL | VIEW_READERS)
    after_mail = [c for c in checks if c.id in VIEW_READERS]
    lock = threading.Lock()
    mail = SerialRun(main, [c for c in checks if c.id in OBSERVE_MAIL], replay)
    marks = len(main.created_tickets), len(main.created_attachments)

    def work(ctx: RunContext) -> None:
        while True:
            with lock:
                if not queue:
                    return
                check = queue.popleft()
            done[check.id] = _run(ctx, partial(run_check, ctx, check, None,
                                               replay(check.id)))

    threads = [threading.Thread(target=work, args=(ctx,), name=f"worker-{n}")
               for n, ctx in enumerate(contexts)]
    interval = sys.getswitchinterval()
    # A worker woken by an answer waits for the interpreter lock while another computes:
    # a shorter switch interval than the default 5 ms lets it take the lock sooner.
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL_S))
    try:
        for thread in threads[1:]:  # the other workers begin with the checks reading no mail
            thread.start()
        mail.run_ahead()  # meanwhile, on the main context; closed after all the others
        # what they made stays the main context's own while the others run (its tickets'
        # notifications are its to judge); merged with the first of them (_merge)
        made = main.created_tickets[marks[0]:], main.created_attachments[marks[1]:]
        with lock:
            queue.extendleft(reversed(after_mail))
        threads[0].start()
        for thread in threads:
            thread.join()
        for check in mail.mail:
            done[check.id] = _run(main, partial(mail.outcome, check))
        if mail.mail:  # what the mail checks made when they ran first is cleaned up too
            first = done[mail.mail[0].id]
            first.tickets[:0], first.attachments[:0] = made
    except BaseException:  # (an interrupt): the workers stop after the check in hand
        with lock:
            queue.clear()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join()
        raise
    finally:
        sys.setswitchinterval(interval)
        for ctx in contexts:
            ctx.notification_hub = None


def _merge(main: RunContext, others: list[RunContext], ordered: list[_Done],
           marks: tuple[int, int, int]) -> None:
    del main.inputs[marks[0]:], main.created_tickets[marks[1]:]
    del main.created_attachments[marks[2]:]
    for item in ordered:
        main.inputs.extend(item.inputs)
        main.created_tickets.extend(item.tickets)
        main.created_attachments.extend(item.attachments)
    for ctx in others:
        main.session_keys.extend(ctx.session_keys)
        main.examples_run += ctx.examples_run
        main.contract_check = main.contract_check or ctx.contract_check
        recorder = ctx.recorder
        main.recorder.total += recorder.total
        main.recorder.invalid_requests.extend(recorder.invalid_requests)
        main.recorder.invalid_responses.extend(recorder.invalid_responses)
        for operation, values in recorder.timings.items():
            main.recorder.timings.setdefault(operation, []).extend(values)
