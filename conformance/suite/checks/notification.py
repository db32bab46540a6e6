"""Notification family: the owner is notified exactly when sendNotification says so.

Notifications are observed until they settle (a barrier after the call, see
``conformance.suite.observe``) and attributed to the example by its ticket id."""

from __future__ import annotations

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.suite.checks._common import fail, send_valid
from conformance.suite.context import RunContext
from conformance.suite.observe import message_notes
from conformance.suite.registry import check


def _observe(ctx: RunContext, example: dict, expected: int) -> tuple[str, int]:
    """The call's operation, and how many NewTicketMessage notes its ticket got: looked for
    until the barrier has come and, where ``expected`` notes are due, until they have (the
    reference gives no order of notifications: one may be readable after the barrier)."""
    seen = send_valid(ctx, example, observe_after=False)
    ticket_id = seen.prepared.ticket_id
    notes = message_notes(ctx.notes.settle(
        until=lambda got: len(message_notes(got, ticket_id)) >= expected), ticket_id)
    return seen.prepared.operation, len(notes)


@check("AM-NOTIFY-TRUE", "With sendNotification true, the ticket's owner gets exactly one "
       "NewTicketMessage (0x0002) notification for that ticket",
       clause="addMessage: sendNotification; notification type NewTicketMessage 0x0002",
       family="notification")
def notified_once(ctx: RunContext) -> int:
    ctx.notes.settle()  # what earlier checks caused is not this check's

    def body(example: dict) -> None:
        operation, count = _observe(ctx, example, expected=1)
        if count != 1:
            fail(f"the owner got {count} NewTicketMessage notifications for the ticket after "
                 f"{operation} with sendNotification=true (expected exactly 1)")

    return ctx.run_examples("AM-NOTIFY-TRUE", domain.add_message(notify=st.just(True)), body,
                            fixed=domain.systematic(notify=True))


@check("AM-NOTIFY-FALSE", "With sendNotification false, the owner gets no NewTicketMessage "
       "notification for that ticket",
       clause="addMessage: sendNotification", family="notification")
def not_notified(ctx: RunContext) -> int:
    ctx.notes.settle()

    def body(example: dict) -> None:
        operation, count = _observe(ctx, example, expected=0)
        if count:
            fail(f"the owner got {count} NewTicketMessage notification(s) for the ticket "
                 f"after {operation} with sendNotification=false (expected none)")

    return ctx.run_examples("AM-NOTIFY-FALSE", domain.add_message(notify=st.just(False)),
                            body, fixed=domain.systematic(notify=False))
