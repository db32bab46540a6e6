"""Persistence family: a successful call stores the message exactly as sent."""

from __future__ import annotations

import base64
from collections.abc import Callable

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import fail, send_valid, short
from conformance.suite.checks._observe import Observation, run_judged
from conformance.suite.context import RunContext, text
from conformance.suite.registry import check

PLAIN = domain.add_message(template=st.just("none"))
FAMILY = "persistence"  # the coverage phase's observations are shared by the family


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
                            fixed=[(e, True) for e in domain.systematic()])


@check("AM-MESSAGE-LISTED", "The new messageId is added to getTicket's messageIds, and no "
       "other id appears or disappears, on that ticket or on any other ticket of the suite's",
       clause="getTicket: messageIds; addMessage: ticketId (the message is added to that "
       "ticket)", family="persistence")
def message_listed(ctx: RunContext) -> int:
    def judge(seen: Observation) -> None:
        assert seen.after is not None
        expected = set(seen.before.message_ids) | {seen.message_id}
        if set(seen.after.message_ids) != expected:
            missing = sorted(expected - set(seen.after.message_ids))
            extra = sorted(set(seen.after.message_ids) - expected)
            fail(f"after {seen.prepared.operation}, getTicket's messageIds lack {missing} "
                 f"and have unexpected {extra}")
        for other, then, now in ctx.untouched_tickets_changed(seen.prepared.ticket_id):
            fail(f"after {seen.prepared.operation} on ticket {seen.prepared.ticket_id}, "
                 f"ticket {other}, which no call named, lists messages {now} (it listed "
                 f"{then})")

    return run_judged(ctx, "AM-MESSAGE-LISTED", PLAIN, judge, fixed=domain.systematic(),
                      coverage=edge.pairwise_valid(), family=FAMILY, after=True,
                      message=False)


def _stored(field: str, expected: Callable[[Observation], str], what: str
            ) -> Callable[[Observation], None]:
    """A judge: getMessage's ``field`` must be ``expected(seen)``."""
    def judge(seen: Observation) -> None:
        assert seen.message is not None
        stored = seen.message.fields.get(field, "")
        if stored != expected(seen):
            fail(f"after {seen.prepared.operation}, getMessage returned {field} "
                 f"{short(stored)}; expected {short(expected(seen))} ({what})")

    return judge


@check("AM-BODY-EXACT", "getMessage returns the body exactly as sent (any XML character, "
       "CR/LF, spaces, markup, non-BMP, long)", clause="addMessage: messageBody",
       family="persistence")
def body_exact(ctx: RunContext) -> int:
    return run_judged(ctx, "AM-BODY-EXACT", PLAIN,
                      _stored("message.body", lambda s: s.example["body"], "the body sent"),
                      fixed=domain.systematic() + edge.line_ending_examples(),
                      coverage=edge.pairwise_valid(), family=FAMILY)


@check("AM-SLEVEL", "getMessage returns the sLevel sent (1 internal, 2 external)",
       clause="addMessage: sLevel", family="persistence")
def slevel_stored(ctx: RunContext) -> int:
    return run_judged(ctx, "AM-SLEVEL", PLAIN,
                      _stored("message.slevel", lambda s: s.example["slevel"],
                              "the sLevel sent"),
                      fixed=domain.systematic(), coverage=edge.pairwise_valid(),
                      family=FAMILY)


@check("AM-ATTACHMENTS", "getMessage lists exactly the attachments linked by the call",
       clause="addMessage: attachmentIds", family="persistence")
def attachments_linked(ctx: RunContext) -> int:
    strategy = domain.add_message(
        template=st.just("none"),
        attachment_lists=domain.attachments().filter(lambda a: len(a) > 0))

    def judge(seen: Observation) -> None:
        assert seen.message is not None
        listed = {text(a.get("attachmentId")) for a in seen.message.attachments}
        linked = set(seen.prepared.attachment_ids)
        if listed != linked:
            fail(f"{seen.prepared.operation} linked attachments {sorted(linked)} and "
                 f"getMessage lists {sorted(listed)}")

    return run_judged(ctx, "AM-ATTACHMENTS", strategy, judge,
                      fixed=domain.systematic() + edge.attachment_examples(
                          ctx.config.profile.name),
                      coverage=edge.pairwise_valid(), family=FAMILY)


@check("AM-ATTACHMENT-BYTES", "getAttachment returns the bytes of each linked attachment "
       "unchanged", clause="addAttachment / getAttachment", family="persistence")
def attachment_bytes(ctx: RunContext) -> int:
    strategy = domain.add_message(
        template=st.just("none"),
        attachment_lists=st.lists(domain.new_attachment(), min_size=1, max_size=2))

    def judge(seen: Observation) -> None:
        got_all = seen.reads.get("getAttachment", {})
        for attachment_id, sent in seen.prepared.attachment_bytes.items():
            if attachment_id not in got_all:
                fail(f"{seen.prepared.operation} linked attachment {attachment_id}, and "
                     "getMessage does not list it: its bytes cannot be read back")
            got = base64.b64decode(got_all[attachment_id].get("data", ""))
            if got != sent:
                fail(f"attachment {attachment_id} was uploaded with {len(sent)} bytes "
                     f"{sent[:24]!r} and getAttachment returned {len(got)} bytes {got[:24]!r}")

    return run_judged(ctx, "AM-ATTACHMENT-BYTES", strategy, judge,
                      fixed=domain.systematic() + edge.attachment_examples(
                          ctx.config.profile.name, large=True),
                      coverage=edge.pairwise_valid(), family=FAMILY, attachments=True)
