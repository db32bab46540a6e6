"""addMessage2/3 family: reply templates, mail to To/Cc/Bcc, illegal addresses, HTML body.

Mail is observed by the suite's own SMTP capture server (aiosmtpd) when the target is
configured to send there; without it the mail checks are skipped with that reason. Each
example's recipients are made unique to it (``observe.tag_recipients``), mail is waited for
until the settle deadline, and only mail addressed to the example's own recipients is judged
(a target may send other mail on the same path, a notice to the owner, say).
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

import lxml.html
from hypothesis import strategies as st
from lxml import etree

from conformance.strategies import domain
from conformance.strategies.xmltext import xml_text
from conformance.suite.checks._common import fail, send_valid, short
from conformance.suite.context import HTML_FIELD, Prepared, RunContext, items, text
from conformance.suite.observe import mail_to
from conformance.suite.registry import SHOULD, CheckSkipped, check

EXTENDED = (2, 3)
FIXED_MAIL = {"to": [f"to-fixed@{domain.CAPTURE_DOMAIN}"],
              "cc": [f"cc-fixed@{domain.CAPTURE_DOMAIN}"],
              "bcc": [f"bcc-fixed@{domain.CAPTURE_DOMAIN}"]}
MAILED = domain.systematic(EXTENDED, mail=FIXED_MAIL)
WITH_RECIPIENTS = domain.recipients(illegal=False).filter(
    lambda r: bool(r["to"] or r["cc"] or r["bcc"]))


def _template_bodies(ctx: RunContext) -> tuple[str, str]:
    """The plain and HTML bodies of the run's reply template."""
    reply = ctx.expect_ok(ctx.client.call(
        "getReplyTemplate", sessionKey=ctx.agent_key, replyTemplateId=ctx.config.reply_template,
        languageId=""), "getReplyTemplate")
    return text(reply.data.get("plainBody")), text(reply.data.get("htmlBody"))


@check("AM23-TEMPLATE", "With a reply template, the stored body is the template's body with "
       "%message.body% replaced by messageBody; for addMessage3 the stored HTML body is the "
       "template's HTML body with %message.bodyHtml% filled in",
       clause="addMessage2/3: replyTemplateId, %message.body% and %message.bodyHtml% (what "
       "fills %message.bodyHtml% is not said exactly: its text is not compared)",
       family="addMessage2/3", conformance_class="extensions")
def template_substituted(ctx: RunContext) -> int:
    template, html_template = _template_bodies(ctx)
    if "%message.body%" not in template:
        raise CheckSkipped(f"reply template {ctx.config.reply_template} has no %message.body%")
    strategy = domain.add_message(variants=EXTENDED, template=st.just("existing"),
                                  body=xml_text(min_size=1, max_size=500))

    def body(example: dict) -> None:
        seen = send_valid(ctx, example, observe_after=False)
        stored = ctx.message(seen.message_id).fields.get("message.body", "")
        if not template_allows(template, example["body"]).fullmatch(stored):
            expected = template.replace("%message.body%", example["body"])
            fail(f"after {seen.prepared.operation}, getMessage returned message.body "
                 f"{short(stored)}; expected {short(expected)} (reply template "
                 f"{ctx.config.reply_template} with %message.body% replaced by the body "
                 "sent)")
        if example["variant"] != 3 or "%message.bodyHtml%" not in html_template:
            return
        rich = ctx.html_body(seen.message_id)  # None: no field for it on this target
        if rich is not None and (not template_allows(html_template, None).fullmatch(rich)
                                 or "%message.bodyHtml%" in rich):
            fail(f"after addMessage3, the stored HTML body is {short(rich)}: not reply "
                 f"template {ctx.config.reply_template}'s HTML body "
                 f"{short(html_template)} with %message.bodyHtml% filled in")

    return ctx.run_examples("AM23-TEMPLATE", strategy, body,
                            fixed=domain.systematic(EXTENDED, template="existing"))


TEMPLATE_VARIABLE = re.compile(r"%[A-Za-z_][A-Za-z0-9_.]*%")


def template_allows(template: str, body: str | None) -> re.Pattern[str]:
    """The stored bodies a template allows: %message.body% is the body sent (``None``:
    anything), the literal text stays, and any other %name% is the target's own to fill in
    (the reference names only %message.body% and %message.bodyHtml%), so it may become
    anything."""
    parts, position = [], 0
    for variable in TEMPLATE_VARIABLE.finditer(template):
        parts.append(re.escape(template[position:variable.start()]))
        parts.append(re.escape(body) if variable.group() == "%message.body%" and body
                     is not None else ".*?")
        position = variable.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)


def _capture(ctx: RunContext) -> object:
    if ctx.capture is None:
        raise CheckSkipped("no SMTP capture: run with --smtp-capture HOST:PORT and configure "
                           "the target to send mail there")
    return ctx.capture


