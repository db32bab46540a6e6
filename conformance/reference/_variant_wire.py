"""Wire-level variants of the reference target's responses: namespace prefixes and
declarations, xsi:type attributes, an empty Header, indentation, the character encoding,
and at the HTTP level chunked transfer and gzip. None of them changes an infoset value the
contract defines (ticket-port.md Interoperability)."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from typing import Any

from lxml import etree
from xmlschema.validators import XsdElement

from conformance import ns

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = (
    "chunked", "default-namespace", "empty-header", "envelope-prefix", "gzip", "pretty-printed",
    "utf-16", "xsi-type-element", "xsi-type-envelope")

XSI_TYPE = f"{{{ns.XSI}}}type"
TYPE_PREFIXES = {"xsi": ns.XSI, "xsd": ns.XSD}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class EnvelopeStyle:
    """How one target writes its envelopes (from the switched-on variant names)."""

    def __init__(self, variants: frozenset[str], namespace: str) -> None:
        self.variants = variants
        self.namespace = namespace
        # Both prefix variants together: a default-namespace Envelope around ns1 elements.
        default, prefixed = "default-namespace" in variants, "envelope-prefix" in variants
        self.env_prefix = None if default else "SOAP-ENV" if prefixed else "soap"
        self.body_prefix = "ns1" if prefixed else None
        # Both xsi variants together: declared on the Envelope and again on each element.
        self.xsi_on_envelope = "xsi-type-envelope" in variants
        self.xsi_on_element = "xsi-type-element" in variants

    def rebuild(self, envelope: etree._Element, declaration: XsdElement) -> etree._Element:
        """A copy of ``envelope`` in this style (prefixes, xsi:type, Header)."""
        env_map: dict[str | None, str] = {self.env_prefix: ns.SOAP11_ENV}
        if self.xsi_on_envelope:
            env_map.update({**TYPE_PREFIXES, "tns": self.namespace})
        new = etree.Element(envelope.tag, nsmap=env_map)
        if "empty-header" in self.variants:
            etree.SubElement(new, f"{{{ns.SOAP11_ENV}}}Header")
        for body in envelope:
            copy = etree.SubElement(new, body.tag, dict(body.attrib))
            for wrapper in body:
                self._copy(copy, wrapper, declaration, top=True)
        return new

    def _copy(self, parent: etree._Element, node: etree._Element, declaration: Any,
              top: bool = False) -> None:
        nsmap: dict[str | None, str] = {}
        if top:  # the wrapper declares the contract's namespace (prefixed or default)
            nsmap[self.body_prefix] = self.namespace
        type_name = getattr(getattr(declaration, "type", None), "name", None)
        if declaration is None or top:
            type_name = None  # only the named types of declared elements below the wrapper
        if type_name is not None and self.xsi_on_element:
            nsmap.update({**TYPE_PREFIXES, "tns": self.namespace})
        copy = etree.SubElement(parent, node.tag, dict(node.attrib), nsmap=nsmap or None)
        copy.text = node.text
        if type_name is not None and (self.xsi_on_element or self.xsi_on_envelope):
            copy.set(XSI_TYPE, _qname_value(type_name))
        children = _child_declarations(declaration)
        for child in node:
            if isinstance(child.tag, str):
                self._copy(copy, child, children.get(child.tag))


def _child_declarations(declaration: Any) -> dict[str, Any]:
    content = getattr(getattr(declaration, "type", None), "content", None)
    if content is None or not hasattr(content, "iter_elements"):
        return {}
    return {child.name: child for child in content.iter_elements()}


def _qname_value(type_name: str) -> str:
    """``{XSD}string`` -> ``xsd:string``; ``{tns}StringList`` -> ``tns:StringList``."""
    namespace, _, local = type_name[1:].partition("}")
    return f"{'xsd' if namespace == ns.XSD else 'tns'}:{local}"


def serialize(envelope: etree._Element, variants: frozenset[str]) -> bytes:
    if "pretty-printed" in variants:
        etree.indent(envelope, space="  ")
    encoding = "UTF-16" if "utf-16" in variants else "utf-8"
    return etree.tostring(envelope, xml_declaration=True, encoding=encoding)


def http_response(environ: dict[str, Any], body: bytes, content_type: str,
                  variants: frozenset[str]) -> tuple[list[tuple[str, str]], Iterable[bytes]]:
    """Headers and body chunks of a POST answer under the HTTP-level variants."""
    if body.startswith(UTF16_BOMS):
        content_type = "text/xml; charset=utf-16"
    headers = [("Content-Type", content_type)]
    if "gzip" in variants and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
        body = gzip.compress(body)
        headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
    if "chunked" in variants:  # no Content-Length: waitress sends HTTP/1.1 chunks
        size = max(1, len(body) // 3)
        return headers, [body[i:i + size] for i in range(0, len(body), size)]
    return [*headers, ("Content-Length", str(len(body)))], [body]
