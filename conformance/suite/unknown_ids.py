"""Ids the suite sends as "unknown" (an unknown ticket, attachment or reply template), each
verified unknown on this target before use: a correct target may have any id, also one in
the range the strategies draw unknown ids from (variant ``known-high-ids``). An id the
target knows is replaced by a longer one (a digit appended) until the target says it does
not know it. One look-up per distinct id, cached for the run."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.suite.context import RunContext

ATTEMPTS = 6


class UnknownIds:
    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self._checked: dict[tuple[str, str], str] = {}

    def ticket(self, candidate: str) -> str:
        return self._verified("ticket", candidate)

    def attachment(self, candidate: str) -> str:
        return self._verified("attachment", candidate)

    def template(self, candidate: str) -> str:
        return self._verified("template", candidate)

    def _verified(self, kind: str, candidate: str) -> str:
        key = (kind, candidate)
        if key not in self._checked:
            value = candidate
            for _ in range(ATTEMPTS):
                if not self._known(kind, value):
                    break
                value += "7"
            self._checked[key] = value
        return self._checked[key]

    def _known(self, kind: str, value: str) -> bool:
        ctx = self.ctx
        if kind == "ticket":
            reply = ctx.client.call("getTicket", "setup", sessionKey=ctx.agent_key,
                                    ticketId=value, ticketFields={"item": ["ticket.id"]})
        elif kind == "attachment":
            reply = ctx.client.call("getAttachment", "setup", sessionKey=ctx.agent_key,
                                    attachmentId=value, attachmentKey="")
        else:
            reply = ctx.client.call("getReplyTemplate", "setup", sessionKey=ctx.agent_key,
                                    replyTemplateId=value, languageId="")
        return reply.fault is None and reply.error_code == "0"
