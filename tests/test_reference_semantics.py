"""The documented semantics of the reference target, through zeep: error codes (and that a
failed call changes nothing), ticket status, owner notifications, sessions, reply templates,
and exact preservation of bodies and attachment bytes."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import (
    CLOSED_TICKET,
    DOC_TICKET,
    EGON,
    EGON_ID,
    EGON_PASSWORD,
    KARI,
    KARI_ID,
    KARI_PASSWORD,
    NEW_TICKET,
    NEW_TICKET_MESSAGE,
    UNKNOWN_ID,
    Inbox,
    Session,
    code,
    strings,
    text,
)
from zeep.helpers import serialize_object

from conformance.reference.store import SEED_FILE

VARIANTS = [1, 2, 3]
TABLES = ("tickets", "ticket_customers", "ticket_extra", "messages", "message_attachments",
          "attachments", "notifications", "outbox")
NO_PAIRS: dict[str, list[Any]] = {"item": []}


@pytest.fixture
def kari_inbox(target, zeep_service) -> Inbox:
    """Notifications of kari (user 11), the owner of tickets 1602 and 1603."""
    return Inbox(Session(zeep_service(target), KARI, KARI_PASSWORD))


def counts(target) -> dict[str, int]:
    with target.store.lock:
        return {t: target.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in TABLES}


def visible_state(session: Session) -> dict[str, Any]:
    """Everything a client sees of the seeded tickets: all fields and the message ids."""
    return {t: (session.ticket(t), session.message_ids(t)) for t in (DOC_TICKET, CLOSED_TICKET)}


# Error codes: each failed call returns its code and changes nothing ------------------------
@dataclass(frozen=True)
class Failure:
    code: str
    call: Callable[[Session, str], Any]  # (egon's session, a logged-out key) -> response


def set_status(status: str) -> dict[str, Any]:
    return {"item": [{"field": "ticket.status", "value": status}]}


MAIL = {"to": ["to@example.com"], "cc": ["cc@example.com"], "bcc": ["bcc@example.com"]}

FAILURES: dict[str, Failure] = {
    # 5 InvalidSessionKey
    "addMessage-garbage-key": Failure(
        "5", lambda s, _out: s.add(1, notify=True, attachments=["62"], key="0123garbage")),
    "addMessage-empty-key": Failure("5", lambda s, _out: s.add(1, notify=True, key="")),
    "addMessage-after-logout": Failure("5", lambda s, out: s.add(1, notify=True, key=out)),
    "addMessage2-after-logout": Failure(
        "5", lambda s, out: s.add(2, notify=True, key=out, **MAIL)),
    "addMessage3-garbage-key": Failure(
        "5", lambda s, _out: s.add(3, notify=True, html="<p>x</p>", key="x" * 32, **MAIL)),
    "getTicket-after-logout": Failure(
        "5", lambda s, out: s.service.getTicket(out, DOC_TICKET, strings())),
    "setTicket-garbage-key": Failure(
        "5", lambda s, _out: s.service.setTicket("garbage", DOC_TICKET, set_status("close"))),
    "logout-after-logout": Failure("5", lambda s, out: s.service.logout(out)),
    # 13 UnknownTicket
    "addMessage-unknown-ticket": Failure(
        "13", lambda s, _out: s.add(1, ticket=UNKNOWN_ID, notify=True)),
    "addMessage2-non-numeric-ticket": Failure(
        "13", lambda s, _out: s.add(2, ticket="16o2", notify=True, **MAIL)),
    "addMessage3-empty-ticket": Failure(
        "13", lambda s, _out: s.add(3, ticket="", notify=True, **MAIL)),
    "getTicket-unknown-ticket": Failure(
        "13", lambda s, _out: s.service.getTicket(s.key, UNKNOWN_ID, strings())),
    "setTicket-unknown-ticket": Failure(
        "13", lambda s, _out: s.service.setTicket(s.key, UNKNOWN_ID, set_status("close"))),
    # 10 InvalidSLevel
    "addMessage-slevel-0": Failure("10", lambda s, _out: s.add(1, slevel="0", notify=True)),
    "addMessage-slevel-word": Failure(
        "10", lambda s, _out: s.add(1, slevel="internal", notify=True)),
    "addMessage2-slevel-3": Failure(
        "10", lambda s, _out: s.add(2, slevel="3", notify=True, **MAIL)),
    "addMessage3-slevel-empty": Failure(
        "10", lambda s, _out: s.add(3, slevel="", notify=True, **MAIL)),
    "newTicket-slevel-3": Failure("10", lambda s, _out: s.service.newTicket(
        s.key, "t", "3", "1", "-1", "-1", strings(["501"]), NO_PAIRS, True)),
    # 16 UnknownAttachment
    "addMessage-unknown-attachment": Failure(
        "16", lambda s, _out: s.add(1, attachments=["62", UNKNOWN_ID], notify=True)),
    "addMessage2-non-numeric-attachment": Failure(
        "16", lambda s, _out: s.add(2, attachments=["abc"], notify=True, **MAIL)),
    "addMessage3-unknown-attachment": Failure(
        "16", lambda s, _out: s.add(3, attachments=[UNKNOWN_ID, "62"], notify=True, **MAIL)),
    "getAttachment-unknown": Failure(
        "16", lambda s, _out: s.service.getAttachment(s.key, UNKNOWN_ID, "")),
    "getAttachment-wrong-key": Failure(
        "16", lambda s, _out: s.service.getAttachment(s.key, "62", "not-the-key")),
    "getAttachment-no-session-no-key": Failure(
        "16", lambda s, _out: s.service.getAttachment("", "62", "")),
    # 18 UnknownMessage
    "getMessage-unknown": Failure(
        "18", lambda s, _out: s.service.getMessage(s.key, UNKNOWN_ID, strings())),
    "getMessage-non-numeric": Failure(
        "18", lambda s, _out: s.service.getMessage(s.key, "one", strings())),
    # 2 IncorrectLoginUser
    "login-wrong-password": Failure("2", lambda s, _out: s.service.login(EGON, "norges")),
    "login-unknown-user": Failure("2", lambda s, _out: s.service.login("olsen", EGON_PASSWORD)),
    "login-empty": Failure("2", lambda s, _out: s.service.login("", "")),
    "login-case-of-password": Failure(
        "2", lambda s, _out: s.service.login(EGON, EGON_PASSWORD.upper())),
    # 7 CustomError (the reference's choice for an unknown reply template)
    "addMessage2-unknown-template": Failure(
        "7", lambda s, _out: s.add(2, template=UNKNOWN_ID, notify=True, **MAIL)),
}


@pytest.mark.parametrize("name", FAILURES)
def test_failed_call_returns_its_code_and_changes_nothing(
        name: str, target, egon: Session, zeep_service, kari_inbox: Inbox) -> None:
    failure = FAILURES[name]
    gone = Session(zeep_service(target))
    assert code(gone.service.logout(gone.key)) == "0"
    author_inbox = Inbox(egon)
    earlier = egon.add(1)  # a message id was handed out before the failure
    assert earlier.errorCode == "0" and kari_inbox.new() == []
    before = visible_state(egon), counts(target)

    response = failure.call(egon, gone.key)

    assert code(response) == failure.code
    if not isinstance(response, str):  # nothing but the errorCode on failure
        payload = {k: v for k, v in serialize_object(response).items() if k != "errorCode"}
        assert all(v is None for v in payload.values()), payload
    assert (visible_state(egon), counts(target)) == before
    assert kari_inbox.new() == []
    assert author_inbox.new() == []
    # The session still works, and the next message gets a new id of its own.
    later = egon.add(1)
    assert later.errorCode == "0"
    assert later.messageId != earlier.messageId
    assert egon.message_ids() == before[0][DOC_TICKET][1] + [later.messageId]


def test_logout_makes_the_key_invalid_for_every_operation(target, zeep_service) -> None:
    session = Session(zeep_service(target))
    other = Session(zeep_service(target))
    assert code(session.service.logout(session.key)) == "0"
    for variant in VARIANTS:
        assert session.add(variant).errorCode == "5"
    assert session.service.getMessage(session.key, "1", strings()).errorCode == "5"
    assert session.service.allocUserNotifications(session.key, "x").errorCode == "5"
    assert session.service.addAttachment(session.key, "a", "text/plain", b"a").errorCode == "5"
    # Another session of the same user is not affected.
    assert other.add(1).errorCode == "0"


def test_session_expires(make_target, zeep_service) -> None:
    # A TTL long enough that login and the first call never straddle it on a busy machine.
    target = make_target(session_ttl=1.0)
    session = Session(zeep_service(target))
    assert session.add(1).errorCode == "0"
    time.sleep(1.5)
    before = counts(target)
    for variant in VARIANTS:
        assert session.add(variant, notify=True).errorCode == "5"
    assert session.service.getTicket(session.key, DOC_TICKET, strings()).errorCode == "5"
    assert counts(target) == before
    assert Session(session.service).add(1).errorCode == "0"  # a new login works


# ticket.status ------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize(("status", "stored"),
                         [("open", "open"), ("close", "closed"), ("delete", "deleted")])
def test_add_message_never_changes_ticket_status(egon: Session, variant: int, status: str,
                                                 stored: str) -> None:
    egon.set_ticket(DOC_TICKET, {"ticket.status": status})
    before = egon.ticket()
    assert before["ticket.status"] == stored

    response = egon.add(variant, notify=True)

    assert response.errorCode == "0"
    after = egon.ticket()
    assert after["ticket.status"] == stored
    assert after["ticket.closed_at"] == before["ticket.closed_at"]
    unchanged = {k: v for k, v in before.items() if k != "ticket.last_changed"}
    assert {k: v for k, v in after.items() if k != "ticket.last_changed"} == unchanged
    assert response.messageId in egon.message_ids()


@pytest.mark.parametrize("variant", VARIANTS)
def test_add_message_to_seeded_closed_ticket_keeps_it_closed(egon: Session,
                                                             variant: int) -> None:
    assert egon.ticket(CLOSED_TICKET)["ticket.status"] == "closed"
    assert egon.add(variant, ticket=CLOSED_TICKET).errorCode == "0"
    assert egon.ticket(CLOSED_TICKET)["ticket.status"] == "closed"


def test_set_ticket_title_changes_only_the_title(egon: Session) -> None:
    before = egon.ticket(CLOSED_TICKET)
    egon.set_ticket(CLOSED_TICKET, {"ticket.title": "Renamed"})
    after = egon.ticket(CLOSED_TICKET)
    assert after["ticket.title"] == "Renamed"
    ignored = {"ticket.title", "ticket.last_changed"}
    assert ({k: v for k, v in after.items() if k not in ignored}
            == {k: v for k, v in before.items() if k not in ignored})


# notifications ------------------------------------------------------------------------------
@pytest.mark.parametrize("variant", VARIANTS)
def test_send_notification_true_notifies_the_owner_once(egon: Session, kari_inbox: Inbox,
                                                        variant: int) -> None:
    author_inbox = Inbox(egon)
    assert egon.add(variant, notify=True).errorCode == "0"
    assert kari_inbox.new() == [(NEW_TICKET_MESSAGE, EGON_ID, DOC_TICKET)]
    assert author_inbox.new() == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_send_notification_false_notifies_nobody(egon: Session, kari_inbox: Inbox,
                                                 variant: int) -> None:
    author_inbox = Inbox(egon)
    assert egon.add(variant, notify=False).errorCode == "0"
    assert kari_inbox.new() == []
    assert author_inbox.new() == []


@pytest.mark.parametrize("notify", [True, False])
def test_new_ticket_notification(egon: Session, kari_inbox: Inbox, notify: bool) -> None:
    # Category 1 delegates to kari (owner -1 = by the delegation rules).
    response = egon.service.newTicket(egon.key, "Notify?", "2", "1", "-1", "-1",
                                      strings(["501"]), NO_PAIRS, notify)
    assert response.errorCode == "0"
    ticket_id = str(response.ticketId)
    assert egon.ticket(ticket_id)["ticket.owned_by"] == KARI_ID
    expected = [(NEW_TICKET, EGON_ID, ticket_id)] if notify else []
    assert kari_inbox.new() == expected
    assert egon.message_ids(ticket_id) == []  # no message until one is added


def test_user_notifications_are_only_what_is_new_since_the_last_call(
        egon: Session, target, zeep_service) -> None:
    assert egon.add(1, notify=True).errorCode == "0"  # before the subscription
    inbox = Inbox(Session(zeep_service(target), KARI, KARI_PASSWORD))
    assert inbox.new() == []
    assert egon.add(1, notify=True).errorCode == "0"
    assert inbox.new() == [(NEW_TICKET_MESSAGE, EGON_ID, DOC_TICKET)]
    assert inbox.new() == []
    assert egon.add(2, notify=True).errorCode == "0"
    assert egon.add(3, ticket=CLOSED_TICKET, notify=True).errorCode == "0"
    assert egon.add(1, notify=False).errorCode == "0"
    assert inbox.new() == [(NEW_TICKET_MESSAGE, EGON_ID, DOC_TICKET),
                           (NEW_TICKET_MESSAGE, EGON_ID, CLOSED_TICKET)]
    assert inbox.new() == []


# reply templates ----------------------------------------------------------------------------
SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))
TEMPLATES = {t["id"]: t for t in SEED["replyTemplates"]}
TEMPLATE_BODY = "Fakturaen & <vedlegget>\ner sendt.\n\nmvh"
TEMPLATE_BODY_HTML = "Fakturaen &amp; &lt;vedlegget&gt;<br>er sendt.<br><br>mvh"


@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_get_reply_template_returns_the_seed(egon: Session, template_id: str) -> None:
    seed = TEMPLATES[template_id]
    response = egon.service.getReplyTemplate(egon.key, template_id, "")
    assert response.errorCode == "0"
    assert text(response.subject) == seed["subject"]
    assert text(response.plainBody) == seed["plainBody"]
    assert text(response.htmlBody) == seed["htmlBody"]
    assert response.hasPlainBody is True and response.hasHtmlBody is True


@pytest.mark.parametrize("variant", [2, 3])
@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_reply_template_substitution(egon: Session, variant: int, template_id: str) -> None:
    seed = TEMPLATES[template_id]
    response = egon.add(variant, body=TEMPLATE_BODY, template=template_id)
    assert response.errorCode == "0"
    values, _ = egon.message(response.messageId)
    assert values["message.body"] == seed["plainBody"].replace("%message.body%", TEMPLATE_BODY)
    assert values["message.html_body"] == seed["htmlBody"].replace("%message.bodyHtml%",
                                                                   TEMPLATE_BODY_HTML)
    assert "%message." not in values["message.body"] + values["message.html_body"]


def test_add_message3_template_uses_the_given_html_body(egon: Session) -> None:
    seed = TEMPLATES["1"]
    html = "<p>Se <b>vedlegg</b></p>"
    response = egon.add(3, body=TEMPLATE_BODY, html=html, template="1")
    assert response.errorCode == "0"
    values, _ = egon.message(response.messageId)
    assert values["message.body"] == seed["plainBody"].replace("%message.body%", TEMPLATE_BODY)
    assert values["message.html_body"] == seed["htmlBody"].replace("%message.bodyHtml%", html)


@pytest.mark.parametrize("variant", [2, 3])
@pytest.mark.parametrize("template_id", ["0", "-1", ""])
def test_no_template_keeps_the_body(egon: Session, variant: int, template_id: str) -> None:
    response = egon.add(variant, body=TEMPLATE_BODY, template=template_id)
    assert response.errorCode == "0"
    values, _ = egon.message(response.messageId)
    assert values["message.body"] == TEMPLATE_BODY


# exact bodies -------------------------------------------------------------------------------
BODIES = {
    "crlf": "first line\r\nsecond line\r\n",
    "lone-cr": "a\rb\r",
    "lf-only": "\n\nx\n\n",
    "tabs": "\tcol 1\tcol 2\t",
    "surrounding-spaces": "   padded body   ",
    "single-space": " ",
    "non-bmp": "😀 𝄞 𠜎 \U0010fffd",
    "markup": "<b>bold</b> & &amp; &lt; ]]> <![CDATA[x]]> \"q\" 'a' <!-- c -->",
    "odd-but-legal": "\x7f\x85\u2028\ufffd\ue000",
    "everything": " \r\n\t<x a='1'>&amp;😀]]>\r\n\r ",
    "long": "0123456789" * 500 + "\r\n",
    "empty": "",
}


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("body", BODIES.values(), ids=list(BODIES))
def test_body_is_stored_exactly(egon: Session, variant: int, body: str) -> None:
    html = f"<pre>{body}</pre>" if body else ""
    response = egon.add(variant, body=body, html=html)
    assert response.errorCode == "0"
    values, _ = egon.message(response.messageId)
    assert values["message.body"] == body
    assert values["message.html_body"] == (html if variant == 3 else "")


# attachments --------------------------------------------------------------------------------
ATTACHMENTS = {
    "all-byte-values": bytes(range(256)),
    "all-byte-values-reversed-x16": bytes(range(255, -1, -1)) * 16,
    "crlf-and-cr": b"line\r\nline\rline\n\r\n",
    "nul-only": b"\x00" * 3,
    "empty": b"",
}


@pytest.mark.parametrize("data", ATTACHMENTS.values(), ids=list(ATTACHMENTS))
def test_attachment_bytes_are_exact(egon: Session, data: bytes) -> None:
    attachment_id = egon.attach(data, name="bytes.bin")
    response = egon.add(1, attachments=[attachment_id])
    assert response.errorCode == "0"
    _, infos = egon.message(response.messageId)
    [info] = infos
    assert (info.attachmentId, info.attachmentName) == (attachment_id, "bytes.bin")
    for session_key in (egon.key, ""):  # with the key from getMessage, a session is optional
        got = egon.service.getAttachment(session_key, attachment_id, info.attachmentKey)
        assert got.errorCode == "0"
        assert (got.data or b"") == data
        assert got.contentType == "application/octet-stream"


def test_duplicate_attachment_ids_are_linked_once(egon: Session) -> None:
    attachment_id = egon.attach(b"second")
    response = egon.add(1, attachments=["62", attachment_id, "62", attachment_id, "62"])
    assert response.errorCode == "0"
    _, infos = egon.message(response.messageId)
    assert [info.attachmentId for info in infos] == ["62", attachment_id]
    assert egon.ticket()["ticket.has_attachment"] == "1"


def test_message_fields_of_a_new_message(egon: Session) -> None:
    response = egon.add(1, body="external", slevel="2")
    assert response.errorCode == "0"
    values, infos = egon.message(response.messageId)
    assert values["message.id"] == response.messageId
    assert values["message.ticket_id"] == DOC_TICKET
    assert values["message.author"] == EGON_ID
    assert values["message.slevel"] == "2"
    assert infos == []
    assert egon.message_ids()[-1] == response.messageId
