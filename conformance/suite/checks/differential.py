"""Differential family: the three variants store the same message for the same inputs."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.suite.checks._common import fail, require_success, short
from conformance.suite.context import RunContext, text
from conformance.suite.registry import check


def _linked(sent: list[str], attachment_id: str) -> str:
    """An attachment as the position it was sent at ("#1"), or its id if it was not sent."""
    return f"#{sent.index(attachment_id) + 1}" if attachment_id in sent else attachment_id


@check("AM-DIFFERENTIAL", "addMessage, addMessage2 and addMessage3 store the same body, "
       "sLevel and attachments for the same inputs",
       clause="addMessage2: 'as addMessage3 without the HTML body'; addMessage deprecated in "
       "favour of addMessage3", family="differential")
def variants_agree(ctx: RunContext) -> int:
    strategy = domain.add_message(variants=(1,), template=st.just("none"),
                                  notify=st.just(False))

    def body(example: dict) -> None:
        stored = {}
        for variant, operation in ((1, "addMessage"), (2, "addMessage2"), (3, "addMessage3")):
            # each call links attachments of its own (a target may refuse to link one a
            # message already links: 24 AttachmentInUse); they are compared by position
            prepared = ctx.prepare(example)
            params = dict(prepared.params)
            if variant > 1:
                params.update(replyTemplateId="0", To={}, Cc={}, Bcc={})
            if variant == 3:
                params["htmlMessageBody"] = ""
            prepared.operation = operation
            prepared.params = params
            message_id = require_success(ctx.send(prepared), prepared)
            message = ctx.message(message_id)
            stored[operation] = (message.fields.get("message.body", ""),
                                 message.fields.get("message.slevel", ""),
                                 sorted(_linked(prepared.attachment_ids,
                                                text(a.get("attachmentId")))
                                        for a in message.attachments))
        first = stored["addMessage"]
        for operation, value in stored.items():
            if value != first:
                fail(f"for the same inputs addMessage stored (body {short(first[0])}, sLevel "
                     f"{first[1]}, attachments {first[2]}) and {operation} stored (body "
                     f"{short(value[0])}, sLevel {value[1]}, attachments {value[2]})")

    return ctx.run_examples("AM-DIFFERENTIAL", strategy, body,
                            fixed=domain.systematic((1,), notify=False))
