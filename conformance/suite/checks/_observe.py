"""One valid call observed through every read path, and the coverage phase a family shares.

:func:`observe` prepares an example, snapshots the ticket, sends the call and reads back what
the checks of a family judge (the ticket after, the message, each linked attachment through
getMessage and getAttachment). :func:`shared_phase` runs a family's pairwise examples once
per run and lets every check of the family judge the same observations, so the coverage
phase costs one set of calls per family, not one per check; an example a check's judgement
fails is handed back to be re-run live (and simplified) by that check itself.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.suite.checks._common import require_success
from conformance.suite.client import Exchange, Reply
from conformance.suite.context import Message, Prepared, RunContext, Ticket, text
from conformance.suite.registry import CheckFailed


@dataclass
class Observation:
    example: dict[str, Any]
    prepared: Prepared
    reply: Reply
    message_id: str
    before: Ticket
    after: Ticket | None = None
    message: Message | None = None
    # read operation -> attachment id -> its leaves as that read returns them
    reads: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


def observe(ctx: RunContext, example: dict[str, Any], *, after: bool = False,
            message: bool = True, attachments: bool = False) -> Observation:
    """Send a valid example (it must succeed) and read back what is asked for."""
    prepared = ctx.prepare(example)
    before = ctx.ticket(prepared.ticket_id)
    reply = ctx.send(prepared)
    message_id = require_success(reply, prepared)
    seen = Observation(example, prepared, reply, message_id, before)
    if after:
        seen.after = ctx.ticket(prepared.ticket_id)
    if message or attachments:
        seen.message = ctx.message(message_id)
    if attachments and seen.message is not None:
        seen.reads = attachment_reads(ctx, seen.message)
    return seen


def attachment_reads(ctx: RunContext, message: Message) -> dict[str, dict[str, dict[str, str]]]:
    """Each attachment getMessage lists, as attachmentInfo and as getAttachment return it."""
    reads: dict[str, dict[str, dict[str, str]]] = {"getMessage": {}, "getAttachment": {}}
    for info in message.attachments:
        attachment_id = text(info.get("attachmentId"))
        reads["getMessage"][attachment_id] = {f"attachmentInfo/item/{k}": text(v)
                                              for k, v in info.items()}
        reply = ctx.expect_ok(ctx.client.call(
            "getAttachment", sessionKey=ctx.agent_key, attachmentId=attachment_id,
            attachmentKey=text(info.get("attachmentKey"))), f"getAttachment {attachment_id}")
        reads["getAttachment"][attachment_id] = {k: text(v) for k, v in reply.data.items()}
    return reads


@dataclass
class _Shared:
    observations: list[Observation | str]  # a string: the failure of the call itself
    exchanges: list[list[Exchange]]


@dataclass
class Judged:
    example: dict[str, Any]
    message: str
    exchanges: list[Exchange]


def shared_phase(ctx: RunContext, family: str, examples: list[dict[str, Any]],
                 judge: Callable[[Observation], None]) -> tuple[int, list[Judged]]:
    """Judge the family's shared observations of ``examples`` (made on first use in a run);
    returns how many were judged and the failed judgements with their exchanges."""
    cache: dict[str, _Shared] = ctx.__dict__.setdefault("_shared_observations", {})
    key = family + json.dumps(examples, sort_keys=True)
    with _lock_for(ctx, key):
        _observe_once(ctx, cache, key, examples)
    failing = []
    shared = cache[key]
    for example, seen, exchanges in zip(examples, shared.observations, shared.exchanges,
                                        strict=True):
        try:
            if isinstance(seen, str):
                raise CheckFailed(seen)
            judge(seen)
        except CheckFailed as exc:
            failing.append(Judged(example, str(exc), exchanges))
    return len(examples), failing


def _lock_for(ctx: RunContext, key: str) -> Any:
    """--workers (suite/workers.py): the cache is shared by the workers, with a lock per
    family's phase; a serial run has none."""
    locks: dict[str, threading.Lock] | None = ctx.__dict__.get("_shared_locks")
    if locks is None:
        return contextlib.nullcontext()
    with ctx.__dict__["_shared_lock"]:
        return locks.setdefault(key, threading.Lock())


def _observe_once(ctx: RunContext, cache: dict[str, _Shared], key: str,
                  examples: list[dict[str, Any]]) -> None:
    if key in cache:
        return
    shared = cache[key] = _Shared([], [])
    for example in examples:
        ctx.recorder.begin()
        ctx.note_input(example)
        try:
            shared.observations.append(observe(ctx, example, after=True, attachments=True))
        except CheckFailed as exc:
            shared.observations.append(str(exc))
        except BaseException:
            del cache[key]  # not shared half-made: the next check observes anew
            raise
        shared.exchanges.append(list(ctx.recorder.current))


def run_judged(ctx: RunContext, check_id: str, strategy: Any,
               judge: Callable[[Observation], None], *, fixed: list[Any],
               coverage: list[dict[str, Any]], family: str, **needs: bool) -> int:
    """A check of valid calls: the family's shared coverage phase first, then generated
    and fixed examples, each observed with ``needs`` and judged by ``judge``. A failed
    judgement of the coverage phase is re-run live to be simplified; if the re-run passes
    (the shared ticket has moved on), the recorded observation is the failure."""
    def body(example: dict[str, Any]) -> None:
        judge(observe(ctx, example, **needs))

    judged = 0
    if ctx.replay_example is None and ctx.tally.plan.first:  # slice 1's (suite/slices.py)
        saved = ctx.fixed_failures(check_id)  # an earlier run's failures first (issue 13)
        judged = ctx.run_saved(body, saved)
        shared, failing = shared_phase(ctx, family, coverage, judge)
        judged += shared
        ctx.examples_run += shared  # counted as run here (also when the check then fails)
        if failing:
            ctx.run_fixed(body, [failing[0].example], "the coverage phase", saved)
            ctx.example, ctx.recorder.current = failing[0].example, list(failing[0].exchanges)
            raise CheckFailed(f"{failing[0].message} (found by the coverage phase)")
    return judged + ctx.run_examples(check_id, strategy, body, fixed=fixed)
