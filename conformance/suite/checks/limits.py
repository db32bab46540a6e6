"""Inputs at the limits: bodies and HTML bodies past the sizes where storage commonly cuts
text, with a multi-byte character across the boundary, and every line-ending form.

A target may have a size limit; the user declares it (``--max-body-bytes``). Past the
declared limit the target may refuse the call with a documented errorCode, and then must
store nothing; it never stores a shortened body: a silent cut is a failure at any size.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import DOCUMENTED_CODES, fail, require_success
from conformance.suite.client import Reply
from conformance.suite.context import Prepared, RunContext
from conformance.suite.registry import check

BODIES = {"messageBody": "message.body", "htmlMessageBody": "message.html_body"}


def describe_cut(sent: str, got: str) -> str:
    """Where a stored text departs from the one sent, in UTF-8 bytes."""
    sent_bytes, got_bytes = sent.encode("utf-8", "surrogatepass"), got.encode(
        "utf-8", "surrogatepass")
    if sent_bytes.startswith(got_bytes):
        return (f"cut after {len(got_bytes)} of {len(sent_bytes)} UTF-8 bytes "
                f"({len(got)} of {len(sent)} characters)")
    same = next((i for i, (a, b) in enumerate(zip(sent_bytes, got_bytes, strict=False))
                 if a != b), min(len(sent_bytes), len(got_bytes)))
    return (f"{len(got_bytes)} UTF-8 bytes stored for {len(sent_bytes)} sent, first "
            f"difference at byte {same}")


def sent_bodies(prepared: Prepared) -> dict[str, str]:
    return {name: str(prepared.params[name]) for name in BODIES if name in prepared.params}


def _refused(ctx: RunContext, prepared: Prepared, reply: Reply, largest: int,
             message_ids: list[str]) -> None:
    """A non-zero errorCode: allowed past a declared limit, if nothing was stored."""
    limit = ctx.config.max_body_bytes
    code = reply.error_code
    if limit is None or largest <= limit:
        why = (f"within the declared limit of {limit} bytes" if limit is not None else
               "and no limit was declared (a target with a size limit is run with "
               "--max-body-bytes N)")
        fail(f"{prepared.operation} with a {largest}-byte body returned errorCode {code}, "
             f"{why}")
    if code not in DOCUMENTED_CODES:
        fail(f"{prepared.operation} refused a {largest}-byte body (past the declared limit "
             f"of {limit} bytes) with the undocumented errorCode {code}")
    after = ctx.ticket(prepared.ticket_id).message_ids
    if after != message_ids:
        fail(f"{prepared.operation} refused a {largest}-byte body with errorCode {code}, "
             f"yet the ticket's messages changed ({message_ids} -> {after})")


def check_stored(ctx: RunContext, example: dict[str, Any]) -> None:
    prepared = ctx.prepare(example)
    before = ctx.ticket(prepared.ticket_id).message_ids
    reply = ctx.send(prepared)
    bodies = sent_bodies(prepared)
    largest = max(edge.utf8_size(b) for b in bodies.values())
    if reply.fault is None and reply.error_code not in ("0", None):
        _refused(ctx, prepared, reply, largest, before)
        return
    message_id = require_success(reply, prepared)
    stored = ctx.message(message_id).fields
    for name, sent in bodies.items():
        got = stored.get(BODIES[name], "")
        if got != sent:
            fail(f"after {prepared.operation}, getMessage returned {BODIES[name]} "
                 f"{describe_cut(sent, got)}: a silent cut or change of a "
                 f"{edge.utf8_size(sent)}-byte {name}")


@check("AM-BODY-LIMITS", "Bodies and HTML bodies past the sizes where storage commonly cuts "
       "(255, 4000, 8000, 32767, 65535 bytes, 1 MiB) and in every line-ending form are stored "
       "whole; past a declared limit a refusal with a documented errorCode is allowed, a "
       "silent cut never", clause="addMessage: messageBody; addMessage3: htmlMessageBody; "
       "Error codes", family="persistence")
def body_limits(ctx: RunContext) -> int:
    profile = ctx.config.profile
    strategy: st.SearchStrategy[dict[str, Any]] = domain.add_message(
        template=st.just("none"))
    budget = None
    if profile.name == "thorough":
        strategy, budget = edge.drawn_sizes(), max(1, profile.max_examples // 3)

    def body(example: dict[str, Any]) -> None:
        check_stored(ctx, example)

    return ctx.run_examples("AM-BODY-LIMITS", strategy, body, budget,
                            fixed=edge.size_examples(profile.name)
                            + edge.line_ending_examples())
