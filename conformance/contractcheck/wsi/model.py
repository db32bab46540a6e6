"""A model of a description's SOAP 1.1 bindings, for the WS-I assertions to query.

Messages, port types and bindings keyed by their qualified names, and each bound operation
with its effective style and, for input and output, the ``soap:body`` and the message
parts it binds. QName attribute values are resolved in the scope of their element.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from conformance import ns
from conformance.contractcheck.wsi.reader import WSDL, XSD, Description, Element

SOAP = f"{{{ns.WSDL_SOAP11}}}"
SOAP12 = f"{{{ns.WSDL_SOAP12}}}"
SOAP_PARAMETERS = ("body", "header", "headerfault", "fault")


def qname(context: Element, value: str | None) -> str | None:
    """A QName attribute value in Clark notation, resolved in the scope of ``context``."""
    if not value:
        return None
    prefix, _, local = value.strip().rpartition(":")
    namespace = context.nsmap.get(prefix or None, "")
    return f"{{{namespace}}}{local}" if namespace else local


def namespace_of(clark: str | None) -> str:
    return clark[1:].split("}", 1)[0] if clark and clark.startswith("{") else ""


@dataclass
class Body:
    direction: str  # input | output
    soap_body: Element | None
    message: Element | None
    parts: list[Element]  # the parts the soap:body binds (its parts attribute, or all)


@dataclass
class BoundOperation:
    binding: Element
    name: str
    element: Element  # the wsdl:operation in the binding
    style: str
    port_operation: Element | None
    bodies: list[Body]

    @property
    def soap_operation(self) -> Element | None:
        return self.element.find(f"{SOAP}operation")


class Model:
    """The components of a description, keyed by their qualified names."""

    def __init__(self, description: Description) -> None:
        self.description = description
        self.messages: dict[str, Element] = {}
        self.port_types: dict[str, Element] = {}
        self.bindings: list[Element] = []
        for definitions in description.definitions:
            tns = definitions.get("targetNamespace", "")
            for message in definitions.iterfind(f"{WSDL}message"):
                self.messages[f"{{{tns}}}{message.get('name')}"] = message
            for port_type in definitions.iterfind(f"{WSDL}portType"):
                self.port_types[f"{{{tns}}}{port_type.get('name')}"] = port_type
            self.bindings.extend(definitions.iterfind(f"{WSDL}binding"))

    def soap11_bindings(self) -> list[Element]:
        return [b for b in self.bindings if b.find(f"{SOAP}binding") is not None]

    def soap_binding_of(self, binding: Element) -> Element:
        """The ``soap:binding`` of one of :meth:`soap11_bindings` (so it has one)."""
        soap_binding = binding.find(f"{SOAP}binding")
        if soap_binding is None:
            raise ValueError(f"binding {binding.get('name')!r} is not a SOAP 1.1 binding")
        return soap_binding

    def port_type_of(self, binding: Element) -> Element | None:
        return self.port_types.get(qname(binding, binding.get("type")) or "")

    def operations(self) -> Iterator[BoundOperation]:
        for binding in self.soap11_bindings():
            default_style = self.soap_binding_of(binding).get("style") or "document"
            port_type = self.port_type_of(binding)
            for op in binding.iterfind(f"{WSDL}operation"):
                soap_op = op.find(f"{SOAP}operation")
                style = (soap_op.get("style") if soap_op is not None else None) or default_style
                port_op = find_named(port_type, f"{WSDL}operation", op.get("name"))
                bodies = [self._body(op, port_op, d) for d in ("input", "output")]
                yield BoundOperation(binding, op.get("name") or "", op, style, port_op,
                                      [b for b in bodies if b is not None])

    def _body(self, op: Element, port_op: Element | None, direction: str) -> Body | None:
        bound = op.find(f"{WSDL}{direction}")
        if bound is None:
            return None
        soap_body = bound.find(f"{SOAP}body")
        abstract = port_op.find(f"{WSDL}{direction}") if port_op is not None else None
        message = self.message_of(abstract) if abstract is not None else None
        parts = list(message.iterfind(f"{WSDL}part")) if message is not None else []
        if soap_body is not None and soap_body.get("parts") is not None:
            names = soap_body.get("parts", "").split()
            parts = [p for p in parts if p.get("name") in names]
        return Body(direction, soap_body, message, parts)

    def message_of(self, reference: Element) -> Element | None:
        return self.messages.get(qname(reference, reference.get("message")) or "")

    def global_elements(self) -> set[str | None]:
        return {
            f"{{{s.target_namespace}}}{e.get('name')}" if s.target_namespace else e.get("name")
            for s in self.description.schemas
            for e in s.root.iterfind(f"{XSD}element")
        }

    def soap_parameters(self) -> Iterator[tuple[Element, Element]]:
        """(binding, soap:body|header|headerfault|fault) for every SOAP 1.1 binding."""
        for binding in self.soap11_bindings():
            for element in binding.iter(*(f"{SOAP}{n}" for n in SOAP_PARAMETERS)):
                yield binding, element


def find_named(parent: Element | None, tag: str, name: str | None) -> Element | None:
    if parent is None:
        return None
    return next((e for e in parent.iterfind(tag) if e.get("name") == name), None)
