"""The suite skips a setTicket only when it knows the pool ticket already has the status the
example asks for (issue 12 point 1): getTicket showed it, and no call that may change the
ticket was made since. Any such call (an addMessage naming the ticket, a raw request that
may name any ticket, a setTicket) makes the suite set the status again. Against the real
reference target, over loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.contract import CANONICAL_WSDL
from conformance.suite import runner
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.context import RunContext


@pytest.fixture
def ctx() -> Iterator[RunContext]:
    with runner.embedded_target([]) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=1)
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        yield state.context


def set_tickets(ctx: RunContext) -> int:
    return sum(e.operation == "setTicket" for e in ctx.recorder.current)


def add_message(ctx: RunContext, ticket_id: str) -> None:
    ctx.expect_ok(ctx.client.call(
        "addMessage", "subject", sessionKey=ctx.agent_key, messageBody="x",
        ticketId=ticket_id, sLevel="1", attachmentIds={}, sendNotification=False),
        "addMessage")


def test_a_known_status_is_not_set_again(ctx: RunContext) -> None:
    ctx.recorder.begin()
    ticket = ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 1  # nothing known yet
    assert ctx.ticket(ticket).fields["ticket.status"] == "closed"
    assert ctx.ticket_with_status("close") == ticket
    assert set_tickets(ctx) == 1  # getTicket showed "closed", nothing changed it since
    ctx.upload({"name": "a.txt", "content_type": "text/plain", "data": "YQ=="})
    ctx.owner_notifications()
    ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 1  # uploads and reads change no ticket


def test_any_call_that_may_change_the_ticket_makes_it_set_again(ctx: RunContext) -> None:
    ctx.recorder.begin()
    ticket = ctx.ticket_with_status("close")
    ctx.ticket(ticket)
    add_message(ctx, ticket)  # may have reopened it: that is what the status check asks
    ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 2
    ctx.ticket(ticket)
    ctx.client.post_raw(b"<not-soap/>", None)  # a raw body may name any ticket
    ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 3


def test_another_status_or_another_tickets_write(ctx: RunContext) -> None:
    ctx.recorder.begin()
    closed = ctx.ticket_with_status("close")
    ctx.ticket(closed)
    opened = ctx.ticket_with_status("open")
    assert opened != closed and set_tickets(ctx) == 2
    ctx.ticket(opened)
    add_message(ctx, opened)  # names the other ticket only
    ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 2
    ctx.ticket_with_status("open")
    assert set_tickets(ctx) == 3


def test_a_status_that_differs_from_what_the_verb_left_is_set(ctx: RunContext) -> None:
    ctx.recorder.begin()
    ticket = ctx.ticket_with_status("close")
    ctx.ticket(ticket)
    ctx.note_status(ticket, "open")  # as if getTicket had shown it open
    ctx.ticket_with_status("close")
    assert set_tickets(ctx) == 2
