"""Robustness family: schema-invalid and malformed requests get a SOAP Fault, change
nothing, and the target keeps answering.

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
from conformance.suite.registry import check

MUTATIONS = ("drop-element", "extra-element", "wrong-type", "unknown-operation",
             "wrong-soapaction", "malformed", "doctype-entity", "not-xml")
# Required children whose absence a lenient target could still work around.
DROPPABLE = ("sessionKey", "ticketId", "sLevel", "sendNotification", "messageBody",
             "attachmentIds")

BROKEN = st.tuples(
    domain.add_message(template=st.just("none"), notify=st.just(True)),
    st.sampled_from(MUTATIONS),
    st.sampled_from(DROPPABLE),
    st.integers(min_value=10, max_value=400),
)

# One of each mutation (and each dropped element) on a hostile, notifying example.
FIXED = ([(domain.systematic(notify=True)[1], m, "sessionKey", 40) for m in MUTATIONS]
         + [(domain.systematic(notify=True)[1], "drop-element", d, 40) for d in DROPPABLE[1:3]])


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
    data = soap.envelope_bytes(element)
    if mutation == "malformed":
        data = data[: max(1, len(data) - cut)]
    elif mutation == "not-xml":
        data = b"this is not XML at all & <<<"
    return data, action


def _is_fault(exchange: Exchange) -> str | None:
    """None when the exchange is a SOAP 1.1 Fault over HTTP 500, else what it is."""
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


@check("AM-ROBUST-FAULT", "A schema-invalid or malformed request gets a SOAP Fault (HTTP 500) "
       "and the target still answers afterwards",
       clause="SOAP 1.1 section 4.4 / 6.2; WSDL contract", family="robustness",
       conformance_class="robustness")
def broken_gets_fault(ctx: RunContext) -> int:
    def body(sample: tuple[dict, str, str, int]) -> None:
        prepared = ctx.prepare(sample[0])
        mutation = sample[1]
        problem = _is_fault(_send_broken(ctx, prepared, sample))
        if problem:
            fail(f"a {mutation} {prepared.operation} request was answered with {problem}")
        ctx.ticket(prepared.ticket_id)  # still answering (an error here is reported)

    return ctx.run_examples("AM-ROBUST-FAULT", BROKEN, body,
                            ctx.config.profile.robustness_examples, fixed=FIXED)


@check("AM-ROBUST-NO-CHANGE", "A schema-invalid or malformed request changes nothing: no "
       "message, no ticket change, no notification",
       clause="SOAP 1.1 Faults; a failed call changes nothing", family="robustness",
       conformance_class="robustness")
def broken_changes_nothing(ctx: RunContext) -> int:
    def body(sample: tuple[dict, str, str, int]) -> None:
        prepared = ctx.prepare(sample[0])
        mutation = sample[1]
        before = ctx.ticket(prepared.ticket_id)
        ctx.owner_notifications()
        answer = "a Fault" if _is_fault(_send_broken(ctx, prepared, sample)) is None else (
            "a normal response")
        after = ctx.ticket(prepared.ticket_id)
        notes = ctx.owner_notifications()
        if after.message_ids != before.message_ids:
            fail(f"a {mutation} {prepared.operation} request got {answer}, yet the ticket's "
                 f"messages went from {before.message_ids} to {after.message_ids}")
        if after.fields != before.fields or notes:
            fail(f"a {mutation} {prepared.operation} request got {answer}, yet the ticket "
                 f"changed or {len(notes)} notification(s) were sent")

    return ctx.run_examples("AM-ROBUST-NO-CHANGE", BROKEN, body,
                            ctx.config.profile.robustness_examples, fixed=FIXED)
