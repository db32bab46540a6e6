"""The catalogue of implementation faults the reference target can be started with.

Each fault is a realistic bug switched on at the place in the target where it would really
live (``messages.py``, ``tickets.py``, ``sessions.py``, ``notifications.py``, ``outbox.py``,
``service.py``, ``app.py``; each names the ones it reads in ``FAULTS`` at its top); this module
only names them, says what they do, and lists the check ids that must catch each.
``conformance serve --fault NAME`` (repeatable) switches them on; ``conformance faults``
prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaultSpec:
    name: str
    description: str
    caught_by: tuple[str, ...]


CATALOGUE: tuple[FaultSpec, ...] = (
    FaultSpec("status-reopen", "addMessage reopens a closed ticket (sets status to open)",
              ("AM-STATUS",)),
    FaultSpec("status-msg2-closes", "addMessage2 also closes the ticket it adds to",
              ("AM-STATUS",)),
    FaultSpec("ticket-priority-escalated", "adding a message escalates the ticket priority",
              ("AM-TICKET-FIELDS",)),
    FaultSpec("notify-when-false", "the owner is notified although sendNotification is false",
              ("AM-NOTIFY-FALSE",)),
    FaultSpec("notify-missing", "no notification although sendNotification is true",
              ("AM-NOTIFY-TRUE",)),
    FaultSpec("notify-author", "the notification goes to the author instead of the owner",
              ("AM-NOTIFY-TRUE",)),
    FaultSpec("notify-twice", "the owner is notified twice for one message",
              ("AM-NOTIFY-TRUE",)),
    FaultSpec("body-trim", "the body is stored trimmed of surrounding whitespace",
              ("AM-BODY-EXACT",)),
    FaultSpec("body-crlf-to-lf", "CR LF in the body is normalised to LF",
              ("AM-BODY-EXACT",)),
    FaultSpec("body-truncate", "the body is truncated past 1000 characters",
              ("AM-BODY-EXACT",)),
    FaultSpec("body-non-bmp", "characters outside the BMP are replaced by U+FFFD",
              ("AM-BODY-EXACT",)),
    FaultSpec("body-double-escape", "markup characters in the body are escaped twice",
              ("AM-BODY-EXACT",)),
    FaultSpec("slevel-ignored", "sLevel is ignored: every message is stored as internal (1)",
              ("AM-SLEVEL",)),
    FaultSpec("attachment-drop-last", "the last attachment id of the list is not linked",
              ("AM-ATTACHMENTS",)),
    FaultSpec("attachment-bytes-altered", "attachment bytes come back with CR LF turned to LF",
              ("AM-ATTACHMENT-BYTES",)),
    FaultSpec("message-id-reuse", "after a failed call the next messageId repeats the last one",
              ("AM-MESSAGE-ID",)),
    FaultSpec("message-not-listed", "getTicket's messageIds omits messages with attachments",
              ("AM-MESSAGE-LISTED",)),
    FaultSpec("no-transaction", "a message is stored although the call returns an error",
              ("AM-ERR-NO-CHANGE",)),
    FaultSpec("unknown-attachment-accepted", "unknown attachment ids are silently skipped",
              ("AM-ERR-ATTACHMENT",)),
    FaultSpec("logout-ignored", "a logged-out session key is still accepted",
              ("AM-ERR-SESSION",)),
    FaultSpec("session-error-13", "a bad session key is answered with 13 instead of 5",
              ("AM-ERR-SESSION",)),
    FaultSpec("slevel-accepts-any", "any sLevel is accepted instead of error 10",
              ("AM-ERR-SLEVEL",)),
    FaultSpec("error-as-fault", "an unknown ticket is answered with a SOAP Fault, not code 13",
              ("AM-ERR-TICKET",)),
    FaultSpec("undocumented-error-code", "a bad sLevel is answered with the code 99",
              ("AM-ERRORCODE", "AM-ERR-SLEVEL")),
    FaultSpec("response-wrong-namespace", "addMessage responses are in the wrong namespace",
              ("AM-SCHEMA",)),
    FaultSpec("response-missing-errorcode", "successful addMessage responses lack errorCode",
              ("AM-SCHEMA",)),
    FaultSpec("accept-invalid-body", "schema-invalid requests are processed, not faulted",
              ("AM-ROBUST-FAULT-INVALID",)),
    FaultSpec("fault-http-200", "SOAP Faults are sent with HTTP status 200 instead of 500",
              ("AM-ROBUST-FAULT",)),
    FaultSpec("partial-on-invalid", "an addMessage with an unexpected extra element is stored "
              "before the body is found invalid", ("AM-ROBUST-NO-CHANGE",)),
    FaultSpec("lost-concurrent-messages", "concurrent addMessage calls race on the message id "
              "and overwrite each other", ("AM-CONCURRENT",)),
    FaultSpec("template-html-ignored", "addMessage3 with a reply template stores the "
              "htmlMessageBody given as the HTML body, not the template's HTML body",
              ("AM23-TEMPLATE",)),
    FaultSpec("template-not-substituted", "%message.body% is left in the template body",
              ("AM23-TEMPLATE",)),
    FaultSpec("mail-drops-cc", "Cc recipients are not sent the mail", ("AM23-MAIL",)),
    FaultSpec("mail-before-validation", "addMessage2/3 send the mail before the call is "
              "checked, so a call that fails with an errorCode (a bad sLevel, an unknown "
              "attachment) has mailed its recipients", ("AM-ERR-NO-CHANGE",)),
    FaultSpec("mail-cc-as-to", "the mail names the Cc recipients in its To header (they "
              "still get it)", ("AM23-MAIL-HEADERS",)),
    FaultSpec("mail-body-cut", "the mail carries only the first 60 characters of the body",
              ("AM23-MAIL",)),
    FaultSpec("bcc-visible", "Bcc recipients are listed in the Cc header of the mail",
              ("AM23-BCC-HIDDEN",)),
    FaultSpec("illegal-address-error", "an illegal e-mail address makes the call fail",
              ("AM23-ILLEGAL-ADDRESS",)),
    FaultSpec("html-body-dropped", "addMessage3 does not store the HTML body", ("AM3-HTML",)),
    FaultSpec("msg3-body-newline", "addMessage3 stores the body with a trailing newline added",
              ("AM-DIFFERENTIAL",)),
    FaultSpec("wsdl-missing-operation", "the WSDL served at ?wsdl lacks getReplyTemplate",
              ("AM-WSDL",)),
    FaultSpec("attachment-type-generic", "getAttachment answers every attachment's content "
              "type as application/octet-stream (getMessage lists the right one)",
              ("AM-ATTACHMENT-META",)),
    FaultSpec("body-cut-at-byte-limit", "bodies and HTML bodies are stored in 4000-byte "
              "columns: longer ones are cut silently (a split character dropped)",
              ("AM-BODY-LIMITS",)),
    FaultSpec("body-limit-stores-anyway", "bodies over 8000 UTF-8 bytes are refused with "
              "errorCode 7, but the message is stored all the same (a refusal that changes "
              "the ticket)", ("AM-BODY-LIMITS",)),
    FaultSpec("internal-notify-external", "an internal message (sLevel 1) sent with "
              "sendNotification true is stored as external (sLevel 2)", ("AM-SLEVEL",)),
    FaultSpec("title-trimmed", "newTicket and setTicket store the title trimmed of "
              "surrounding whitespace", ("AM-TEXT-EXACT",)),
    FaultSpec("message-on-previous-ticket", "a copy of each new message also lands on the "
              "ticket of the previous addMessage call (a stale current ticket)",
              ("AM-MESSAGE-LISTED",)),
    FaultSpec("title-html-escaped", "newTicket and setTicket store the title HTML-escaped "
              "(Tom &amp; Jerry)", ("AM-ROUNDTRIP",)),
    FaultSpec("settitle-reopens", "setTicket of the title also sets the status to open",
              ("AM-STATEFUL",)),
)

BY_NAME: dict[str, FaultSpec] = {spec.name: spec for spec in CATALOGUE}


class UnknownFault(ValueError):
    pass


def validate_faults(names: list[str] | tuple[str, ...] | None) -> frozenset[str]:
    """The set of fault names, refusing unknown ones with the list of known names."""
    chosen = frozenset(names or ())
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownFault(
            f"unknown fault {', '.join(unknown)}; known faults: {', '.join(BY_NAME)}"
        )
    return chosen
