"""The run context: everything a check needs to act on and observe a target through the
port's own operations (never through the reference target's database).

It logs in the agent and the owner, subscribes to the owner's notifications, creates and
marks the suite's own tickets (owned by the owner user), turns a drawn example into a real
call, observes tickets, messages, attachments and notifications, and runs a check's
examples under Hypothesis with the profile's budget and the run's seed (examples.py).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

from conformance.contract import Contract
from conformance.suite.client import LoginRefused, Recorder, Reply, TargetClient, TargetError
from conformance.suite.config import SuiteConfig
from conformance.suite.coverage import Coverage
from conformance.suite.discovery import discover
from conformance.suite.examples import ExampleRuns
from conformance.suite.isolation import conflict_reason, own_notifications
from conformance.suite.looks import Looks, OpenLook
from conformance.suite.observe import Notifications, tag_recipients
from conformance.suite.registry import CheckSkipped
from conformance.suite.sessions import SessionLog, save_subscription, saved_subscription
from conformance.suite.slices import SlicePlan, SliceTally
from conformance.suite.unknown_ids import UnknownIds

NOTIFICATION_VIOLATION = "26"
INVALID_SESSION = "5"
RUN_SESSION = "the run's session"
GARBAGE_SESSION = "not-a-session-key-0000000000000000"
UNKNOWN_TEMPLATE = "987654321"
POOL_ROTATION = 25
# Fields read with getTicket: the documented ones the suite relies on.
TICKET_FIELDS = ["ticket.id", "ticket.title", "ticket.created_at", "ticket.category",
                 "ticket.status", "ticket.closed_at", "ticket.priority", "ticket.cust_id"]
MESSAGE_FIELDS = ["message.id", "message.body", "message.slevel"]
# getMessage's fields in the reference are message.id, body, header, md_body, created_at,
# author and slevel: none is named for addMessage3's HTML body. The suite asks for this
# name on its own (never beside the documented ones), and a target that answers
# 17 InvalidField does not have it: what reads the HTML body back is skipped, not failed.
HTML_FIELD = "message.html_body"
INVALID_FIELD = "17"


@dataclass
class Ticket:
    fields: dict[str, str]
    message_ids: list[str]


@dataclass
class Message:
    fields: dict[str, str]
    attachments: list[dict[str, str]]


@dataclass
class Prepared:
    """An example made concrete: the call's parameters and what the target must hold."""

    operation: str
    params: dict[str, Any]
    ticket_id: str
    attachment_ids: list[str]  # distinct, in order
    attachment_bytes: dict[str, bytes]
    expected_errors: set[str] = field(default_factory=set)


def text(value: Any) -> str:
    """A string field as the contract carries it: absent/empty content is ''."""
    return "" if value is None else str(value)


def items(value: Any) -> list[Any]:
    return list((value or {}).get("item") or [])


