"""WS-I BP 1.1 assertions on port types and bindings: the operations a port type offers
(R2303, R2304), the SOAP binding and its transport (R2401, R2701, R2702), one style and
literal use per binding (R2705, R2706), and the operations bound (R2718, R2710)."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from conformance import ns
from conformance.contractcheck.wsi.model import (
    SOAP,
    SOAP12,
    BoundOperation,
    Model,
    qname,
)
from conformance.contractcheck.wsi.reader import WSDL
from conformance.contractcheck.wsi.registry import wsi_assertion


@wsi_assertion("R2303", "no solicit-response or notification operations in a portType")
def _transmission(model: Model) -> list[str]:
    problems = []
    for port_type in model.port_types.values():
        for op in port_type.iterfind(f"{WSDL}operation"):
            messages = [c for c in op if c.tag in (f"{WSDL}input", f"{WSDL}output")]
            if messages and messages[0].tag == f"{WSDL}output":
                problems.append(f"operation {op.get('name')!r} starts with its output")
    return problems


@wsi_assertion("R2304", "operations of a portType have distinct names")
def _distinct_operations(model: Model) -> list[str]:
    return [f"portType {pt.get('name')!r} defines {name!r} {count} times"
            for pt in model.port_types.values()
            for name, count in Counter(o.get("name") for o in pt.iterfind(f"{WSDL}operation"))
            .items() if count > 1]




@wsi_assertion("R2401", "bindings use the WSDL 1.1 SOAP binding (SOAP 1.1)")
def _soap_binding(model: Model) -> list[str]:
    problems = [f"binding {b.get('name')!r} has no soap:binding"
                for b in model.bindings
                if b.find(f"{SOAP}binding") is None and b.find(f"{SOAP12}binding") is None]
    if not model.soap11_bindings():
        problems.append("no binding uses the SOAP 1.1 binding (SOAP 1.2 is outside BP 1.1)")
    return problems


@wsi_assertion("R2701", "soap:binding has a transport attribute")
def _transport_present(model: Model) -> list[str]:
    return [f"binding {b.get('name')!r}" for b in model.soap11_bindings()
            if not model.soap_binding_of(b).get("transport")]


@wsi_assertion("R2702", "soap:binding transport is SOAP over HTTP")
def _transport_http(model: Model) -> list[str]:
    problems = []
    for binding in model.soap11_bindings():
        transport = model.soap_binding_of(binding).get("transport")
        if transport and transport != ns.SOAP_HTTP_TRANSPORT:
            problems.append(f"binding {binding.get('name')!r} uses transport {transport!r}")
    return problems


@wsi_assertion("R2705", "each binding is wholly document-literal or wholly rpc-literal")
def _one_style(model: Model) -> list[str]:
    styles: dict[str, set[str]] = {}
    for op in model.operations():
        styles.setdefault(op.binding.get("name") or "", set()).add(op.style)
    return [f"binding {name!r} mixes styles {', '.join(sorted(found))}"
            for name, found in styles.items() if len(found) > 1]


@wsi_assertion("R2706", "soap:body, soap:header, soap:headerfault and soap:fault use literal")
def _literal(model: Model) -> list[str]:
    problems = []
    for binding, element in model.soap_parameters():
        use = element.get("use")
        if use is not None and use != "literal":
            op = next(element.iterancestors(f"{WSDL}operation"), None)
            where = op.get("name") if op is not None else binding.get("name")
            problems.append(f"{where}: soap:{etree.QName(element).localname} use={use!r}")
    return problems


@wsi_assertion("R2718", "a binding has the same set of operations as its portType")
def _same_operations(model: Model) -> list[str]:
    problems = []
    for binding in model.soap11_bindings():
        port_type = model.port_type_of(binding)
        if port_type is None:
            problems.append(f"binding {binding.get('name')!r}: portType "
                            f"{binding.get('type')!r} not found")
            continue
        bound = {o.get("name") for o in binding.iterfind(f"{WSDL}operation")}
        abstract = {o.get("name") for o in port_type.iterfind(f"{WSDL}operation")}
        for name in sorted(abstract - bound, key=str):
            problems.append(f"binding {binding.get('name')!r} lacks operation {name!r}")
        for name in sorted(bound - abstract, key=str):
            problems.append(f"binding {binding.get('name')!r} has extra operation {name!r}")
    return problems


@wsi_assertion("R2710", "operations of a binding have distinct wire signatures (body child QNames)")
def _distinct_signatures(model: Model) -> list[str]:
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for op in model.operations():
        signature = _signature(op)
        if signature is None:
            continue  # no abstract operation to take it from: R2718 reports that
        key = (op.binding.get("name") or "", signature)
        if key in seen:
            problems.append(f"{seen[key]!r} and {op.name!r} both send {signature}")
        else:
            seen[key] = op.name
    return problems


def _signature(op: BoundOperation) -> str | None:
    body = next((b for b in op.bodies if b.direction == "input"), None)
    if op.port_operation is None:
        return None
    if op.style == "rpc":
        soap_body = body.soap_body if body is not None else None
        namespace = soap_body.get("namespace", "") if soap_body is not None else ""
        return f"{{{namespace}}}{op.name}"
    parts = body.parts if body else []
    return " ".join(qname(p, p.get("element")) or f"type {p.get('type')}" for p in parts) \
        or "an empty body"
