"""Robustness family: malformed and non-SOAP requests MUST be refused (a SOAP Fault, or
HTTP 400 Bad Request as WS-I BP 1.1 R1113 suggests), schema-invalid ones and a wrong
SOAPAction SHOULD; a refused request changes nothing, and the target keeps
answering.

Levels: SOAP 1.1 gives a receiver no way to process a request that is not well-formed XML,
carries a DTD (section 3: a SOAP message MUST NOT contain a DTD) or is not an Envelope
naming an operation of the port, so those MUST get a Fault (HTTP 500, section 6.2). For a
well-formed request that breaks only the schema, and for a SOAPAction that does not match
(section 6.1.1 makes SOAPAction a hint), the reference and the standards leave lenient
processing open (.NET's XmlSerializer ignores unknown elements): a Fault is what they
SHOULD get, and the check for it is advisory.

Broken requests start from a valid, contract-encoded request for the suite's own ticket
(so a lenient target would really store something) and are broken in one way each, with
lxml where the result is still XML.
"""

from __future__ import annotations

from hypothesis import strategies as st
from lxml import etree

from conformance import soap
from conformance.strategies import domain
from conformance.suite.checks._common import fail
from conformance.suite.client import Exchange
from conformance.suite.context import Prepared, RunContext
from conformance.suite.observe import message_notes
from conformance.suite.registry import SHOULD, check

MUST_MUTATIONS = ("malformed", "doctype-entity", "not-xml", "not-envelope",
                  "unknown-operation")
SHOULD_MUTATIONS = ("drop-element", "extra-element", "wrong-type", "wrong-soapaction")
MUTATIONS = SHOULD_MUTATIONS + MUST_MUTATIONS
# Required children whose absence a lenient target could still work around.
DROPPABLE = ("sessionKey", "ticketId", "sLevel", "sendNotification", "messageBody",
             "attachmentIds")



def broken(mutations: tuple[str, ...]) -> st.SearchStrategy[tuple[dict, str, str, int]]:
    return st.tuples(
        domain.add_message(template=st.just("none"), notify=st.just(True)),
        st.sampled_from(mutations),
        st.sampled_from(DROPPABLE),
        st.integers(min_value=10, max_value=400),
    )


def fixed(mutations: tuple[str, ...]) -> list[tuple[dict, str, str, int]]:
    """One of each mutation (and each dropped element) on a hostile, notifying example."""
    example = domain.systematic(notify=True)[1]
    drops = [(example, "drop-element", d, 40) for d in DROPPABLE[1:3]
             if "drop-element" in mutations]
    return [(example, m, "sessionKey", 40) for m in mutations] + drops


BROKEN = broken(MUTATIONS)
FIXED = fixed(MUTATIONS)