def _mail_for(ctx: RunContext, addresses: list[str]) -> list[tuple[list[str], EmailMessage]]:
    _capture(ctx)
    delivered = [(rcpts, message_from_bytes(content, policy=policy.default))
                 for rcpts, content in mail_to(ctx, addresses)]
    for rcpts, message in delivered:  # evidence: which mail went to whom
        ctx.recorder.note_mail(rcpts, message)
    return delivered


def _sent_to(prepared: Prepared) -> dict[str, list[str]]:
    """The recipients the call really named (the example's, tagged for this example)."""
    return {role.lower(): [str(a) for a in items(prepared.params.get(role))]
            for role in ("To", "Cc", "Bcc")}


@check("AM23-MAIL", "addMessage2/3 mail the complete body to every To, Cc and Bcc recipient",
       clause="addMessage2/3: the body is e-mailed to To, Cc and Bcc", family="addMessage2/3",
       conformance_class="extensions")
def mail_delivered(ctx: RunContext) -> int:
    _capture(ctx)
    strategy = domain.add_message(variants=EXTENDED, mail=WITH_RECIPIENTS,
                                  body=xml_text(max_size=300))

    def body(example: dict) -> None:
        ctx.capture.clear()
        mail = _sent_to(send_valid(ctx, example, observe_after=False).prepared)
        wanted = mail["to"] + mail["cc"] + mail["bcc"]
        delivered = _mail_for(ctx, wanted)
        reached = {r.lower() for rcpts, _ in delivered for r in rcpts}
        missing = [a for a in wanted if a.lower() not in reached]
        if missing:
            fail(f"no mail reached {missing} (To {mail['to']}, Cc {mail['cc']}, "
                 f"Bcc {mail['bcc']})")
        html_sent = example["html_body"] if example["variant"] == 3 else ""
        for rcpts, message in delivered:
            if not _carries(message, example["body"], html_sent):
                fail(f"the mail to {rcpts} does not contain the message body "
                     f"{short(example['body'])}")

    return ctx.run_examples("AM23-MAIL", strategy, body, fixed=MAILED)


def _squeezed(value: str) -> str:
    """Text without its white space. Mail may break and re-join lines: RFC 5322 section
    2.1.1 limits lines to 998 characters (SHOULD 78), RFC 3676 format=flowed cuts them and
    trims trailing spaces, HTML ignores line breaks; which characters the body has is
    what a mail must keep (AM-BODY-EXACT holds the stored body to every white space)."""
    return "".join(value.split())


def _carries(message: EmailMessage, body: str, html_sent: str) -> bool:
    """Whether the mail carries the body: in its text/plain part, or, a mail with an HTML
    part alone (addMessage3 may mail the HTML version of the body), the HTML body sent or
    the body as the HTML's text."""
    plain = message.get_body(("plain",))
    if plain is not None:
        return _squeezed(body) in _squeezed(plain.get_content())
    rich = message.get_body(("html",))
    if rich is None:
        return not _squeezed(body)
    content = rich.get_content()
    if html_sent and _squeezed(html_sent) in _squeezed(content):
        return True
    try:
        shown = lxml.html.fromstring(content).text_content()
    except etree.ParserError:  # no element at all: the HTML is its text
        shown = content
    return _squeezed(body) in _squeezed(shown)


@check("AM23-MAIL-HEADERS", "The mail the To and Cc recipients get names the To recipients "
       "in its To header and the Cc recipients in its Cc header",
       clause="SHOULD: addMessage2/3 To, Cc; RFC 5322 section 3.6.3 (To: the primary "
       "recipients, Cc: the others); the reference does not say how the mail is addressed",
       family="addMessage2/3", conformance_class="extensions", level=SHOULD)
def mail_headers(ctx: RunContext) -> int:
    _capture(ctx)
    strategy = domain.add_message(variants=EXTENDED, mail=WITH_RECIPIENTS.filter(
        lambda r: bool(r["to"] or r["cc"])))

    def body(example: dict) -> None:
        mail, read = _mail_read(ctx, example, wait_for_bcc=False)
        for _readers, rcpts, message in read:
            for role in ("to", "cc"):
                named = _addresses(message, role)
                if named != {a.lower() for a in mail[role]}:
                    fail(f"the mail to {sorted(rcpts)} has {role.capitalize()} "
                         f"{sorted(named)}; the call's {role.capitalize()} was "
                         f"{mail[role]}")

    return ctx.run_examples("AM23-MAIL-HEADERS", strategy, body, fixed=MAILED)


