"""The catalogue of legitimate variations the reference target can be started with: the
twin of the fault catalogue (``faults.py``).

Each variant is a behaviour that the reference pages (``ticket-port.md``) or a standard
allow, so a correct server may have it and the suite must pass it. This module only names
them, says what they do and which clause or standard allows each; the behaviour lives where
it would really be: response- and request-side wire variants in ``_variant_wire.py`` (applied
at one hook each in ``app.py``), id schemes in ``_variant_ids.py``, seed data in
``_variant_seed.py``, mail in ``_variant_mail.py`` / ``outbox.py`` and notification timing in
``notifications.py`` (each module names the ones it reads in ``VARIANTS`` at its top).
``conformance serve --variant NAME`` (repeatable) switches them on; ``conformance variants``
prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VariantSpec:
    name: str
    description: str
    allowed_by: str
    # The suite options a run needs against this variant (until discovery finds them).
    suite_options: tuple[tuple[str, str], ...] = ()


INTEROP = "ticket-port.md Interoperability"

CATALOGUE: tuple[VariantSpec, ...] = (
    # responses on the wire ---------------------------------------------------------------
    VariantSpec("xsi-type-envelope", "xsi:type on every response element of a named type "
                "(simple and complex), xsi/xsd prefixes declared on the Envelope (Axis, "
                "SOAP::Lite style)", f"{INTEROP}; XML Schema 1 section 2.6.1 xsi:type"),
    VariantSpec("xsi-type-element", "xsi:type on every response element of a named type, "
                "the xsi/xsd prefixes declared on each element itself (nuSOAP style)",
                f"{INTEROP}; XML Namespaces 1.0 section 6.1 (scoping)"),
    VariantSpec("envelope-prefix", "other prefixes: SOAP-ENV for the envelope, ns1 for the "
                "response elements", f"{INTEROP}; XML Namespaces 1.0 section 3"),
    VariantSpec("default-namespace", "the envelope and the response elements in default "
                "namespaces (no prefixes at all)", f"{INTEROP}; XML Namespaces 1.0 section 6.2"),
    VariantSpec("pretty-printed", "responses indented with newlines and spaces between "
                "elements", f"{INTEROP}; XML 1.0 section 2.10 (white space in element "
                "content)"),
    VariantSpec("utf-16", "responses encoded in UTF-16 with a BOM, Content-Type charset="
                "utf-16", "XML 1.0 section 4.3.3 (UTF-16 must be read by every processor); "
                "WS-I BP 1.1 R1012"),
    VariantSpec("chunked", "responses sent with Transfer-Encoding: chunked (no "
                "Content-Length)", "RFC 7230 section 4.1; WS-I BP 1.1 (HTTP/1.1)"),
    VariantSpec("gzip", "responses gzip-compressed (Content-Encoding: gzip) when the client "
                "accepts it", "RFC 7231 section 3.1.2.2 / 5.3.4 (Accept-Encoding)"),
    VariantSpec("empty-header", "an empty soap:Header before the Body of every response",
                "SOAP 1.1 section 4.2 (the Header is optional and may be empty)"),
    VariantSpec("omit-empty-optional", "optional output elements (minOccurs=0) are left out "
                "when empty (an empty messageIds or attachmentInfo, say)",
                "the contract's XSD (minOccurs=\"0\"); XML Schema 1 section 3.9"),
    VariantSpec("message-ids-newest-first", "getTicket lists messageIds newest first",
                "ticket-port.md getTicket: messageIds is a list; no order is documented"),
    VariantSpec("integer-status", "getTicket's ticket.status is an integer status id (1 "
                "open, 2 closed, 3 postponed, 4 deleted), type TypeInteger",
                "ticket-port.md getTicket: the value of a field comes with its type; "
                "TypeInteger is a documented field type"),
    VariantSpec("iso-dates-offset", "date-times in getTicket/getMessage as ISO 8601 with a "
                "UTC offset (2026-12-03T09:15:00+01:00)",
                "ticket-port.md field types: TypeDateTime has no documented format; "
                "ISO 8601 / RFC 3339"),
    VariantSpec("media-type-canonical", "attachment content types are stored and returned "
                "in canonical form: type, subtype and parameter names lower-cased, a text/* "
                "type with its default charset made explicit (text/plain -> text/plain; "
                "charset=us-ascii)", "RFC 2045 section 5.1 (names case-insensitive); "
                "RFC 2046 section 4.1.2 (us-ascii is the default charset of text/plain)"),
    VariantSpec("activation-notes", "setTicket that opens a ticket sends its owner a "
                "TicketActivated (0x0008) notification",
                "ticket-port.md Notification types: TicketActivated 0x0008 is a documented "
                "type; when it is sent is not said"),
    # requests ----------------------------------------------------------------------------
    VariantSpec("soapaction-unchecked", "the target dispatches on the body element and does "
                "not check the SOAPAction header", "SOAP 1.1 section 6.1.1 (SOAPAction "
                "indicates the intent; a server may ignore it); WS-I BP 1.1 R2744/R2745 bind the "
                "value a sender puts there, not a receiver's duty to check it"),
    VariantSpec("bad-request-400", "a request that is not well-formed XML, carries a DTD "
                "or is not a SOAP Envelope is answered 400 Bad Request with an empty body "
                "(no Fault), as WCF and many HTTP front ends do",
                "WS-I BP 1.1 R1113 (a malformed HTTP request message SHOULD get 400 Bad "
                "Request); R1126's 500 binds only an answer that is a Fault"),
    VariantSpec("lenient-numbers", "ids and sLevel are read with a lenient number parser, "
                "as int()/float() do: digits of any script (\u0661 is 1), spaces around, "
                "\"1.0\" for 1", "ticket-port.md General: ids travel as strings and sLevel "
                "is 1 or 2; how a string is read as a number is not documented"),
    VariantSpec("lenient-extra-elements", "unknown extra child elements in a request are "
                "ignored, not faulted (lenient parsing, as .NET XmlSerializer does)",
                "SOAP 1.1 section 4.4 (a Fault is how errors are reported, not a duty to "
                "refuse); the suite's robustness rule for this is a SHOULD"),
    VariantSpec("attachment-in-use", "an attachment can be linked to one message only: "
                "linking it again is refused with errorCode 24 (AttachmentInUse)",
                "ticket-port.md Error codes: 24 AttachmentInUse is documented; when it "
                "applies is not said"),
    VariantSpec("no-html-field", "getMessage has no field for the HTML body: "
                "message.html_body is answered with errorCode 17 (InvalidField), like any "
                "name it does not know (the HTML body is stored and mailed all the same)",
                "ticket-port.md getMessage: the fields are message.id, body, header, "
                "md_body, created_at, author, slevel; none is named for the HTML body"),
    VariantSpec("request-limit-413", "requests over 1.5 MiB are refused by the front end "
                "with HTTP 413 Payload Too Large and an empty body; nothing is stored",
                "RFC 9110 section 15.5.14 (413); ticket-port.md documents no size a target "
                "must take"),
    VariantSpec("request-limit-fault", "addMessage requests over 100 000 bytes are refused "
                "with a SOAP Server Fault (HTTP 500, 'message too large'); nothing is stored",
                "SOAP 1.1 section 4.4 (a Fault reports an error in processing); "
                "ticket-port.md documents no size a target must take"),
    VariantSpec("busy-503", "an addMessage call that arrives while another is in progress "
                "is answered 503 Service Unavailable with Retry-After (a service that takes "
                "one message at a time)", "RFC 9110 section 15.6.4 (503: temporarily unable "
                "to handle the request); ticket-port.md says nothing of concurrent calls"),
    VariantSpec("body-limit", "bodies and HTML bodies over 65535 UTF-8 bytes each are "
                "refused with errorCode 7 (CustomError) and nothing is stored (a strict "
                "TEXT column); no limit is declared to the suite",
                "ticket-port.md Error codes (an errorCode reports what the target will not "
                "do; no body size is documented or required); issue 10: past a declared "
                "or discovered limit a documented errorCode is allowed, a silent cut never"),
    # ids -------------------------------------------------------------------------------------
    VariantSpec("other-category-template", "categories and reply templates have other ids "
                "(categories 7 and 8, reply templates 42 and 43; ids 1 and 2 do not exist)",
                "ticket-port.md: ids are the target's own; none is fixed by the reference",
                suite_options=(("category", "7"), ("reply_template", "42"))),
    VariantSpec("template-variables", "reply templates use variables of the target's own "
                "(%ticket.id%, %ticket.title%, %user.name%) beside %message.body%, and "
                "addMessage2/3 fill them in",
                "ticket-port.md addMessage2/3: only %message.body% and %message.bodyHtml% "
                "are named; a template's other content is the target's"),
    VariantSpec("tidy-names", "ticket titles are stored on one line with single spaces; "
                "attachment names lose any path (../a/b.txt -> b.txt) and have their white "
                "space tidied", "ticket-port.md newTicket/addAttachment: title and "
                "attachmentName are named, how a target stores them is not said (the "
                "suite's AM-TEXT-EXACT is a SHOULD)"),
    VariantSpec("large-ids", "ticket, message and attachment ids are large and "
                "non-sequential (random 15-digit numbers)",
                "ticket-port.md General: ids travel as strings; no range or order is "
                "documented"),
    VariantSpec("uuid-ids", "ticket and attachment ids are UUID-like strings (message ids "
                "large numbers)", "ticket-port.md General: ids travel as strings "
                "(xsd:string in the contract); getTicket's messageIds are a list of ints"),
    VariantSpec("known-high-ids", "ids in the range the suite once assumed unknown exist: "
                "ticket 987654321, attachment 987654320, reply template 987654321, and new "
                "tickets and attachments are numbered from 1000000000",
                "ticket-port.md: ids are the target's own; none is reserved"),
    # mail ------------------------------------------------------------------------------------
    VariantSpec("bcc-separate-copies", "each Bcc recipient gets a copy of its own whose Bcc "
                "header names only that recipient; To and Cc get a copy without Bcc",
                "RFC 5322 section 3.6.3 (the second way of handling Bcc)"),
    VariantSpec("extra-mail", "each mailed message also sends a notice to another address "
                "(not among the call's To/Cc/Bcc) over the same SMTP path",
                "ticket-port.md addMessage2/3: the reference does not forbid other mail; "
                "RFC 5321 (one SMTP path carries any mail)"),
    VariantSpec("mail-queued", "mail is sent by a queue some 150 ms after the SOAP answer",
                "ticket-port.md addMessage2/3: no delivery time is documented"),
    VariantSpec("multipart-base64", "every mail is multipart/alternative (plain and HTML) "
                "with base64 transfer encoding", "RFC 2046 section 5.1.4; RFC 2045 "
                "section 6.8"),
    VariantSpec("mail-flowed", "the plain part of the mail is format=flowed (DelSp=yes), "
                "lines cut at 72 characters, quoted-printable",
                "RFC 5322 section 2.1.1 (lines of at most 998, SHOULD 78 characters); "
                "RFC 3676 (format=flowed)"),
    VariantSpec("mail-html-only", "addMessage3 with an HTML body mails the HTML version "
                "alone (a text/html mail, no text/plain part)",
                "ticket-port.md addMessage3: htmlMessageBody is the HTML version of the "
                "body; which version the mail carries is not said"),
    VariantSpec("mail-footer", "a signature footer follows the body in every mail",
                "ticket-port.md addMessage2/3: 'the complete body is e-mailed' (the body is "
                "complete; the mail may hold more); RFC 3676 section 4.3 (sig separator)"),
    # notifications -----------------------------------------------------------------------
    VariantSpec("notify-unordered", "NewTicketMessage notifications become readable a "
                "while after the answer, other types (New Ticket) at once: notifications "
                "are not readable in the order of the calls that caused them",
                "ticket-port.md getUserNotifications: no order of notifications is "
                "documented"),
    VariantSpec("notify-delayed", "notifications become readable some 150 ms after the call "
                "that caused them", "ticket-port.md getUserNotifications: 'what was "
                "generated since the last call' (no time of generation is documented)"),
    VariantSpec("one-subscription", "allocUserNotifications refuses a second live "
                "subscription of the same user with errorCode 26",
                "ticket-port.md allocUserNotifications: 'one subscriber at a time per "
                "user'; error 26 NotificationViolation"),
)

BY_NAME: dict[str, VariantSpec] = {spec.name: spec for spec in CATALOGUE}


class UnknownVariant(ValueError):
    pass


def validate_variants(names: list[str] | tuple[str, ...] | None) -> frozenset[str]:
    """The set of variant names, refusing unknown ones with the list of known names."""
    chosen = frozenset(names or ())
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownVariant(
            f"unknown variant {', '.join(unknown)}; known variants: {', '.join(BY_NAME)}")
    return chosen


def suite_options(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The SuiteConfig fields a run against these variants needs (category, template)."""
    options: dict[str, str] = {}
    for name in names:
        options.update(BY_NAME[name].suite_options)
    return options
