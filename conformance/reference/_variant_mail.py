"""Mail variants of the reference target: how a message is mailed when the reference and
RFC 5322 leave a choice (separate copies for Bcc recipients, a notice to another address,
multipart/alternative with base64 parts, a footer after the body)."""

from __future__ import annotations

import html
from email.message import EmailMessage

from conformance.reference.mail import Recipients, build_mail

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = (
    "bcc-separate-copies", "extra-mail", "mail-flowed", "mail-footer", "mail-html-only",
    "multipart-base64")

MAIL_VARIANTS = frozenset({"bcc-separate-copies", "extra-mail", "multipart-base64",
                           "mail-footer", "mail-flowed", "mail-html-only"})
FLOWED_WIDTH = 72  # RFC 3676 section 4.2: lines of 78 characters or fewer
FOOTER = "\n\n-- \nSent by the reference target's service desk"
HTML_FOOTER = "<hr><p>Sent by the reference target's service desk</p>"
NOTICE_TO = "owner-notices@reference-target.invalid"

Mail = tuple[EmailMessage, list[str]]


def mails(subject: str, body: str, html_body: str, recipients: Recipients,
          headers: dict[str, str], variants: frozenset[str],
          bcc_in_headers: bool = False) -> list[Mail]:
    """The mails (with their SMTP envelopes) that one addMessage2/3 call sends."""
    if not variants & MAIL_VARIANTS:
        return [(build_mail(subject, body, html_body, recipients, headers,
                            bcc_in_headers=bcc_in_headers), recipients.envelope())]
    if "mail-footer" in variants:
        body += FOOTER
        html_body = html_body + HTML_FOOTER if html_body else ""
    if "mail-html-only" in variants and html_body:  # addMessage3: the HTML version alone
        mail = build_mail(subject, body, "", recipients, headers,
                          bcc_in_headers=bcc_in_headers)
        mail.set_content(html_body, subtype="html")
        return [(mail, recipients.envelope())]
    if "mail-flowed" in variants:
        mail = build_mail(subject, body, html_body, recipients, headers,
                          bcc_in_headers=bcc_in_headers)
        plain = mail.get_body(("plain",))
        assert plain is not None
        plain.set_content(flowed(body), params={"format": "flowed", "delsp": "yes"},
                          cte="quoted-printable")
        return [(mail, recipients.envelope())]
    b64 = "multipart-base64" in variants
    out: list[Mail] = []
    if "bcc-separate-copies" in variants and recipients.bcc:
        visible = Recipients(recipients.to, recipients.cc, [])
        if visible.envelope():
            out.append((_mail(subject, body, html_body, visible, headers, [], b64),
                        visible.envelope()))
        for address in dict.fromkeys(recipients.bcc):  # RFC 5322 3.6.3, second way
            out.append((_mail(subject, body, html_body, visible, headers, [address], b64),
                        [address]))
    else:
        mail = build_mail(subject, body, "" if b64 else html_body, recipients, headers,
                          bcc_in_headers=bcc_in_headers)
        out.append((_as_base64(mail, body, html_body) if b64 else mail,
                    recipients.envelope()))
    if "extra-mail" in variants:
        notice = build_mail(f"Notice: {subject}", "A message was added to a request.", "",
                            Recipients([NOTICE_TO], [], []), headers)
        out.append((notice, [NOTICE_TO]))
    return out


def _mail(subject: str, body: str, html_body: str, visible: Recipients,
          headers: dict[str, str], bcc: list[str], b64: bool) -> EmailMessage:
    mail = build_mail(subject, body, "" if b64 else html_body, visible, headers)
    if bcc:
        mail["Bcc"] = ", ".join(bcc)
    return _as_base64(mail, body, html_body) if b64 else mail


def _as_base64(mail: EmailMessage, body: str, html_body: str) -> EmailMessage:
    """Replace the content by multipart/alternative, both parts base64 (RFC 2045 6.8)."""
    rich = html_body or html.escape(body, quote=False).replace("\n", "<br>")
    mail.set_content(body, cte="base64")
    mail.add_alternative(rich, subtype="html", cte="base64")
    return mail


def flowed(text: str) -> str:
    """``text`` as RFC 3676 format=flowed with DelSp=yes: each line longer than
    FLOWED_WIDTH is cut into pieces that end in a soft break (a space the reader deletes
    with the line break), lines that start with a space, ">" or "From " are space-stuffed."""
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip(" ")  # section 4.1: no trailing space before a hard break
        pieces = [line[i:i + FLOWED_WIDTH] for i in range(0, len(line), FLOWED_WIDTH)] or [""]
        for index, piece in enumerate(pieces):
            if piece.startswith((" ", ">", "From ")):
                piece = " " + piece  # section 4.4
            out.append(piece + (" " if index < len(pieces) - 1 else ""))
    return "\n".join(out)
