"""Inputs at the limits: bodies and HTML bodies past the sizes where storage commonly cuts
text, with a multi-byte character across the boundary, and every line-ending form.

A target may have a size limit: the user declares it (``--max-body-bytes``) or the check
discovers it from the target's answers. The reference pages document no size limit and
forbid none, and an errorCode is how the port reports what it will not do, so a refusal
with a documented errorCode that stores nothing is a limit, not a failure; so is a SOAP
Fault (SOAP 1.1 section 4.4) for a body over 255 bytes and an HTTP 413 Payload Too Large
from a front end (RFC 9110 section 15.5.14). Declared, a
refusal within the limit fails; discovered, the limit must be consistent (within one
operation, a body refused while a larger one was stored whole fails). It never stores a
shortened body: a silent cut is a failure at any size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import DOCUMENTED_CODES, fail, require_success, short
from conformance.suite.client import Reply, TargetError
from conformance.suite.context import HTML_FIELD, Prepared, RunContext
from conformance.suite.registry import check

BODIES = {"messageBody": "message.body", "htmlMessageBody": HTML_FIELD}
PAYLOAD_TOO_LARGE = 413
# A Fault is taken for a size refusal only for a body past the smallest size the check
# names (a VARCHAR(255) column): a Fault for a shorter body is a plain failure.
FAULT_FLOOR = 255


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


@dataclass
class Discovered:
    """What one run of the check learnt of an undeclared limit, per operation: the sizes
    (largest body, total of both bodies, in UTF-8 bytes) stored whole and refused."""

    stored: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    refused: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def inconsistent(self, operation: str, size: tuple[int, int], refused: bool
                     ) -> tuple[int, int] | None:
        """An earlier answer the new one contradicts: a refused body no larger (in both
        measures, so a limit on each body or on their sum is allowed) than one stored."""
        others = (self.stored if refused else self.refused).get(operation, [])
        for other in others:
            small, large = (size, other) if refused else (other, size)
            if small[0] <= large[0] and small[1] <= large[1]:
                return other
        return None

    def add(self, operation: str, size: tuple[int, int], refused: bool) -> None:
        (self.refused if refused else self.stored).setdefault(operation, []).append(size)


def _refused(ctx: RunContext, prepared: Prepared, how: str, size: tuple[int, int],
             message_ids: list[str], seen: Discovered, code: str | None = None) -> None:
    """A refusal (``how``: a non-zero errorCode ``code``, a SOAP Fault or HTTP 413):
    allowed past the declared or a consistent discovered limit, an errorCode only if it is
    documented, and only if nothing was stored."""
    limit = ctx.config.max_body_bytes
    largest = size[0]
    if limit is not None and largest <= limit:
        fail(f"{prepared.operation} with a {largest}-byte body was refused with {how}, "
             f"within the declared limit of {limit} bytes")
    where = (f"past the declared limit of {limit} bytes" if limit is not None else
             "no limit declared: discovering it")
    if code is not None and code not in DOCUMENTED_CODES:
        fail(f"{prepared.operation} refused a {largest}-byte body ({where}) with the "
             f"undocumented errorCode {code}")
    if limit is None:
        other = seen.inconsistent(prepared.operation, size, refused=True)
        if other is not None:
            fail(f"{prepared.operation} refused a {largest}-byte body ({size[1]} bytes in "
                 f"all) with {how}, yet stored a {other[0]}-byte one ({other[1]} in all) "
                 "whole: no consistent size limit")
        seen.add(prepared.operation, size, refused=True)
    after = ctx.ticket(prepared.ticket_id).message_ids
    if after != message_ids:
        fail(f"{prepared.operation} refused a {largest}-byte body with {how}, yet the "
             f"ticket's messages changed ({message_ids} -> {after})")


def _send(ctx: RunContext, prepared: Prepared) -> Reply | None:
    """The reply, or None when the target refused the request over HTTP with 413 Payload
    Too Large (RFC 9110 section 15.5.14: a server may refuse a request larger than it is
    willing to process), which carries no SOAP answer."""
    try:
        return ctx.send(prepared)
    except TargetError:
        exchange = ctx.client.last_exchange
        if exchange is not None and exchange.status == PAYLOAD_TOO_LARGE:
            return None
        raise


def check_stored(ctx: RunContext, example: dict[str, Any], seen: Discovered | None = None
                 ) -> None:
    seen = seen if seen is not None else Discovered()
    prepared = ctx.prepare(example)
    before = ctx.ticket(prepared.ticket_id).message_ids
    reply = _send(ctx, prepared)
    bodies = sent_bodies(prepared)
    sizes = [edge.utf8_size(b) for b in bodies.values()]
    size = (max(sizes), sum(sizes))
    if reply is None:
        _refused(ctx, prepared, "HTTP 413 Payload Too Large", size, before, seen)
        return
    if reply.fault is not None and max(sizes) > FAULT_FLOOR:
        _refused(ctx, prepared, f"a SOAP Fault ({reply.fault.code}: "
                 f"{short(reply.fault.string, 60)})", size, before, seen)
        return
    if reply.fault is None and reply.error_code not in ("0", None):
        _refused(ctx, prepared, f"errorCode {reply.error_code}", size, before, seen,
                 code=reply.error_code)
        return
    message_id = require_success(reply, prepared)
    stored = ctx.message(message_id).fields
    if "htmlMessageBody" in bodies:
        html = ctx.html_body(message_id)
        if html is None:  # the target names no field for it: the plain body is judged
            bodies = {k: v for k, v in bodies.items() if k != "htmlMessageBody"}
        else:
            stored = {**stored, BODIES["htmlMessageBody"]: html}
    for name, sent in bodies.items():
        got = stored.get(BODIES[name], "")
        if got != sent:
            fail(f"after {prepared.operation}, getMessage returned {BODIES[name]} "
                 f"{describe_cut(sent, got)}: a silent cut or change of a "
                 f"{edge.utf8_size(sent)}-byte {name}")
    if ctx.config.max_body_bytes is None:
        other = seen.inconsistent(prepared.operation, size, refused=False)
        if other is not None:
            fail(f"{prepared.operation} stored a {size[0]}-byte body ({size[1]} bytes in all) "
                 f"whole, yet refused a {other[0]}-byte one ({other[1]} in all): no "
                 "consistent size limit")
        seen.add(prepared.operation, size, refused=False)


@check("AM-BODY-LIMITS", "Bodies and HTML bodies past the sizes where storage commonly cuts "
       "(255, 4000, 8000, 32767, 65535 bytes, 1 MiB) and in every line-ending form are stored "
       "whole; past a declared or discovered (consistent) limit a refusal that stores "
       "nothing (a documented errorCode, a SOAP Fault, HTTP 413) is allowed, a silent cut "
       "never",
       clause="addMessage: messageBody; addMessage3: htmlMessageBody; Error codes",
       family="persistence")
def body_limits(ctx: RunContext) -> int:
    profile = ctx.config.profile
    strategy: st.SearchStrategy[dict[str, Any]] = domain.add_message(
        template=st.just("none"))
    budget = None
    if profile.name == "thorough":
        strategy, budget = edge.drawn_sizes(), max(1, profile.max_examples // 3)

    seen = Discovered()

    def body(example: dict[str, Any]) -> None:
        check_stored(ctx, example, seen)

    return ctx.run_examples("AM-BODY-LIMITS", strategy, body, budget,
                            fixed=edge.size_examples(profile.name)
                            + edge.line_ending_examples())
