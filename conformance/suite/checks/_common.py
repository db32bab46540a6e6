"""Helpers shared by the checks: failing in plain words, and the common "send a valid
example and observe around it" step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NoReturn

from conformance.suite.client import Reply
from conformance.suite.context import Prepared, RunContext, Ticket, text
from conformance.suite.registry import CheckFailed

DOCUMENTED_CODES = {str(code) for code in range(0, 36)}


def fail(message: str) -> NoReturn:
    raise CheckFailed(message)


def short(value: str, limit: int = 80) -> str:
    """A readable, bounded repr of a string for failure messages."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[:limit]}... ({len(value)} characters)"


def require_success(reply: Reply, prepared: Prepared) -> str:
    """A valid request must succeed with a non-empty messageId; returns it."""
    if reply.fault is not None:
        fail(f"{reply.operation} of a valid request was answered with a SOAP Fault "
             f"({reply.fault.code}: {reply.fault.string})")
    if reply.error_code != "0":
        fail(f"{reply.operation} of a valid request returned errorCode "
             f"{reply.error_code} (expected 0)")
    message_id = text(reply.data.get("messageId"))
    if not message_id:
        fail(f"{reply.operation} returned errorCode 0 but an empty messageId")
    return message_id


def expect_stored(ctx: RunContext, example: dict[str, Any], field: str, expected: str,
                  what: str) -> None:
    """Send a valid example; getMessage's ``field`` must be ``expected`` (``what`` says
    where the expected value comes from, e.g. "the body sent")."""
    seen = send_valid(ctx, example, observe_after=False)
    stored = ctx.message(seen.message_id).fields.get(field, "")
    if stored != expected:
        fail(f"after {seen.prepared.operation}, getMessage returned {field} {short(stored)}; "
             f"expected {short(expected)} ({what})")


@dataclass
class Observed:
    prepared: Prepared
    reply: Reply
    message_id: str
    before: Ticket | None  # read only when the ticket is observed after the call too
    after: Ticket | None = None


def send_valid(ctx: RunContext, example: dict[str, Any], observe_after: bool = True
               ) -> Observed:
    """Prepare, snapshot the ticket, send, require success, snapshot again (with
    ``observe_after=False``, neither snapshot: no caller compares one)."""
    prepared = ctx.prepare(example)
    before = ctx.ticket(prepared.ticket_id) if observe_after else None
    reply = ctx.send(prepared)
    message_id = require_success(reply, prepared)
    after = ctx.ticket(prepared.ticket_id) if observe_after else None
    return Observed(prepared, reply, message_id, before, after)