class RunContext(ExampleRuns):
    def __init__(self, config: SuiteConfig, contract: Contract, client: TargetClient,
                 recorder: Recorder, capture: Any = None) -> None:
        self.config = config
        self.contract = contract
        self.client = client
        self.recorder = recorder
        self.capture = capture
        self.created_tickets: list[str] = []
        self.created_attachments: list[str] = []
        self.addressed_tickets: set[str] = set()  # unknown ids the examples used (isolation)
        self.session_keys: list[str] = []
        self.notes = Notifications(self)  # notifications, observed until they settle
        self.looks = Looks(config)  # how long each observation looks (short in shrinking)
        # passing examples of the running check with short looks at mail still open
        self.open_passes: list[tuple[Any, list[OpenLook]]] = []
        self.deferred: list[OpenLook] | None = None  # provisional.py: closing left to it
        self.pending_database: Any = None  # provisional.py: its writes kept until applied
        self._tag = 0  # numbers each example's mail recipients (attribution of mail)
        self.example: dict[str, Any] | None = None
        self.examples_run = 0  # across checks; a failed check's count is the difference
        self.tally = SliceTally(SlicePlan.whole(1), 0)  # the running check's slices
        self.replay_example: Any = None  # set by `conformance replay`: run just this one
        self.inputs: list[dict[str, Any]] = []  # every subject example, for the report
        self.contract_check: dict[str, Any] | None = None  # set by AM-WSDL
        self.coverage = Coverage(contract)  # what of the contract the run exercised
        self._pool: dict[str, str] = {}
        # messageIds getTicket last showed of a ticket, with the ticket's version then
        self._ids_seen: dict[str, tuple[list[str], tuple[int, int]]] = {}
        self._pool_uses: dict[str, int] = {}
        # The status getTicket last showed of a ticket, with the ticket's version then (see
        # Recorder.ticket_version); and the status each setTicket verb was seen to leave.
        self._status_seen: dict[str, tuple[str, tuple[int, int]]] = {}
        self._status_set: dict[str, tuple[str, tuple[int, int]]] = {}
        self._verb_state: dict[str, str] = {}
        self._logged_out: str | None = None
        self.agent_key = ""
        self.owner_key = ""
        self.notification_key = ""
        self.notification_hub: Any = None  # set by suite/workers.py for parallel runs
        self.sessions = SessionLog()  # opened/closed, listed without keys
        self.subscription: dict[str, Any] = {"how": None, "kept_for_next_run": False}
        self.unavailable: dict[str, str] = {}  # what this target lacks -> why (skips)
        self.discovery: dict[str, Any] = {}
        self.unknown: UnknownIds | None = None  # verified-unknown ids (set by discovery)

    # set-up ------------------------------------------------------------------------------
    def setup(self, subscribe: bool = True) -> None:
        """Log in both users and subscribe to the owner's notifications (unless told not
        to: a pytest-xdist worker that is not the observer), once per run."""
        if self.agent_key:
            return
        self.agent_key = self.login(self.config.user, self.config.password, "agent",
                                    RUN_SESSION)
        self.owner_key = self.login(self.config.owner_user, self.config.owner_password,
                                    "owner", RUN_SESSION)
        if subscribe:
            self.subscribe()
        self.discovery = discover(self)  # category, template, owner id, unknown ids

    def login(self, user: str, password: str, who: str,
              purpose: str = "opened by a check") -> str:
        reply = self.client.call("login", "setup", userName=user, password=password)
        if not reply.ok or not reply.data.get("sessionKey"):
            raise LoginRefused(f"login refused by the target: {_describe(reply)} (the "
                               f"{who} user {user!r})")
        key = str(reply.data["sessionKey"])
        self.session_keys.append(key)
        self.sessions.opened(key, user, who, purpose)
        return key

    def subscribe(self) -> None:
        """Reuse the subscription an earlier run kept for this endpoint and owner, or
        allocate one; a target that refuses (another subscriber reads the owner's
        notifications: errorCode 26) leaves the notification checks skipped."""
        saved = None if self.config.embedded else saved_subscription(
            self.config.endpoint, self.config.owner_user)
        if saved and self.client.call("getUserNotifications", "setup",
                                      sessionKey=self.owner_key,
                                      notificationKey=saved).ok:
            self.notification_key, self.subscription["how"] = saved, "reused"
            self.session_keys.append(saved)
            return
        reply = self.client.call("allocUserNotifications", "setup", sessionKey=self.owner_key,
                                 source="conformance-suite")
        if not reply.ok and reply.error_code == NOTIFICATION_VIOLATION:
            self.subscription["how"] = "refused"
            self.unavailable["notifications"] = (
                "allocUserNotifications was refused with errorCode 26 (the owner's "
                "notifications are read by another subscriber; a subscription lives 5 "
                "minutes after its last use)")
            return
        if not reply.ok:
            raise TargetError(f"allocUserNotifications failed: {_describe(reply)}")
        self.notification_key = str(reply.data.get("notificationKey") or "")
        self.subscription["how"] = "allocated"
        self.session_keys.append(self.notification_key)

    def teardown(self) -> None:
        """Log out every session the run opened; keep the subscription for the next run
        (the port has no operation that ends one). Idempotent; never raises."""
        if self.notification_key and not self.config.embedded:
            save_subscription(self.config.endpoint, self.config.owner_user,
                              self.notification_key)
            self.subscription["kept_for_next_run"] = True
        for key in self.sessions.open_keys():
            try:
                reply = self.client.call("logout", "setup", sessionKey=key)
            except TargetError as exc:
                self.sessions.closed(key, "logout at the end of the run", str(exc))
                continue
            if reply.error_code == INVALID_SESSION:  # a check logged it out already
                self.sessions.closed(key, "logged out during the run")
                continue
            self.sessions.closed(key, "logout at the end of the run",
                                 "" if reply.ok else f"logout: {_describe(reply)}")

    def logged_out_key(self) -> str:
        if self._logged_out is None:
            key = self.login(self.config.user, self.config.password, "agent",
                             "a logged-out key for the error checks")
            self.expect_ok(self.client.call("logout", "setup", sessionKey=key), "logout")
            self.sessions.closed(key, "logged out at once (the key is then invalid)")
            self._logged_out = key
        return self._logged_out

    def expect_ok(self, reply: Reply, what: str) -> Reply:
        """A set-up or observation call must succeed, or the check cannot judge: error."""
        if not reply.ok:
            conflict = conflict_reason(what, reply.error_code) if reply.fault is None else None
            raise TargetError(conflict or f"{what} failed: {_describe(reply)}")
        return reply

    # tickets -----------------------------------------------------------------------------
    def new_ticket(self, title: str = "", notify: bool = False,
                   what: str = "newTicket") -> str:
        """A ticket of the suite's own (``notify``: with a New Ticket notification to the
        owner, as the notification barrier of observe.py needs)."""
        label = f"[conformance-suite seed {self.config.seed}] {title}".strip()
        reply = self.expect_ok(self.client.call(
            "newTicket", "setup", sessionKey=self.agent_key, title=label, sLevel="2",
            categoryId=self.config.category, priorityId="-1", owner=self.config.owner_id,
            customers={}, extraFields={}, sendNotification=notify), what)
        ticket_id = text(reply.data.get("ticketId"))
        if not ticket_id:
            raise TargetError(f"{what} returned no ticketId")
        self.created_tickets.append(ticket_id)
        return ticket_id

    def ticket_with_status(self, status: str) -> str:
        """The suite's pool ticket, set to ``status`` (a setTicket verb) right now. A pool
        ticket is replaced after POOL_ROTATION uses, so getTicket's message list (read
        around every example) stays short."""
        uses = self._pool_uses.get(status, 0)
        if status not in self._pool or uses >= POOL_ROTATION:
            self._pool[status] = self.new_ticket(f"status {status}")
            uses = 0
        self._pool_uses[status] = uses + 1
        if not self.status_known(self._pool[status], status):
            self.set_status(self._pool[status], status)
        return self._pool[status]

    def status_known(self, ticket_id: str, verb: str) -> bool:
        """True when getTicket showed ``ticket_id`` in the status that setTicket ``verb``
        leaves, and no call that may change the ticket has been made since: setting it
        again would change nothing, and the example starts from the status it asks for."""
        seen = self._status_seen.get(ticket_id)
        state = self._verb_state.get(verb)
        return (seen is not None and state is not None and seen[0] == state
                and seen[1] == self.recorder.ticket_version(ticket_id))

    def set_status(self, ticket_id: str, status: str) -> None:
        self.expect_ok(self.client.call(
            "setTicket", "setup", sessionKey=self.agent_key, ticketId=ticket_id,
            ticketValues={"item": [{"field": "ticket.status", "value": status}]}),
            f"setTicket status {status!r}")
        self._status_set[ticket_id] = (status, self.recorder.ticket_version(ticket_id))

    def ticket(self, ticket_id: str) -> Ticket:
        reply = self.expect_ok(self.client.call(
            "getTicket", sessionKey=self.agent_key, ticketId=ticket_id,
            ticketFields={"item": TICKET_FIELDS}), f"getTicket {ticket_id}")
        fields = {text(i.get("field")): text(i.get("value"))
                  for i in items(reply.data.get("ticketResult"))}
        self.note_status(ticket_id, fields.get("ticket.status"))
        ticket = Ticket(fields, [text(i) for i in items(reply.data.get("messageIds"))])
        self._ids_seen[ticket_id] = (ticket.message_ids, self.recorder.ticket_version(ticket_id))
        return ticket

    def untouched_tickets_changed(self, besides: str) -> list[tuple[str, list[str], list[str]]]:
        """The suite's pool tickets (but ``besides``) whose messages changed although no
        call named them since they were last read: (ticket, ids then, ids now)."""
        changed = []
        for ticket_id in sorted(set(self._pool.values()) - {besides}):
            then = self._ids_seen.get(ticket_id)
            if then is None or then[1] != self.recorder.ticket_version(ticket_id):
                continue
            now = self.ticket(ticket_id).message_ids
            if sorted(now) != sorted(then[0]):
                changed.append((ticket_id, then[0], now))
        return changed

    def note_status(self, ticket_id: str, status: str | None) -> None:
        """Remember a status read with getTicket (and, when nothing could have changed the
        ticket since a setTicket, the status that verb leaves)."""
        if status is None:
            return
        version = self.recorder.ticket_version(ticket_id)
        self._status_seen[ticket_id] = (status, version)
        verb, set_at = self._status_set.pop(ticket_id, ("", None))
        if set_at == version:
            self._verb_state[verb] = status

    # messages and attachments ------------------------------------------------------------
    def message(self, message_id: str) -> Message:
        reply = self.expect_ok(self.client.call(
            "getMessage", sessionKey=self.agent_key, messageId=message_id,
            messageField={"item": MESSAGE_FIELDS}), f"getMessage {message_id}")
        fields = {text(i.get("field")): text(i.get("value"))
                  for i in items(reply.data.get("messageResult"))}
        infos = [{k: text(v) for k, v in i.items()}
                 for i in items(reply.data.get("attachmentInfo"))]
        return Message(fields, infos)

    def html_body(self, message_id: str) -> str | None:
        """The stored HTML body (:data:`HTML_FIELD`), or None when the target has no such
        getMessage field (then recorded in ``unavailable``, so AM3-HTML is skipped)."""
        if "html_body" in self.unavailable:
            return None
        reply = self.client.call("getMessage", sessionKey=self.agent_key,
                                 messageId=message_id, messageField={"item": [HTML_FIELD]})
        if reply.fault is None and reply.error_code == INVALID_FIELD:
            self.unavailable["html_body"] = (
                f"getMessage answers errorCode 17 (InvalidField) for {HTML_FIELD}: the "
                "reference names no getMessage field for the HTML body, so the stored HTML "
                "body cannot be read back on this target")
            return None
        self.expect_ok(reply, f"getMessage {message_id} ({HTML_FIELD})")
        values = {text(i.get("field")): text(i.get("value"))
                  for i in items(reply.data.get("messageResult"))}
        return values.get(HTML_FIELD, "")

    def attachment(self, attachment_id: str, key: str) -> bytes:
        reply = self.expect_ok(self.client.call(
            "getAttachment", sessionKey=self.agent_key, attachmentId=attachment_id,
            attachmentKey=key), f"getAttachment {attachment_id}")
        return base64.b64decode(text(reply.data.get("data")))

    def upload(self, spec: dict[str, Any]) -> tuple[str, bytes]:
        data = base64.b64decode(spec["data"])
        reply = self.expect_ok(self.client.call(
            "addAttachment", "setup", sessionKey=self.agent_key, attachmentName=spec["name"],
            contentType=spec["content_type"], data=data), "addAttachment")
        attachment_id = text(reply.data.get("attachmentId"))
        self.created_attachments.append(attachment_id)
        return attachment_id, data

    def owner_notifications(self) -> list[dict[str, Any]]:
        """What the owner was notified of since the last look."""
        if "notifications" in self.unavailable:
            raise CheckSkipped(self.unavailable["notifications"])
        if self.notification_hub is not None:  # --workers: one subscription for all
            notes = self.notification_hub.take(self)
        else:
            notes = self.fetch_owner_notifications()
        return own_notifications(notes, {*self.created_tickets, *self.addressed_tickets})

    def fetch_owner_notifications(self) -> list[dict[str, Any]]:
        """Every note of the owner's subscription since its last read (also about tickets
        that are not this run's)."""
        reply = self.expect_ok(self.client.call(
            "getUserNotifications", sessionKey=self.owner_key,
            notificationKey=self.notification_key), "getUserNotifications")
        return [dict(i) for i in items(reply.data.get("userNotifications"))]

    # examples ----------------------------------------------------------------------------
    def prepare(self, example: dict[str, Any]) -> Prepared:
        """Create what the example needs on the target and build the call parameters."""
        expected: set[str] = set()
        session = self.session_for(example["session"], expected)
        ticket_id = self.ticket_for(example, expected)
        slevel = example["slevel"]
        if slevel not in ("1", "2"):
            expected.add("10")
        ids, data = self.attachments_for(example["attachments"], expected)
        variant = example["variant"]
        params: dict[str, Any] = {"sessionKey": session, "messageBody": example["body"],
                                  "ticketId": ticket_id, "sLevel": slevel,
                                  "attachmentIds": {"item": ids} if ids else {},
                                  "sendNotification": example["notify"]}
        if variant > 1:
            # No usable template on this target (discovery found none): an "existing"
            # template example is sent without one; AM23-TEMPLATE itself is skipped.
            template = {"none": "0", "existing": "0" if "reply_template" in self.unavailable
                        else self.config.reply_template,
                        "unknown": self.unknown_id("template", UNKNOWN_TEMPLATE)
                        }[example["template"]]
            if example["template"] == "unknown":
                expected.add("*")  # undocumented: any documented non-zero code
            self._tag += 1
            mail = tag_recipients(example["mail"], self._tag)
            params.update(replyTemplateId=template,
                          To={"item": mail["to"]} if mail["to"] else {},
                          Cc={"item": mail["cc"]} if mail["cc"] else {},
                          Bcc={"item": mail["bcc"]} if mail["bcc"] else {})
        if variant == 3:
            params["htmlMessageBody"] = example["html_body"]
        operation = {1: "addMessage", 2: "addMessage2", 3: "addMessage3"}[variant]
        distinct = list(dict.fromkeys(i for i in ids if i in data))
        return Prepared(operation, params, ticket_id, distinct, data, expected)

    def session_for(self, kind: str, expected: set[str]) -> str:
        if kind == "valid":
            return self.agent_key
        expected.add("5")
        return {"garbage": GARBAGE_SESSION, "empty": ""}.get(kind) or self.logged_out_key()

    def ticket_for(self, example: dict[str, Any], expected: set[str]) -> str:
        kind, _, value = example["ticket"].partition(":")
        if kind == "own":
            return self.ticket_with_status(example["status"])
        expected.add("13")
        value = self.unknown_id("ticket", value) if kind == "unknown" else value
        self.addressed_tickets.add(value)  # its notifications are this run's to judge
        return value

    def attachments_for(self, specs: list[dict[str, Any]], expected: set[str]
                        ) -> tuple[list[str], dict[str, bytes]]:
        ids: list[str] = []
        data: dict[str, bytes] = {}
        uploaded: list[str] = []
        for spec in specs:
            if spec["kind"] == "new":
                attachment_id, raw = self.upload(spec)
                uploaded.append(attachment_id)
                data[attachment_id] = raw
                ids.append(attachment_id)
            elif spec["kind"] == "repeat" and uploaded:
                ids.append(uploaded[min(spec["index"], len(uploaded) - 1)])
            elif spec["kind"] == "unknown":
                expected.add("16")
                ids.append(self.unknown_id("attachment", spec["id"]))
        return ids, data

    def unknown_id(self, kind: str, value: str) -> str:
        """``value``, or another id if this target knows ``value`` (see unknown_ids.py)."""
        return self.unknown.resolve(kind, value) if self.unknown is not None else value

    def send(self, prepared: Prepared, role: str = "subject") -> Reply:
        reply = self.client.call(prepared.operation, role, **prepared.params)
        self.coverage.note(prepared.operation, prepared.params,
                           reply.error_code if reply.fault is None else None)
        return reply

def _describe(reply: Reply) -> str:
    if reply.fault is not None:
        return f"SOAP Fault {reply.fault.code}: {reply.fault.string}"
    return f"errorCode {reply.error_code}"
