"""Status family: adding a message never changes the ticket (status or other fields)."""

from __future__ import annotations

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import fail
from conformance.suite.checks._observe import Observation, run_judged
from conformance.suite.context import RunContext
from conformance.suite.registry import check

# Fields a message may legitimately update (bookkeeping), besides the status itself.
BOOKKEEPING = {"ticket.last_changed", "ticket.has_attachment", "ticket.replied_at",
               "ticket.read_by_customer", "ticket.status"}


@check("AM-STATUS", "addMessage, addMessage2 and addMessage3 leave ticket.status unchanged, "
       "whatever the status (open, closed)",
       clause="addMessage: 'addMessage will not affect ticket.status'", family="status")
def status_unchanged(ctx: RunContext) -> int:
    def judge(seen: Observation) -> None:
        before = seen.before.fields.get("ticket.status")
        after = seen.after.fields.get("ticket.status") if seen.after else None
        if before != after:
            fail(f"ticket.status was {before!r} before and {after!r} after "
                 f"{seen.prepared.operation}")

    return run_judged(ctx, "AM-STATUS", domain.add_message(), judge,
                      fixed=domain.systematic(), coverage=edge.pairwise_valid(templates=True),
                      family="status", after=True, message=False)


@check("AM-TICKET-FIELDS", "Adding a message leaves the ticket's other fields (title, "
       "category, priority, customer, dates of creation and closing) unchanged",
       clause="addMessage: adds a message to an existing ticket", family="status")
def fields_unchanged(ctx: RunContext) -> int:
    def judge(seen: Observation) -> None:
        assert seen.after is not None
        for name, value in seen.before.fields.items():
            if name in BOOKKEEPING:
                continue
            after = seen.after.fields.get(name)
            if after != value:
                fail(f"{name} was {value!r} before and {after!r} after "
                     f"{seen.prepared.operation}")

    return run_judged(ctx, "AM-TICKET-FIELDS", domain.add_message(), judge,
                      fixed=domain.systematic(), coverage=edge.pairwise_valid(templates=True),
                      family="status", after=True, message=False)