def _mail_read(ctx: RunContext, example: dict, wait_for_bcc: bool
               ) -> tuple[dict[str, list[str]], list[tuple[list[str], list[str],
                                                       EmailMessage]]]:
    """Send a valid example: the recipients it named, and each mail its To and Cc
    recipients got as (which of them, its envelope recipients, the mail); a copy for Bcc
    recipients alone is left out (RFC 5322 3.6.3, second way)."""
    ctx.capture.clear()
    mail = _sent_to(send_valid(ctx, example, observe_after=False).prepared)
    readers = {a.lower() for a in mail["to"] + mail["cc"]}
    waited = mail["to"] + mail["cc"] + (mail["bcc"] if wait_for_bcc else [])
    read = []
    for rcpts, message in _mail_for(ctx, waited):
        visible_to = sorted(readers & {r.lower() for r in rcpts})
        if visible_to:
            read.append((visible_to, rcpts, message))
    return mail, read


def _addresses(message: EmailMessage, header: str) -> set[str]:
    """The addresses a header names (display names and groups aside), lower-cased."""
    return {address.lower() for _name, address in getaddresses(
        [str(v) for v in message.get_all(header, [])]) if "@" in address}


@check("AM23-BCC-HIDDEN", "Bcc recipients never appear in the headers of the mail that the "
       "To and Cc recipients get (a copy for Bcc recipients alone may name them)",
       clause="addMessage2/3: Bcc; RFC 5322 section 3.6.3 (all three ways keep Bcc "
       "addresses from the To and Cc recipients)", family="addMessage2/3",
       conformance_class="extensions")
def bcc_hidden(ctx: RunContext) -> int:
    _capture(ctx)
    strategy = domain.add_message(variants=EXTENDED, mail=WITH_RECIPIENTS.filter(
        lambda r: bool(r["bcc"]) and bool(r["to"] or r["cc"])))

    def body(example: dict) -> None:
        mail, read = _mail_read(ctx, example, wait_for_bcc=True)
        for visible_to, _rcpts, message in read:
            headers = " ".join(str(v) for _k, v in message.items()).lower()
            shown = [a for a in mail["bcc"] if a.lower() in headers]
            if shown:
                fail(f"Bcc recipient(s) {shown} appear in the headers of the mail that "
                     f"{visible_to} got")

    return ctx.run_examples("AM23-BCC-HIDDEN", strategy, body, fixed=MAILED)


@check("AM23-ILLEGAL-ADDRESS", "Illegal e-mail addresses are ignored: the call succeeds and "
       "the legal recipients still get the mail", clause="addMessage2/3: illegal e-mail "
       "addresses are ignored", family="addMessage2/3", conformance_class="extensions")
def illegal_ignored(ctx: RunContext) -> int:
    strategy = domain.add_message(
        variants=EXTENDED,
        mail=st.tuples(WITH_RECIPIENTS, st.lists(domain.ILLEGAL_ADDRESSES, min_size=1,
                                                 max_size=3)).map(
            lambda t: {**t[0], "to": t[0]["to"] + t[1]}))

    def body(example: dict) -> None:
        if ctx.capture is not None:
            ctx.capture.clear()
        mail = _sent_to(send_valid(ctx, example, observe_after=False).prepared)
        if ctx.capture is None:
            return
        legal = [a for a in mail["to"] + mail["cc"] + mail["bcc"] if "@conformance.test" in a
                 and a.count("@") == 1 and " " not in a and not a.startswith("@")]
        reached = {r.lower() for rcpts, _ in _mail_for(ctx, legal) for r in rcpts}
        missing = [a for a in legal if a.lower() not in reached]
        if missing:
            fail(f"with illegal addresses among the recipients, no mail reached {missing}")

    fixed = domain.systematic(EXTENDED, mail={**FIXED_MAIL, "to": [
        *FIXED_MAIL["to"], "no-at-sign", "two@@conformance.test"]})
    return ctx.run_examples("AM23-ILLEGAL-ADDRESS", strategy, body, fixed=fixed)


@check("AM3-HTML", "addMessage3 stores htmlMessageBody as the message's HTML body",
       clause="addMessage3: htmlMessageBody", family="addMessage2/3",
       conformance_class="extensions")
def html_stored(ctx: RunContext) -> int:
    strategy = domain.add_message(variants=(3,), template=st.just("none"))

    def body(example: dict) -> None:
        seen = send_valid(ctx, example, observe_after=False)
        stored = ctx.html_body(seen.message_id)
        if stored is None:
            raise CheckSkipped(ctx.unavailable["html_body"])
        if stored != example["html_body"]:
            fail(f"after {seen.prepared.operation}, getMessage returned {HTML_FIELD} "
                 f"{short(stored)}; expected {short(example['html_body'])} (the "
                 "htmlMessageBody sent)")

    return ctx.run_examples("AM3-HTML", strategy, body, fixed=domain.systematic((3,)))
