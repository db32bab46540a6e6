"""Errors family: invalid calls get the documented error code and change nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies import edge_examples as edge
from conformance.suite.checks._common import fail
from conformance.suite.client import Reply
from conformance.suite.context import RunContext, items
from conformance.suite.observe import mail_arrived, message_notes
from conformance.suite.registry import check


def _expect_code(reply: Reply, code: str, why: str) -> None:
    if reply.fault is not None:
        fail(f"{reply.operation} with {why} was answered with a SOAP Fault "
             f"({reply.fault.code}: {reply.fault.string}) instead of errorCode {code}")
    if reply.error_code != code:
        fail(f"{reply.operation} with {why} returned errorCode {reply.error_code} "
             f"(expected {code})")


def _error_check(ctx: RunContext, check_id: str, strategy: st.SearchStrategy[Any],
                 code: str, why: Any, fixed: list[dict[str, Any]],
                 coverage: list[dict[str, Any]] | None = None) -> int:
    def body(example: dict) -> None:
        _expect_code(ctx.send(ctx.prepare(example)), code, why(example))

    return ctx.run_examples(check_id, strategy, body, fixed=fixed, coverage=coverage)


@check("AM-ERR-SESSION", "An invalid, empty or logged-out session key gets errorCode 5",
       clause="Error codes: 5 InvalidSessionKey; logout renders the key invalid",
       family="errors")
def bad_session(ctx: RunContext) -> int:
    return _error_check(ctx, "AM-ERR-SESSION",
                        domain.add_message(session=domain.invalid_session()), "5",
                        lambda e: f"a {e['session']} session key",
                        [e for kind in domain.SESSION_KINDS_INVALID
                         for e in domain.systematic(session=kind)[:2]],
                        coverage=edge.pairwise_sessions())


@check("AM-ERR-TICKET", "An unknown or malformed ticket id gets errorCode 13",
       clause="Error codes: 13 UnknownTicket", family="errors")
def bad_ticket(ctx: RunContext) -> int:
    return _error_check(ctx, "AM-ERR-TICKET",
                        domain.add_message(ticket=domain.invalid_ticket()), "13",
                        lambda e: f"the ticket id {e['ticket'].partition(':')[2]!r}",
                        domain.systematic(ticket="unknown:987654321")[:2]
                        + domain.systematic(ticket="malformed:abc")[2:])


@check("AM-ERR-SLEVEL", "An sLevel other than 1 or 2 gets errorCode 10",
       clause="Error codes: 10 InvalidSLevel; addMessage: sLevel 1/2", family="errors")
def bad_slevel(ctx: RunContext) -> int:
    return _error_check(ctx, "AM-ERR-SLEVEL", domain.add_message(slevel=domain.BAD_SLEVELS),
                        "10", lambda e: f"sLevel {e['slevel']!r}",
                        domain.systematic(slevel="3")[::2] + domain.systematic(slevel="0")[1::2])


@check("AM-ERR-ATTACHMENT", "An unknown attachment id gets errorCode 16",
       clause="Error codes: 16 UnknownAttachment", family="errors")
def bad_attachment(ctx: RunContext) -> int:
    return _error_check(ctx, "AM-ERR-ATTACHMENT",
                        domain.add_message(attachment_lists=domain.attachments(unknown=True)),
                        "16", lambda e: "an unknown attachment id",
                        domain.systematic(attachments=[*domain.systematic()[0]["attachments"],
                                                       {"kind": "unknown", "id": "987654320"}]))


INVALID_ANY = st.tuples(
    st.sampled_from(["valid", "valid", "garbage", "logged_out"]),
    st.sampled_from(["good", "bad"]),
    st.booleans(),
).filter(lambda t: t != ("valid", "good", False)).flatmap(
    lambda t: domain.add_message(
        session=st.just(t[0]),
        slevel=domain.BAD_SLEVELS if t[1] == "bad" else st.sampled_from(domain.VALID_SLEVELS),
        attachment_lists=domain.attachments(unknown=t[2]),
        notify=st.just(True),
        mail=domain.recipients(illegal=False),
    ))
# Recipients at the SMTP capture for fixed examples of addMessage2/3 that fail.
MAILED_TO = {"to": [f"to-refused@{domain.CAPTURE_DOMAIN}"],
             "cc": [f"cc-refused@{domain.CAPTURE_DOMAIN}"], "bcc": []}


@check("AM-ERR-NO-CHANGE", "A call that returns a non-zero errorCode leaves the ticket and "
       "its messages unchanged, and sends neither a NewTicketMessage notification to the "
       "owner nor mail to the recipients",
       clause="Error codes; a failed call changes nothing", family="errors")
def error_changes_nothing(ctx: RunContext) -> int:
    ctx.notes.settle()  # what earlier checks caused is not this check's

    def body(example: dict) -> None:
        prepared = ctx.prepare(example)
        before = ctx.ticket(prepared.ticket_id)
        reply = ctx.send(prepared)
        notes = message_notes(ctx.notes.settle(), prepared.ticket_id)
        if reply.fault is None and reply.error_code == "0":
            return  # not an error; other checks judge whether it should have been
        after = ctx.ticket(prepared.ticket_id)
        what = (f"{prepared.operation} returned errorCode {reply.error_code}"
                if reply.fault is None else f"{prepared.operation} returned a SOAP Fault")
        if after.message_ids != before.message_ids:
            new = sorted(set(after.message_ids) - set(before.message_ids))
            fail(f"{what}, yet the ticket now has the new message(s) {new}")
        if after.fields != before.fields:
            changed = {k: (v, after.fields.get(k)) for k, v in before.fields.items()
                       if after.fields.get(k) != v}
            fail(f"{what}, yet ticket fields changed (before, after): {changed}")
        if notes:
            fail(f"{what}, yet the owner got {len(notes)} NewTicketMessage notification(s) "
                 "for the ticket")
        recipients = [str(a) for role in ("To", "Cc", "Bcc")
                      for a in items(prepared.params.get(role))]
        mailed = mail_arrived(ctx, recipients)  # by the time the barrier came
        if mailed:
            fail(f"{what}, yet the mail of the message went to "
                 f"{sorted({r for rcpts, _ in mailed for r in rcpts})}")

    fixed = (domain.systematic(notify=True, attachments=[
        *domain.systematic()[0]["attachments"], {"kind": "unknown", "id": "987654320"}])
             + domain.systematic(notify=True, slevel="0")[:2]
             + domain.systematic((2, 3), notify=True, slevel="0", mail=MAILED_TO)[:2]
             + domain.systematic(notify=True, session="logged_out")[:2])
    return ctx.run_examples("AM-ERR-NO-CHANGE", INVALID_ANY, body, fixed=fixed)
