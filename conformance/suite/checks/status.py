"""Status family: adding a message never changes the ticket (status or other fields)."""

from __future__ import annotations

from conformance.strategies import domain
from conformance.suite.checks._common import fail, send_valid
from conformance.suite.context import RunContext
from conformance.suite.registry import SHOULD, check

# Fields a message may legitimately update (bookkeeping), besides the status itself.
BOOKKEEPING = {"ticket.last_changed", "ticket.has_attachment", "ticket.replied_at",
               "ticket.read_by_customer", "ticket.status"}


@check("AM-STATUS", "addMessage, addMessage2 and addMessage3 leave ticket.status unchanged, "
       "whatever the status (open, closed)",
       clause="addMessage: 'addMessage will not affect ticket.status'", family="status")
def status_unchanged(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        seen = send_valid(ctx, example)
        before = seen.before.fields.get("ticket.status")
        after = seen.after.fields.get("ticket.status") if seen.after else None
        if before != after:
            fail(f"ticket.status was {before!r} before and {after!r} after "
                 f"{seen.prepared.operation}")

    return ctx.run_examples("AM-STATUS", domain.add_message(), body,
                            fixed=domain.systematic())


@check("AM-TICKET-FIELDS", "Adding a message leaves the ticket's other fields (title, "
       "category, priority, customer, dates of creation and closing) unchanged",
       clause="SHOULD: addMessage 'adds a message to an existing ticket'; the reference is "
       "silent on the other fields (escalation rules may change a priority)",
       family="status", level=SHOULD)
def fields_unchanged(ctx: RunContext) -> int:
    def body(example: dict) -> None:
        seen = send_valid(ctx, example)
        assert seen.after is not None
        for name, value in seen.before.fields.items():
            if name in BOOKKEEPING:
                continue
            after = seen.after.fields.get(name)
            if after != value:
                fail(f"{name} was {value!r} before and {after!r} after "
                     f"{seen.prepared.operation}")

    return ctx.run_examples("AM-TICKET-FIELDS", domain.add_message(), body,
                            fixed=domain.systematic())
