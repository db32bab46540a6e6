"""Stateful family: a Hypothesis state machine over the ticket life cycle (login/logout,
newTicket, setTicket status and title, addAttachment, the addMessage variants, reads), with
a model of what the target must hold, checked after every step."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conformance.strategies import domain
from conformance.strategies.xmltext import xml_text
from conformance.suite.checks._common import fail, short
from conformance.suite.client import TargetError
from conformance.suite.context import RunContext, text
from conformance.suite.observe import NEW_TICKET_MESSAGE, of_type
from conformance.suite.registry import CheckFailed, check

PICK = st.integers(min_value=0, max_value=63)
MAX_SESSIONS = 3
ATTACHMENT_IN_USE = "24"  # ticket-port.md Error codes: 24 AttachmentInUse


class TicketLifeCycle(RuleBasedStateMachine):
    """Drives the target and a model side by side; ``ctx`` is set on a per-run subclass."""

    ctx: RunContext
    steps_run = 0

    def __init__(self) -> None:
        super().__init__()
        self.tickets: dict[str, dict[str, Any]] = {}
        self.sessions: dict[str, bool] = {self.ctx.agent_key: True}
        self.attachments: list[str] = []
        self.in_use: set[str] = set()  # attachments a stored message already links
        self.touched: str | None = None
        self.expected_notes = 0
        self.steps: list[str] = []
        self.ctx.example = {"steps": self.steps}
        self.ctx.recorder.begin()
        self.ctx.notes.settle()  # start from a quiet owner
        self.unsettled = False  # an addMessage since the last settled look

    @staticmethod
    def pick(choices: Any, index: int) -> str:
        """The index-th of the sorted choices (modulo their number): a shrinkable pick."""
        ordered = sorted(choices)
        return str(ordered[index % len(ordered)])

    def log(self, step: str) -> None:
        self.steps.append(step)
        type(self).steps_run += 1

    # A target may bound the sessions of one user (the reference says nothing of a bound):
    # the machine holds at most MAX_SESSIONS of its own at once.
    @precondition(lambda self: sum(self.sessions.values()) < MAX_SESSIONS)
    @rule()
    def login(self) -> None:
        key = self.ctx.login(self.ctx.config.user, self.ctx.config.password, "agent")
        self.sessions[key] = True
        self.log("login")

    @precondition(lambda self: len(self.sessions) > 1)
    @rule(pick=PICK)
    def logout(self, pick: int) -> None:
        extra = sorted(k for k, valid in self.sessions.items() if valid
                       and k != self.ctx.agent_key)
        if not extra:
            return
        key = extra[pick % len(extra)]
        self.ctx.expect_ok(self.ctx.client.call("logout", "subject", sessionKey=key), "logout")
        self.sessions[key] = False
        self.log("logout")

    @rule()
    def new_ticket(self) -> None:
        ticket_id = self.ctx.new_ticket("life cycle")
        status = self.ctx.ticket(ticket_id).fields.get("ticket.status")
        title = self.ctx.ticket(ticket_id).fields.get("ticket.title")
        self.tickets[ticket_id] = {"status": status, "title": title, "messages": set()}
        self.touched = ticket_id
        self.log(f"newTicket -> {ticket_id}")

    @precondition(lambda self: self.tickets)
    @rule(pick=PICK, status=st.sampled_from(domain.STATUSES))
    def set_status(self, pick: int, status: str) -> None:
        ticket_id = self.pick(self.tickets, pick)
        self.ctx.set_status(ticket_id, status)
        self.tickets[ticket_id]["status"] = self.ctx.ticket(ticket_id).fields.get(
            "ticket.status")
        self.touched = ticket_id
        self.log(f"setTicket {ticket_id} status={status}")

    @precondition(lambda self: self.tickets)
    @rule(pick=PICK, title=st.text(alphabet="abcdefgh XYZ", min_size=1, max_size=20))
    def set_title(self, pick: int, title: str) -> None:
        ticket_id = self.pick(self.tickets, pick)
        self.ctx.expect_ok(self.ctx.client.call(
            "setTicket", "subject", sessionKey=self.ctx.agent_key, ticketId=ticket_id,
            ticketValues={"item": [{"field": "ticket.title", "value": title}]}), "setTicket")
        self.tickets[ticket_id]["title"] = title
        self.touched = ticket_id
        self.log(f"setTicket {ticket_id} title={title!r}")

    @rule(spec=domain.new_attachment())
    def add_attachment(self, spec: dict[str, Any]) -> None:
        attachment_id, _ = self.ctx.upload(spec)
        self.attachments.append(attachment_id)
        self.log(f"addAttachment -> {attachment_id}")

    @precondition(lambda self: self.tickets)
    @rule(pick=PICK, session=PICK, links=st.lists(PICK, max_size=2),
          variant=st.sampled_from(domain.VARIANTS),
          body=xml_text(max_size=300), slevel=st.sampled_from(domain.VALID_SLEVELS),
          notify=st.booleans())
    def add_message(self, pick: int, session: int, links: list[int], variant: int, body: str,
                    slevel: str, notify: bool) -> None:
        ticket_id = self.pick(self.tickets, pick)
        key = self.pick(self.sessions, session)
        linked = list(dict.fromkeys(self.attachments[i % len(self.attachments)]
                                    for i in links)) if self.attachments else []
        params: dict[str, Any] = {
            "sessionKey": key, "messageBody": body, "ticketId": ticket_id, "sLevel": slevel,
            "attachmentIds": {"item": linked} if linked else {}, "sendNotification": notify}
        if variant > 1:
            params.update(replyTemplateId="0", To={}, Cc={}, Bcc={})
        if variant == 3:
            params["htmlMessageBody"] = ""
        operation = {1: "addMessage", 2: "addMessage2", 3: "addMessage3"}[variant]
        valid = self.sessions[key]
        self.log(f"{operation} ticket={ticket_id} session={'valid' if valid else 'logged out'}"
                 f" body={short(body, 40)} sLevel={slevel} attachments={linked} "
                 f"notify={notify}")
        reply = self.ctx.client.call(operation, "subject", **params)
        self.ctx.coverage.note(operation, params,
                               reply.error_code if reply.fault is None else None)
        self.unsettled = True
        expected = {"0"} if valid else {"5"}
        if valid and self.in_use.intersection(linked):
            # linking an attachment another message links: the reference documents
            # 24 AttachmentInUse, and does not say when it applies, so both are correct
            expected.add(ATTACHMENT_IN_USE)
        if reply.fault is not None or reply.error_code not in expected:
            fail(f"{operation} returned {reply.error_code or reply.fault} (expected "
                 f"{' or '.join(sorted(expected))}) after: {'; '.join(self.steps)}")
        self.touched = ticket_id
        if valid and reply.error_code == "0":
            self.in_use.update(linked)
            message_id = text(reply.data.get("messageId"))
            self.tickets[ticket_id]["messages"].add(message_id)
            stored = self.ctx.message(message_id)
            if stored.fields.get("message.body", "") != body:
                fail(f"message {message_id} body {short(stored.fields.get('message.body', ''))}"
                     f" differs from the body sent {short(body)}")
            self.expected_notes += int(notify)

    @invariant()
    def target_matches_model(self) -> None:
        if self.touched is None:
            return
        model = self.tickets[self.touched]
        ticket = self.ctx.ticket(self.touched)
        history = "; ".join(self.steps)
        if ticket.fields.get("ticket.status") != model["status"]:
            fail(f"ticket {self.touched} has status {ticket.fields.get('ticket.status')!r}, "
                 f"the model {model['status']!r}, after: {history}")
        if ticket.fields.get("ticket.title") != model["title"]:
            fail(f"ticket {self.touched} has title {ticket.fields.get('ticket.title')!r}, "
                 f"the model {model['title']!r}, after: {history}")
        if set(ticket.message_ids) != model["messages"]:
            fail(f"ticket {self.touched} lists messages {sorted(ticket.message_ids)}, the "
                 f"model {sorted(model['messages'])}, after: {history}")
        # after an addMessage, wait until its notifications have settled (a barrier)
        def due(got: list[dict[str, Any]]) -> bool:  # the reference gives no order
            return sum(of_type(n, NEW_TICKET_MESSAGE) for n in got) >= self.expected_notes

        seen = (self.ctx.notes.settle(until=due) if self.unsettled
                else self.ctx.owner_notifications())
        self.unsettled = False
        notes = [n for n in seen if of_type(n, NEW_TICKET_MESSAGE)]
        self.expected_notes -= len(notes)
        if self.expected_notes != 0:
            fail(f"the owner's NewTicketMessage notifications are off by "
                 f"{-self.expected_notes} after: {history}")


def scripted_life_cycle(machine: TicketLifeCycle) -> None:
    """One fixed walk through the life cycle (close, rename, message, logged-out message),
    checking the model after each step, before Hypothesis explores at random."""
    steps = [
        machine.new_ticket,
        lambda: machine.set_status(pick=0, status="close"),
        lambda: machine.set_title(pick=0, title="renamed by the suite"),
        lambda: machine.add_attachment(spec=domain.systematic()[0]["attachments"][0]),
        lambda: machine.add_message(pick=0, session=0, links=[0], variant=1,
                                    body=domain.SINK_BODY, slevel="2", notify=True),
        machine.login,
        lambda: machine.logout(pick=0),
        lambda: machine.add_message(pick=0, session=1, links=[], variant=3, body="x",
                                    slevel="1", notify=False),
        lambda: machine.set_status(pick=0, status="open"),
        lambda: machine.add_message(pick=0, session=0, links=[], variant=2, body="",
                                    slevel="1", notify=False),
    ]
    for step in steps:
        step()
        machine.target_matches_model()


@check("AM-STATEFUL", "Over any sequence of life-cycle operations, the target holds what a "
       "model of the port says: status, title, messages and notifications",
       clause="ticket port: login/logout, newTicket, setTicket, addAttachment, addMessage*, "
       "getTicket, getMessage", family="stateful", conformance_class="stateful",
       sliced=False)
def life_cycle(ctx: RunContext) -> int:
    machine = type("TicketLifeCycleRun", (TicketLifeCycle,), {"ctx": ctx, "steps_run": 0})
    scripted_life_cycle(machine())
    machine._hypothesis_internal_use_seed = ctx.seed_for("AM-STATEFUL")  # type: ignore
    profile = ctx.config.profile
    try:
        run_state_machine_as_test(machine, settings=settings(
            max_examples=profile.state_machine_runs,
            stateful_step_count=profile.state_machine_steps, deadline=None, database=None,
            derandomize=False,
            print_blob=False, report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck)))
    except FlakyFailure as exc:
        raise CheckFailed(f"{exc.exceptions[0] if exc.exceptions else exc} (not reproducible)"
                          ) from None
    except TargetError:
        raise
    steps: int = machine.steps_run  # type: ignore[attr-defined]
    return steps
