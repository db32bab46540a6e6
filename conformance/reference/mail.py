"""Outgoing mail of the reference target (addMessage2/3 recipients).

Mail is built with the standard library's ``email`` package and sent over SMTP (smtplib) to a
configurable host. Without a host it is kept in the ``outbox`` table and logged, not lost.
Bcc recipients receive the mail (SMTP envelope) but never appear in its headers.
"""

from __future__ import annotations

import logging
import re
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

log = logging.getLogger("conformance.reference.mail")

SENDER = "service@reference-target.invalid"

# A deliberately plain address shape: local part of atext/dots, a dotted domain of labels.
_ADDRESS = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def is_legal_address(address: str) -> bool:
    """True for an e-mail address the target will send to; illegal ones are ignored."""
    return len(address) <= 254 and bool(_ADDRESS.match(address))


@dataclass
class Recipients:
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)

    @classmethod
    def legal(cls, to: list[str], cc: list[str], bcc: list[str]) -> Recipients:
        def keep(addresses: list[str]) -> list[str]:
            return [a for a in addresses if is_legal_address(a)]

        return cls(keep(to), keep(cc), keep(bcc))

    def envelope(self) -> list[str]:
        return list(dict.fromkeys(self.to + self.cc + self.bcc))


def build_mail(
    subject: str,
    body: str,
    html_body: str,
    recipients: Recipients,
    extra_headers: dict[str, str],
    bcc_in_headers: bool = False,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = formataddr(("Service", SENDER))
    if recipients.to:
        mail["To"] = ", ".join(recipients.to)
    visible_cc = recipients.cc + (recipients.bcc if bcc_in_headers else [])
    if visible_cc:  # fault "bcc-visible": Bcc recipients merged into the Cc header
        mail["Cc"] = ", ".join(visible_cc)
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="reference-target.invalid")
    for name, value in extra_headers.items():
        mail[name] = value
    mail.set_content(body)
    if html_body:
        mail.add_alternative(html_body, subtype="html")
    return mail


class Mailer:
    """Sends mail to ``smtp_host:smtp_port``, or keeps it when no host is configured."""

    def __init__(self, smtp: str | None = None, timeout: float = 10.0) -> None:
        self.host: str | None = None
        self.port = 25
        if smtp:
            host, _, port = smtp.rpartition(":")
            self.host, self.port = (host, int(port)) if host else (smtp, 25)
        self.timeout = timeout

    def send(self, mail: EmailMessage, envelope: list[str]) -> str:
        """Deliver; returns the outbox status: ``sent``, ``kept`` or ``failed``."""
        if self.host is None:
            log.info("mail kept (no SMTP host): to %s, subject %r", envelope, mail["Subject"])
            return "kept"
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(mail, from_addr=SENDER, to_addrs=envelope)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("mail to %s failed: %s", envelope, exc)
            return "failed"
        return "sent"
