"""WS-I BP 1.1 assertions on QName references and schemas: namespaces references use
(R2101, R2102), schema target namespaces, arrays (R2110-R2112) and message parts (R2206,
R2306)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from conformance import ns
from conformance.contractcheck.wsi.model import SOAP, Model, namespace_of, qname
from conformance.contractcheck.wsi.reader import WSDL, XSD, Element
from conformance.contractcheck.wsi.registry import wsi_assertion


@wsi_assertion("R2101", "QName references to WSDL components use defined or imported namespaces")
def _wsdl_references(model: Model) -> list[str]:
    problems = []
    for definitions in model.description.definitions:
        known = {definitions.get("targetNamespace", "")}
        known |= {e.get("namespace", "") for e in definitions.iterfind(f"{WSDL}import")}
        references = [(e, "message") for e in definitions.iter(
            f"{WSDL}input", f"{WSDL}output", f"{WSDL}fault", f"{SOAP}header",
            f"{SOAP}headerfault") if e.get("message")]
        references += [(e, "type") for e in definitions.iterfind(f"{WSDL}binding")]
        references += [(e, "binding") for e in definitions.iter(f"{WSDL}port")]
        for element, attribute in references:
            clark = qname(element, element.get(attribute))
            if clark and namespace_of(clark) not in known:
                problems.append(f"{attribute}={element.get(attribute)!r} is in namespace "
                                f"{namespace_of(clark)!r}, neither defined nor imported")
    return problems


@wsi_assertion("R2102", "part element/type references use a namespace the wsdl:types define")
def _schema_references(model: Model) -> list[str]:
    inline = [s.root for s in model.description.schemas if s.inline]
    known = {ns.XSD} | {s.get("targetNamespace", "") for s in inline}
    known |= {i.get("namespace", "") for s in inline for i in s.iterfind(f"{XSD}import")}
    problems = []
    for message in model.messages.values():
        for part in message.iterfind(f"{WSDL}part"):
            for attribute in ("element", "type"):
                clark = qname(part, part.get(attribute))
                if clark and namespace_of(clark) not in known:
                    problems.append(f"part {part.get('name')!r} of message "
                                    f"{message.get('name')!r}: {attribute}="
                                    f"{part.get(attribute)!r} is in an unknown namespace")
    return problems


@wsi_assertion(
    "R2105", "each xsd:schema in wsdl:types has a targetNamespace (unless it only imports)"
)
def _schema_target_namespace(model: Model) -> list[str]:
    only_imports = {f"{XSD}import", f"{XSD}annotation"}
    return ["an xsd:schema in wsdl:types has no targetNamespace"
            for s in model.description.schemas
            if s.inline and not s.root.get("targetNamespace")
            and not all(c.tag in only_imports for c in s.root if isinstance(c.tag, str))]


def _schema_elements(model: Model, *tags: str | Callable[..., Element]) -> Iterator[Element]:
    """The elements of every schema with one of ``tags`` (``etree.Element``: every element)."""
    for schema in model.description.schemas:
        yield from schema.root.iter(*tags)


@wsi_assertion("R2110", "array declarations do not extend or restrict soapenc:Array")
def _soapenc_array(model: Model) -> list[str]:
    array = f"{{{ns.SOAP_ENCODING}}}Array"
    return [f"{_owner_name(e)} derives from soapenc:Array"
            for e in _schema_elements(model, f"{XSD}restriction", f"{XSD}extension")
            if qname(e, e.get("base")) == array]


@wsi_assertion("R2111", "array declarations do not use the wsdl:arrayType attribute")
def _wsdl_array_type(model: Model) -> list[str]:
    return [f"{_owner_name(e)} uses wsdl:arrayType={e.get(f'{WSDL}arrayType')!r}"
            for e in _schema_elements(model, etree.Element)
            if e.get(f"{WSDL}arrayType") is not None]


@wsi_assertion("R2112", "array wrapper elements are not named ArrayOfXXX", level="SHOULD")
def _array_of_names(model: Model) -> list[str]:
    return [f"{etree.QName(e).localname} {e.get('name')!r}"
            for e in _schema_elements(model, f"{XSD}element", f"{XSD}complexType")
            if re.match(r"ArrayOf\w+$", e.get("name") or "")]


def _owner_name(element: Element) -> str:
    for ancestor in element.iterancestors(f"{XSD}complexType", f"{XSD}simpleType"):
        if ancestor.get("name"):
            return f"type {ancestor.get('name')!r}"
    return "an anonymous type"


@wsi_assertion("R2206", "part element attributes refer to global element declarations")
def _global_elements(model: Model) -> list[str]:
    declared = model.global_elements()
    return [f"part {p.get('name')!r} of message {m.get('name')!r}: no global element "
            f"{p.get('element')!r}"
            for m in model.messages.values()
            for p in m.iterfind(f"{WSDL}part")
            if p.get("element") and qname(p, p.get("element")) not in declared]


@wsi_assertion("R2306", "no wsdl:part has both type and element attributes")
def _part_type_and_element(model: Model) -> list[str]:
    return [f"part {p.get('name')!r} of message {m.get('name')!r}"
            for m in model.messages.values()
            for p in m.iterfind(f"{WSDL}part")
            if p.get("type") is not None and p.get("element") is not None]
