"""WS-I BP 1.1 assertions on what bound messages carry: the parts document- and rpc-literal
bodies bind (R2201-R2210), headers' and faults' parts (R2205), body namespaces (R2716,
R2717, R1014) and soap:fault names (R2721, R2754)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from conformance.contractcheck.wsi.model import (
    SOAP,
    SOAP_PARAMETERS,
    Body,
    BoundOperation,
    Model,
    find_named,
    namespace_of,
    qname,
)
from conformance.contractcheck.wsi.reader import WSDL, Element, parent_of, show_tag
from conformance.contractcheck.wsi.registry import wsi_assertion

_ABSOLUTE_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def _bodies(model: Model, style: str) -> Iterator[tuple[BoundOperation, Body]]:
    for op in model.operations():
        if op.style == style:
            for body in op.bodies:
                yield op, body


@wsi_assertion("R2201", "a document-literal soap:body lists at most one part")
def _doc_parts_attribute(model: Model) -> list[str]:
    return [f"{op.name}/{body.direction}: parts={body.soap_body.get('parts')!r}"
            for op, body in _bodies(model, "document")
            if body.soap_body is not None and len(body.soap_body.get("parts", "").split()) > 1]


@wsi_assertion("R2210", "a document-literal message without soap:body parts has at most one part")
def _doc_one_part(model: Model) -> list[str]:
    return [f"{op.name}/{body.direction}: message {body.message.get('name')!r} has "
            f"{len(body.parts)} parts"
            for op, body in _bodies(model, "document")
            if body.soap_body is not None and body.soap_body.get("parts") is None
            and body.message is not None and len(body.parts) > 1]


@wsi_assertion("R2204", "document-literal bodies bind only parts declared with element=")
def _doc_element_parts(model: Model) -> list[str]:
    return [f"{op.name}/{body.direction}: part {p.get('name')!r} uses type="
            for op, body in _bodies(model, "document")
            for p in body.parts if p.get("element") is None]


@wsi_assertion("R2203", "rpc-literal bodies bind only parts declared with type=")
def _rpc_type_parts(model: Model) -> list[str]:
    return [f"{op.name}/{body.direction}: part {p.get('name')!r} uses element="
            for op, body in _bodies(model, "rpc")
            for p in body.parts if p.get("type") is None]


@wsi_assertion("R2205", "soap:header, soap:headerfault and soap:fault bind element= parts")
def _header_fault_parts(model: Model) -> list[str]:
    problems = []
    for binding, element in model.soap_parameters():
        if element.tag in (f"{SOAP}header", f"{SOAP}headerfault"):
            message = model.message_of(element) if element.get("message") else None
            parts = [p for p in (message if message is not None else [])
                     if p.get("name") == element.get("part")]
        elif element.tag == f"{SOAP}fault":
            parts = _fault_parts(model, binding, element)
        else:
            continue
        problems += [f"{show_tag(element.tag)} binds part {p.get('name')!r} declared with type="
                     for p in parts if p.get("element") is None]
    return problems


def _fault_parts(model: Model, binding: Element, soap_fault: Element) -> list[Element]:
    bound_fault = parent_of(soap_fault)
    bound_op = parent_of(bound_fault)
    port_op = find_named(model.port_type_of(binding), f"{WSDL}operation", bound_op.get("name"))
    fault = find_named(port_op, f"{WSDL}fault", bound_fault.get("name"))
    message = model.message_of(fault) if fault is not None else None
    return list(message.iterfind(f"{WSDL}part")) if message is not None else []


@wsi_assertion("R2716", "document-literal soap:body/header/fault have no namespace attribute")
def _doc_no_namespace(model: Model) -> list[str]:
    problems = []
    for op in model.operations():
        if op.style != "document":
            continue
        for element in op.element.iter(*(f"{SOAP}{n}" for n in SOAP_PARAMETERS)):
            if element.get("namespace") is not None:
                problems.append(f"{op.name}: soap:{etree.QName(element).localname} "
                                f"namespace={element.get('namespace')!r}")
    return problems


@wsi_assertion("R2717", "rpc-literal soap:body has an absolute namespace URI")
def _rpc_namespace(model: Model) -> list[str]:
    return [f"{op.name}/{body.direction}: namespace={body.soap_body.get('namespace')!r}"
            for op, body in _bodies(model, "rpc")
            if body.soap_body is not None
            and not _ABSOLUTE_URI.match(body.soap_body.get("namespace") or "")]


@wsi_assertion("R1014", "children of soap:Body are namespace-qualified elements")
def _qualified_body_children(model: Model) -> list[str]:
    problems = []
    for op in model.operations():
        for body in op.bodies:
            if op.style == "rpc":
                continue  # the wrapper takes soap:body/@namespace, checked by R2717
            problems += [f"{op.name}/{body.direction}: element {p.get('element')!r} has no "
                         "namespace" for p in body.parts
                         if p.get("element") and not namespace_of(qname(p, p.get("element")))]
    return problems


@wsi_assertion("R2721", "soap:fault elements have a name attribute")
def _fault_name(model: Model) -> list[str]:
    return [f"soap:fault in operation {parent_of(parent_of(e)).get('name')!r}"
            for _, e in model.soap_parameters()
            if e.tag == f"{SOAP}fault" and not e.get("name")]


@wsi_assertion("R2754", "soap:fault name matches the name of its wsdl:fault")
def _fault_name_matches(model: Model) -> list[str]:
    return [f"soap:fault {e.get('name')!r} inside wsdl:fault {parent_of(e).get('name')!r}"
            for _, e in model.soap_parameters()
            if e.tag == f"{SOAP}fault" and e.get("name")
            and e.get("name") != parent_of(e).get("name")]
