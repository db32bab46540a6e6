"""addMessage2/3 mail over real SMTP (an aiosmtpd server): every legal To, Cc and Bcc address
is an envelope recipient, Bcc never shows in the headers, illegal addresses are ignored, and
the mail carries the complete (template-substituted) body."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage

import pytest
from helpers import DOC_TICKET, Session, free_port

from conformance.reference.mail import SENDER
from conformance.reference.store import SEED_FILE

TO, CC, BCC = "kunde@example.com", "kopi@example.no", "blind.kopi@example.org"
BODY = "Hei,\n\nfakturaen er kreditert & <sendt> på nytt. 😀\n\nmvh\njulenissen"
TEMPLATES = {t["id"]: t for t in json.loads(SEED_FILE.read_text("utf-8"))["replyTemplates"]}
ILLEGAL = ["not an address", "a@b", "x@@example.com", "@example.com", "trailing.@example.com",
           "kunde@example..com", "kunde@-example.com", ""]


@pytest.fixture
def mailer(mail_target, zeep_service) -> Session:
    """egon, logged in on the target that mails to ``smtp_capture``."""
    return Session(zeep_service(mail_target))


def parse(content: bytes) -> EmailMessage:
    """A mail as received; SMTP's CR LF line ends become LF, as a mail reader has them."""
    message = email.message_from_bytes(content.replace(b"\r\n", b"\n"),
                                       policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def addresses(mail: EmailMessage, header: str) -> list[str]:
    value = mail[header]
    return [a.addr_spec for a in value.addresses] if value is not None else []


def header_section(content: bytes) -> str:
    head = content.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return head.decode("ascii", errors="replace")


def plain_text(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def as_sent(body: str) -> str:
    """The text of a plain part: MIME text always ends with a line break."""
    return body if body.endswith("\n") else body + "\n"


@pytest.mark.parametrize("variant", [2, 3])
def test_mail_reaches_to_cc_and_bcc(mailer: Session, smtp_capture, variant: int) -> None:
    html = "<p>Hei, fakturaen er kreditert.</p>"
    response = mailer.add(variant, body=BODY, html=html, to=[TO], cc=[CC], bcc=[BCC])
    assert response.errorCode == "0"

    [envelope] = smtp_capture.envelopes
    assert envelope.mail_from == SENDER
    assert sorted(envelope.rcpt_tos) == sorted([TO, CC, BCC])
    mail = parse(envelope.content)
    assert addresses(mail, "To") == [TO]
    assert addresses(mail, "Cc") == [CC]
    assert mail["Bcc"] is None
    assert BCC not in header_section(envelope.content)
    assert plain_text(mail) == as_sent(BODY)
    html_part = mail.get_body(("html",))
    if variant == 3:
        assert html_part is not None and str(html_part.get_content()) == as_sent(html)
    else:
        assert html_part is None


def test_bcc_only_recipient_is_hidden(mailer: Session, smtp_capture) -> None:
    assert mailer.add(2, body=BODY, bcc=[BCC]).errorCode == "0"
    [envelope] = smtp_capture.envelopes
    assert envelope.rcpt_tos == [BCC]
    assert BCC not in header_section(envelope.content)


@pytest.mark.parametrize("variant", [2, 3])
@pytest.mark.parametrize("template_id", sorted(TEMPLATES))
def test_mail_carries_the_template_substituted_body(mailer: Session, smtp_capture,
                                                    variant: int, template_id: str) -> None:
    template = TEMPLATES[template_id]
    response = mailer.add(variant, body=BODY, template=template_id, to=[TO])
    assert response.errorCode == "0"
    stored, _ = mailer.message(response.messageId)
    expected = template["plainBody"].replace("%message.body%", BODY)
    assert stored["message.body"] == expected

    [envelope] = smtp_capture.envelopes
    mail = parse(envelope.content)
    assert plain_text(mail) == as_sent(expected)
    assert str(mail["Subject"]) == template["subject"]
    html_part = mail.get_body(("html",))
    assert html_part is not None
    assert str(html_part.get_content()) == as_sent(stored["message.html_body"])
    assert "%message." not in envelope.content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("variant", [2, 3])
def test_illegal_addresses_are_ignored(mailer: Session, smtp_capture, variant: int) -> None:
    response = mailer.add(variant, body=BODY, to=[ILLEGAL[0], TO, *ILLEGAL[1:4]],
                          cc=ILLEGAL[4:], bcc=[ILLEGAL[2], BCC])
    assert response.errorCode == "0"
    assert response.messageId in mailer.message_ids()

    [envelope] = smtp_capture.envelopes
    assert sorted(envelope.rcpt_tos) == sorted([TO, BCC])
    mail = parse(envelope.content)
    assert addresses(mail, "To") == [TO]
    assert mail["Cc"] is None and mail["Bcc"] is None
    assert plain_text(mail) == as_sent(BODY)


@pytest.mark.parametrize("variant", [2, 3])
def test_only_illegal_addresses_means_no_mail(mailer: Session, smtp_capture,
                                              variant: int) -> None:
    response = mailer.add(variant, body=BODY, to=ILLEGAL[:3], cc=ILLEGAL[3:5], bcc=ILLEGAL[5:])
    assert response.errorCode == "0"
    assert response.messageId in mailer.message_ids()
    assert smtp_capture.envelopes == []


@pytest.mark.parametrize("variant", [2, 3])
def test_no_recipients_means_no_mail(mailer: Session, smtp_capture, variant: int) -> None:
    assert mailer.add(variant, body=BODY).errorCode == "0"
    assert smtp_capture.envelopes == []


def test_add_message_sends_no_mail(mailer: Session, smtp_capture) -> None:
    assert mailer.add(1, body=BODY).errorCode == "0"
    assert smtp_capture.envelopes == []


def test_each_call_sends_its_own_mail(mailer: Session, smtp_capture) -> None:
    first = mailer.add(2, body="first", to=[TO])
    second = mailer.add(3, body="second", cc=[CC], ticket=DOC_TICKET)
    assert first.errorCode == second.errorCode == "0"
    assert [e.rcpt_tos for e in smtp_capture.envelopes] == [[TO], [CC]]
    assert [plain_text(parse(e.content)) for e in smtp_capture.envelopes] == ["first\n",
                                                                              "second\n"]


@pytest.mark.parametrize("variant", [2, 3])
def test_without_smtp_host_the_mail_is_kept(target, egon: Session, variant: int) -> None:
    response = egon.add(variant, body=BODY, to=[TO], cc=[CC], bcc=[BCC])
    assert response.errorCode == "0"
    assert response.messageId in egon.message_ids()
    with target.store.lock:
        rows = target.store.all("SELECT * FROM outbox")
    [row] = rows
    assert row["status"] == "kept"
    assert str(row["message_id"]) == response.messageId
    assert sorted(row["recipients"].split(", ")) == sorted([TO, CC, BCC])
    mail = parse(bytes(row["content"]))
    assert plain_text(mail) == as_sent(BODY)
    assert mail["Bcc"] is None


def test_unreachable_smtp_host_does_not_fail_the_call(make_target, zeep_service) -> None:
    target = make_target(smtp=f"127.0.0.1:{free_port()}")  # nobody listens: refused at once
    session = Session(zeep_service(target))
    response = session.add(2, body=BODY, to=[TO])
    assert response.errorCode == "0"
    assert response.messageId in session.message_ids()
    with target.store.lock:
        assert [r["status"] for r in target.store.all("SELECT status FROM outbox")] == [
            "failed"]


def test_sent_mail_is_marked_sent(mail_target, mailer: Session, smtp_capture) -> None:
    assert mailer.add(2, body=BODY, to=[TO]).errorCode == "0"
    assert len(smtp_capture.envelopes) == 1
    with mail_target.store.lock:
        assert [r["status"] for r in mail_target.store.all("SELECT status FROM outbox")] == [
            "sent"]
