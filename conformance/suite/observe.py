"""Observing what a call causes after its answer: the owner's notifications and the mail a
target sends. A correct target may make them visible later (a queue, a worker): the suite
waits until a settle deadline (``--settle-time``), never a fixed sleep per example; while a
found failure is shrunk (and, for mail, while a check's examples run) the look is shorter,
and a verdict never rests on a short look alone (looks.py).

Notifications are polled with back-off. "No notification" cannot be proven by a short look,
so it is confirmed by a **barrier**: right after the call under test the suite creates a
ticket of its own with ``newTicket(sendNotification=true)`` (a New Ticket notification to the
owner, a code path of its own, so an addMessage notification bug cannot stop it) and polls
until that notification arrives: for a target that makes notifications readable in the
order of the calls, anything for the example's ticket that came before the barrier is the
example's. The reference gives no such order, so where a notification is due the wait also
lasts until it has come (``settle(until=...)``); if the barrier never comes, the settle
deadline ends the wait. Notifications are attributed by ticket id.

Mail is waited for event-driven (the SMTP capture signals each arrival); only mail addressed
to the example's own recipients is judged (``mail_to``); a short look at it is kept open,
to be completed later (looks.py).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from conformance.strategies.domain import CAPTURE_DOMAIN
from conformance.suite.looks import MAIL, NOTIFICATIONS, OpenLook

if TYPE_CHECKING:
    from conformance.suite.context import RunContext

# Notification types (ticket-port.md): bit flags, so a note is of a type when its bit is set
NEW_TICKET = 0x0001
NEW_TICKET_MESSAGE = 0x0002
FIRST_POLL = 0.01  # seconds before the second look; doubles up to MAX_POLL
MAX_POLL = 0.25
_PLAIN_LOCAL = re.compile(r"[a-z0-9-]+")


def text(value: Any) -> str:
    return "" if value is None else str(value)


def of_type(note: dict[str, Any], flag: int) -> bool:
    """True when the notification's type has ``flag`` set."""
    try:
        return int(note.get("type")) & flag != 0  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def message_notes(notes: list[dict[str, Any]], ticket_id: str) -> list[dict[str, Any]]:
    """The NewTicketMessage notifications for ``ticket_id``: what adding a message there
    causes. Other types (TicketActivated, TicketTakeOver...) come from other actions, the
    suite's own setTicket among them, and the reference never says when a target sends
    them: no check counts them."""
    return [n for n in notes if of_type(n, NEW_TICKET_MESSAGE)
            and text(n.get("ticketId")) == ticket_id]


class Notifications:
    """The owner's notifications, read through getUserNotifications."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.barriers = 0
        self.barriers_missed = 0
        self._pause = threading.Event()  # never set: its wait() is an interruptible pause

    def settle(self, until: Callable[[list[dict[str, Any]]], bool] | None = None
               ) -> list[dict[str, Any]]:
        """Every notification since the last look, once a barrier caused now has arrived
        and ``until`` (what the caller knows is due) holds of them, or the settle deadline
        has passed; the barrier's own notification is left out."""
        barrier = self._barrier()
        looks = self.ctx.looks
        look = looks.seconds(NOTIFICATIONS)
        started = time.monotonic()
        deadline = started + look
        notes: list[dict[str, Any]] = []
        delay = FIRST_POLL
        barrier_seen = False
        while True:
            got = self.ctx.owner_notifications()
            notes.extend(got)
            barrier_seen = barrier_seen or any(self._is_barrier(n, barrier) for n in got)
            if barrier_seen and (until is None or until(notes)):
                looks.ended(NOTIFICATIONS, look, time.monotonic() - started, True)
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                looks.ended(NOTIFICATIONS, look, look, False)
                self.barriers_missed += looks.full(look)  # a short look proves nothing
                break
            self._pause.wait(min(delay, remaining))
            delay = min(delay * 2, MAX_POLL)
        return [n for n in notes if text(n.get("ticketId")) != barrier]

    @staticmethod
    def _is_barrier(note: dict[str, Any], barrier: str) -> bool:
        return of_type(note, NEW_TICKET) and text(note.get("ticketId")) == barrier

    def _barrier(self) -> str:
        self.barriers += 1
        return self.ctx.new_ticket("notification barrier", notify=True,
                                   what="newTicket (barrier)")


def mail_to(ctx: RunContext, addresses: list[str]) -> list[tuple[list[str], bytes]]:
    """The mail addressed to any of ``addresses``, once each of them has received some (or
    the settle deadline has passed); mail to anyone else on the same SMTP path is not this
    example's and is left out."""
    started = time.monotonic()
    if addresses and ctx.looks.learns(MAIL):  # short once the first of the mail has come
        some, _place = ctx.capture.look(addresses, ctx.looks.seconds(MAIL), some=True)
        came = ctx.capture.arrived(addresses) if _addressed_to(some, addresses) else None
        if came is not None:
            ctx.looks.came(MAIL, max(0.0, came - started))
    look = ctx.looks.seconds(MAIL)
    received, place = ctx.capture.look(addresses, max(0.0, started + look - time.monotonic()))
    reached = {r.lower() for rcpts, _content in received for r in rcpts}
    fulfilled = {a.lower() for a in addresses} <= reached
    ctx.looks.ended(MAIL, look, time.monotonic() - started, fulfilled)
    if not fulfilled and not ctx.looks.full(look):
        ctx.looks.left_open(OpenLook(started, tuple(addresses), place))
    if not fulfilled and reached and (came := ctx.capture.arrived(addresses)) is not None:
        ctx.looks.came(MAIL, max(0.0, came - started))  # some of it
    return _addressed_to(received, addresses)


def _addressed_to(received: list[tuple[list[str], bytes]], addresses: list[str]
                  ) -> list[tuple[list[str], bytes]]:
    """The received mail with any of ``addresses`` among its envelope recipients."""
    wanted = {a.lower() for a in addresses}
    return [(rcpts, content) for rcpts, content in received
            if wanted & {r.lower() for r in rcpts}]


def mail_arrived(ctx: RunContext, addresses: list[str]) -> list[tuple[list[str], bytes]]:
    """The mail addressed to any of ``addresses`` that has arrived by now (no wait: asked
    after a notification barrier, it catches a target that mails at once)."""
    if ctx.capture is None or not addresses:
        return []
    return _addressed_to(ctx.capture.wait_for([], timeout=0), addresses)


def tag_recipients(mail: dict[str, list[str]], number: int) -> dict[str, list[str]]:
    """The example's recipients at the capture domain, each made unique to this example
    (``to-x@conformance.test`` -> ``to-x.e17@conformance.test``), so that mail a target
    sends late is never taken for a later example's; other addresses stay as they are
    (an illegal one stays illegal)."""
    def tag(address: str) -> str:
        local, at, domain = address.partition("@")
        if at and domain == CAPTURE_DOMAIN and _PLAIN_LOCAL.fullmatch(local):
            return f"{local}.e{number}@{domain}"
        return address

    return {role: [tag(a) for a in addresses] for role, addresses in mail.items()}
