"""SOAP 1.1 envelopes and faults, built and parsed with a hardened lxml parser.

Shared by the reference target (which parses requests and writes responses) and the suite
(which writes requests, including deliberately broken ones, and parses responses). A DOCTYPE is
refused outright: lxml's no-entity settings still parse an internal subset, so the only safe
answer to a DTD in SOAP (which forbids them, SOAP 1.1 section 3) is to reject it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from conformance import ns

ENV = f"{{{ns.SOAP11_ENV}}}"
CONTENT_TYPE = "text/xml; charset=utf-8"
FAULT_CLIENT = "Client"
FAULT_SERVER = "Server"


class SoapError(Exception):
    """A message that is not a usable SOAP 1.1 envelope; ``reason`` is readable."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Fault:
    """A SOAP 1.1 Fault: ``code`` is the local part of faultcode (Client, Server, ...)."""

    code: str
    string: str
    detail: str | None = None


def hardened_parser() -> etree.XMLParser:
    """A parser that never loads DTDs, resolves entities or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        collect_ids=False,
    )


_PARSER = hardened_parser()


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML bytes; any DOCTYPE is refused."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise SoapError("DTDs are not allowed in SOAP messages")
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise SoapError(f"malformed XML: {exc.msg}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SoapError("DTDs are not allowed in SOAP messages")
    return root


def body_child(envelope: etree._Element) -> etree._Element | Fault:
    """The single element in the Body of an envelope, or the Fault it carries."""
    if envelope.tag != f"{ENV}Envelope":
        raise SoapError(f"not a SOAP 1.1 Envelope: root element is {etree.QName(envelope).text}")
    bodies = envelope.findall(f"{ENV}Body")
    if len(bodies) != 1:
        raise SoapError("a SOAP Envelope must have exactly one Body")
    children = [child for child in bodies[0] if isinstance(child.tag, str)]
    if len(children) != 1:
        raise SoapError(f"the SOAP Body must hold exactly one element, found {len(children)}")
    child = children[0]
    if child.tag == f"{ENV}Fault":
        return _read_fault(child)
    return child


def parse_envelope(data: bytes) -> etree._Element | Fault:
    """Parse envelope bytes and return the Body's element (or the Fault)."""
    return body_child(parse_xml(data))


def _read_fault(fault: etree._Element) -> Fault:
    code = (fault.findtext("faultcode") or "").strip()
    local = code.rsplit(":", 1)[-1] if code else ""
    detail = fault.find("detail")
    detail_text = etree.tostring(detail, encoding="unicode") if detail is not None else None
    return Fault(code=local, string=fault.findtext("faultstring") or "", detail=detail_text)


def envelope(body: etree._Element) -> etree._Element:
    """Wrap ``body`` in a new SOAP 1.1 Envelope element."""
    env = etree.Element(f"{ENV}Envelope", nsmap={"soap": ns.SOAP11_ENV})
    etree.SubElement(env, f"{ENV}Body").append(body)
    return env


def serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="utf-8")


def envelope_bytes(body: etree._Element) -> bytes:
    return serialize(envelope(body))


def fault_element(fault: Fault) -> etree._Element:
    element = etree.Element(f"{ENV}Fault")
    etree.SubElement(element, "faultcode").text = f"soap:{fault.code}"
    etree.SubElement(element, "faultstring").text = fault.string
    if fault.detail:
        etree.SubElement(element, "detail").text = fault.detail
    return element


def fault_bytes(fault: Fault) -> bytes:
    return envelope_bytes(fault_element(fault))


def pretty(data: bytes) -> str:
    """Pretty-print XML bytes for humans; falls back to the text if unparsable."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError:
        return data.decode("utf-8", errors="replace")
    etree.indent(root)
    return etree.tostring(root, encoding="unicode")