def broken_request(ctx: RunContext, prepared: Prepared, mutation: str, drop: str,
                   cut: int) -> tuple[bytes, str | None]:
    """The bytes and SOAPAction of a request broken by ``mutation``."""
    operation = ctx.contract.operation(prepared.operation)
    element = ctx.contract.encode_input(operation, prepared.params)
    action: str | None = operation.soap_action
    tns = operation.namespace
    if mutation == "drop-element":
        victim = element.find(f"{{{tns}}}{drop}")
        if victim is not None:
            element.remove(victim)
    elif mutation == "extra-element":
        etree.SubElement(element, f"{{{tns}}}unexpectedElement").text = "surplus"
    elif mutation == "wrong-type":
        flag = element.find(f"{{{tns}}}sendNotification")
        if flag is not None:
            flag.text = "maybe"
    elif mutation == "unknown-operation":
        element.tag = f"{{{tns}}}{operation.name}Unknown"
    elif mutation == "wrong-soapaction":
        action = f"{operation.soap_action}-wrong"
    elif mutation == "doctype-entity":
        body = element.find(f"{{{tns}}}messageBody")
        if body is not None:
            body.text = None
            body.append(etree.Entity("payload"))
        envelope = etree.tostring(soap.envelope(element), encoding="utf-8")
        return (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE Envelope [\n'
                b'<!ENTITY payload SYSTEM "file:///etc/hostname">\n]>\n' + envelope), action
    if mutation == "not-envelope":  # well-formed XML, but the body without an Envelope
        return etree.tostring(element, xml_declaration=True, encoding="utf-8"), action
    data = soap.envelope_bytes(element)
    if mutation == "malformed":
        data = data[: max(1, len(data) - cut)]
    elif mutation == "not-xml":
        data = b"this is not XML at all & <<<"
    return data, action


def _is_fault(exchange: Exchange) -> str | None:
    """None when the exchange is a SOAP 1.1 Fault over HTTP 500, or HTTP 400 Bad Request
    (with or without a body: WS-I BP 1.1 R1113 says a malformed request SHOULD get it, and
    R1126's 500 binds only an answer that is a Fault); else what it is."""
    if exchange.status == 400:
        return None
    try:
        child = soap.parse_envelope(exchange.response)
    except soap.SoapError as exc:
        return f"HTTP {exchange.status} with no SOAP envelope ({exc.reason})"
    if not isinstance(child, soap.Fault):
        return f"HTTP {exchange.status} with a normal {etree.QName(child).localname} response"
    if exchange.status != 500:
        return f"a SOAP Fault with HTTP status {exchange.status} (SOAP 1.1 requires 500)"
    return None


def _send_broken(ctx: RunContext, prepared: Prepared, sample: tuple[dict, str, str, int]
                 ) -> Exchange:
    _example, mutation, drop, cut = sample
    data, action = broken_request(ctx, prepared, mutation, drop, cut)
    return ctx.client.post_raw(data, action, f"{prepared.operation}:{mutation}")


def _fault_check(ctx: RunContext, check_id: str, mutations: tuple[str, ...]) -> int:
    def body(sample: tuple[dict, str, str, int]) -> None:
        prepared = ctx.prepare(sample[0])
        mutation = sample[1]
        problem = _is_fault(_send_broken(ctx, prepared, sample))
        if problem:
            fail(f"a {mutation} {prepared.operation} request was answered with {problem}")
        ctx.ticket(prepared.ticket_id)  # still answering (an error here is reported)

    return ctx.run_examples(check_id, broken(mutations), body,
                            ctx.config.profile.robustness_examples, fixed=fixed(mutations))


@check("AM-ROBUST-FAULT", "A malformed request (not well-formed XML, a DOCTYPE or entity, "
       "not a SOAP Envelope, no operation of the port) is refused, with a SOAP Fault (HTTP "
       "500) or HTTP 400 Bad Request, and the target still answers afterwards",
       clause="SOAP 1.1 section 3 (no DTD), 4.4 (Fault) and 6.2 (HTTP 500); WS-I BP 1.1 "
       "R1113 (400 Bad Request) and R1126; XML 1.0 section 1.2 (a fatal error ends normal "
       "processing)", family="robustness",
       conformance_class="robustness")
def malformed_gets_fault(ctx: RunContext) -> int:
    return _fault_check(ctx, "AM-ROBUST-FAULT", MUST_MUTATIONS)


@check("AM-ROBUST-FAULT-INVALID", "A well-formed request that breaks the schema (an element "
       "missing, an unexpected element, a wrong type) or has a wrong SOAPAction gets a SOAP "
       "Fault (HTTP 500) or HTTP 400 Bad Request",
       clause="SHOULD: WSDL/XSD contract and SOAP 1.1 section 4.4; lenient processing is "
       "left open (SOAP 1.1 section 6.1.1 makes SOAPAction a hint)", family="robustness",
       conformance_class="robustness", level=SHOULD)
def invalid_gets_fault(ctx: RunContext) -> int:
    return _fault_check(ctx, "AM-ROBUST-FAULT-INVALID", SHOULD_MUTATIONS)


@check("AM-ROBUST-NO-CHANGE", "A request the target refuses with a SOAP Fault (malformed, "
       "schema-invalid, wrong SOAPAction) changes nothing: no message, no ticket change, no "
       "NewTicketMessage notification",
       clause="SOAP 1.1 section 4.4 (a Fault reports that the call was not processed); a "
       "failed call changes nothing", family="robustness",
       conformance_class="robustness")
def broken_changes_nothing(ctx: RunContext) -> int:
    ctx.notes.settle()  # what earlier checks caused is not this check's

    def body(sample: tuple[dict, str, str, int]) -> None:
        prepared = ctx.prepare(sample[0])
        mutation = sample[1]
        before = ctx.ticket(prepared.ticket_id)
        refused = _is_refused(_send_broken(ctx, prepared, sample))
        after = ctx.ticket(prepared.ticket_id)
        notes = message_notes(ctx.notes.settle(), prepared.ticket_id)
        if not refused:
            return  # processed leniently: AM-ROBUST-FAULT* judge whether it may be
        if after.message_ids != before.message_ids:
            fail(f"a {mutation} {prepared.operation} request got a Fault, yet the ticket's "
                 f"messages went from {before.message_ids} to {after.message_ids}")
        if after.fields != before.fields or notes:
            fail(f"a {mutation} {prepared.operation} request got a Fault, yet the ticket "
                 f"changed or {len(notes)} NewTicketMessage notification(s) were sent for it")

    return ctx.run_examples("AM-ROBUST-NO-CHANGE", BROKEN, body,
                            ctx.config.profile.robustness_examples, fixed=FIXED)


def _is_refused(exchange: Exchange) -> bool:
    """True when the answer is a SOAP Fault (whatever its HTTP status) or no SOAP at all."""
    try:
        return isinstance(soap.parse_envelope(exchange.response), soap.Fault)
    except soap.SoapError:
        return True
