"""The scripted sequence of the differential oracle, played on one side (a RunContext):
for each of the run's generated addMessage-family examples, in order, the suite makes it
concrete on that side (its own pool ticket in the example's status, its own uploads, the
example's session kind) and sends it, then reads back what the port shows: getTicket of the
example's own ticket and, after a success, getMessage of the new message. Each answer is
kept raw (for the evidence) and normalised (for the comparison).

Notifications and mail are left out: when they arrive is the timing-tolerant checks' job
(a one-shot read would report a slower correct target as different)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance.contract import BodyInvalid
from conformance.differential.normalise import IdMap, normalise_reply
from conformance.suite.client import Exchange, Reply, TargetError
from conformance.suite.context import MESSAGE_FIELDS, TICKET_FIELDS, RunContext, text


@dataclass
class Observation:
    label: str  # the operation, or "prepare" when the example could not be set up
    normalised: Any
    exchange: Exchange | None = None


def _observe(label: str, call: Any, ids: IdMap) -> tuple[Observation, Reply | None]:
    try:
        reply: Reply = call()
    except (TargetError, BodyInvalid) as exc:
        return Observation(label, {"error": type(exc).__name__}, None), None
    return Observation(label, normalise_reply(reply, ids), reply.exchange), reply


def play(ctx: RunContext, example: dict[str, Any], ids: IdMap) -> list[Observation]:
    """The observations of one example on one side (same labels in the same order on both
    sides as long as both behave alike)."""
    try:
        prepared = ctx.prepare(example)
    except (TargetError, BodyInvalid) as exc:
        return [Observation("prepare", {"error": str(exc).split(":")[0]})]
    ids.map("ticket", prepared.ticket_id)
    for attachment in (prepared.params.get("attachmentIds") or {}).get("item") or []:
        ids.map("attachment", attachment)
    sent, reply = _observe(prepared.operation, lambda: ctx.send(prepared, "differential"),
                           ids)
    out = [sent]
    if not str(example.get("ticket", "")).startswith("own"):
        return out
    out.append(_observe("getTicket", lambda: ctx.client.call(
        "getTicket", "differential", sessionKey=ctx.agent_key, ticketId=prepared.ticket_id,
        ticketFields={"item": TICKET_FIELDS}), ids)[0])
    message_id = text(reply.data.get("messageId")) if reply is not None and reply.ok else ""
    if message_id:
        out.append(_observe("getMessage", lambda: ctx.client.call(
            "getMessage", "differential", sessionKey=ctx.agent_key, messageId=message_id,
            messageField={"item": MESSAGE_FIELDS}), ids)[0])
    return out
