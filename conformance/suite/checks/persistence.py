"""Persistence family: a successful call stores the message exactly as sent."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import (
    expect_stored,
    fail,
    require_success,
    send_valid,
)
from conformance.suite.context import RunContext, text
from conformance.suite.registry import check

PLAIN = domain.add_message(template=st.just("none"))


@check("AM-MESSAGE-ID", "A successful call returns a non-empty messageId that is never "
       "reused, also after failed calls", clause="addMessage: out parameter messageID",
       family="persistence")
def message_id_fresh(ctx: RunContext) -> int:
    seen_ids: set[str] = set()
    strategy = st.tuples(PLAIN, st.booleans())

    def body(pair: tuple[dict, bool]) -> None:
        example, fail_first = pair
        if fail_first:
            broken = dict(example, slevel="0")
            ctx.send(ctx.prepare(broken), role="setup")
        message_id = send_valid(ctx, example, observe_after=False).message_id
        if message_id in seen_ids:
            fail(f"messageId {message_id!r} was returned before"
                 + (" (the call followed a failed call)" if fail_first else ""))
        seen_ids.add(message_id)

    return ctx.run_examples("AM-MESSAGE-ID", strategy, body,
                            fixed=[(e, True) for e in domain.systematic()],
                            coverage=[(e, n % 2 == 0) for n, e in
                                      enumerate(edge.pairwise_valid())])


@check("AM-MESSAGE-LISTED", "The new messageId is added to getTicket's messageIds, and no "
       "other id appears or disappears", clause="getTicket: messageIds", family="persistence")
def message_listed(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        seen = send_valid(ctx, example)
        assert seen.after is not None
        expected = set(seen.before.message_ids) | {seen.message_id}
        if set(seen.after.message_ids) != expected:
            missing = sorted(expected - set(seen.after.message_ids))
            extra = sorted(set(seen.after.message_ids) - expected)
            fail(f"after {seen.prepared.operation}, getTicket's messageIds lack {missing} "
                 f"and have unexpected {extra}")

    return ctx.run_examples("AM-MESSAGE-LISTED", PLAIN, body, fixed=domain.systematic(),
                            coverage=edge.pairwise_valid())


@check("AM-BODY-EXACT", "getMessage returns the body exactly as sent (any XML character, "
       "CR/LF, spaces, markup, non-BMP, long)", clause="addMessage: messageBody",
       family="persistence")
def body_exact(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        expect_stored(ctx, example, "message.body", example["body"], "the body sent")

    return ctx.run_examples("AM-BODY-EXACT", PLAIN, body,
                            fixed=domain.systematic() + edge.line_ending_examples(),
                            coverage=edge.pairwise_valid())


@check("AM-SLEVEL", "getMessage returns the sLevel sent (1 internal, 2 external)",
       clause="addMessage: sLevel", family="persistence")
def slevel_stored(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        expect_stored(ctx, example, "message.slevel", example["slevel"], "the sLevel sent")

    return ctx.run_examples("AM-SLEVEL", PLAIN, body, fixed=domain.systematic(),
                            coverage=edge.pairwise_valid())


@check("AM-ATTACHMENTS", "getMessage lists exactly the attachments linked by the call",
       clause="addMessage: attachmentIds", family="persistence")
def attachments_linked(ctx: RunContext) -> int:
    strategy = domain.add_message(
        template=st.just("none"),
        attachment_lists=domain.attachments().filter(lambda a: len(a) > 0))

    def body(example: dict) -> None:
        seen = send_valid(ctx, example, observe_after=False)
        listed = {text(a.get("attachmentId")) for a in ctx.message(seen.message_id).attachments}
        linked = set(seen.prepared.attachment_ids)
        if listed != linked:
            fail(f"{seen.prepared.operation} linked attachments {sorted(linked)} and "
                 f"getMessage lists {sorted(listed)}")

    return ctx.run_examples("AM-ATTACHMENTS", strategy, body,
                            fixed=domain.systematic() + edge.attachment_examples(
                                ctx.config.profile.name),
                            coverage=edge.pairwise_valid(attachments_min=1))


@check("AM-ATTACHMENT-BYTES", "getAttachment returns the bytes of each linked attachment "
       "unchanged", clause="addAttachment / getAttachment", family="persistence")
def attachment_bytes(ctx: RunContext) -> int:
    strategy = domain.add_message(
        template=st.just("none"),
        attachment_lists=st.lists(domain.new_attachment(), min_size=1, max_size=2))

    def body(example: dict) -> None:
        prepared = ctx.prepare(example)
        message_id = require_success(ctx.send(prepared), prepared)
        listed = {text(info.get("attachmentId")): text(info.get("attachmentKey"))
                  for info in ctx.message(message_id).attachments}
        for attachment_id, sent in prepared.attachment_bytes.items():
            if attachment_id not in listed:
                fail(f"{prepared.operation} linked attachment {attachment_id}, and "
                     "getMessage does not list it: its bytes cannot be read back")
            got = ctx.attachment(attachment_id, listed[attachment_id])
            if got != sent:
                fail(f"attachment {attachment_id} was uploaded with {len(sent)} bytes "
                     f"{sent[:24]!r} and getAttachment returned {len(got)} bytes {got[:24]!r}")

    return ctx.run_examples("AM-ATTACHMENT-BYTES", strategy, body,
                            fixed=domain.systematic() + edge.attachment_examples(
                                ctx.config.profile.name, large=True),
                            coverage=edge.pairwise_valid(attachments_min=1))
