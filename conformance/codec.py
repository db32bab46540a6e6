"""The contract's fast path: validate operation bodies with ``lxml.etree.XMLSchema`` built
once from the contract's own XSD, and decode/encode them with lxml by plans compiled once
from the xmlschema model of each wrapper element.

Why: xmlschema validates, decodes and encodes by walking its model for every element of
every message (~200-300 µs a body, TECH-NOTES); libxml2 validates the same body in ~2 µs,
and a compiled plan reads or builds a body in a few µs more. The results are the same as
xmlschema's ``decode(..., strip_namespaces=True)`` and ``encode(..., indent=0)``: the tests
compare both on generated bodies. A plan exists only for the shapes it provably handles
(sequences of elements; string, boolean, integer and base64 leaves; no attributes, defaults,
wildcards or mixed content); for anything else, and for every invalid body (to give
xmlschema's own reason), :class:`~conformance.contract.Contract` falls back to xmlschema.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from lxml import etree

if TYPE_CHECKING:
    from xmlschema.validators import XsdElement

XSD_INTEGER = "{http://www.w3.org/2001/XMLSchema}integer"
_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


class Unsupported(Exception):
    """A body shape, or a value, that the plans leave to xmlschema."""


def _boolean(text: str) -> bool:
    text = text.strip()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Unsupported(text)


def _base64(text: str) -> str:
    return "".join(text.split())


def _encode_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return str(value)
    raise Unsupported(type(value).__name__)


@dataclass(frozen=True)
class Plan:
    """How to read and build one element: a leaf (``convert``) or a sequence (``children``:
    (qualified tag, local name, repeats, plan) in schema order)."""

    tag: str
    convert: Callable[[str], Any] | None = None
    children: tuple[tuple[str, str, bool, Plan], ...] = ()

    # the children by qualified tag, and their names: looked up for every element read or
    # built, so computed once (the plan is frozen, hence object.__setattr__)
    by_tag: dict[str, tuple[str, bool, Plan]] = field(
        init=False, repr=False, compare=False, default_factory=dict)
    names: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_tag", {
            tag: (name, repeats, plan) for tag, name, repeats, plan in self.children})
        object.__setattr__(self, "names", frozenset(
            name for _tag, name, _r, _p in self.children))

    # decoding (the body is already valid) ---------------------------------------------
    def decode(self, element: etree._Element) -> Any:
        if element.attrib:
            raise Unsupported("attributes")
        if self.convert is not None:
            if len(element):  # comments or PIs inside a leaf
                raise Unsupported("leaf with children")
            text = element.text
            return None if not text else self.convert(text)
        if not len(element):
            return None
        by_tag = self.by_tag
        result: dict[str, Any] = {}
        for child in element:
            entry = by_tag.get(child.tag) if isinstance(child.tag, str) else None
            if entry is None:
                raise Unsupported("comment, PI or unexpected element")
            name, repeats, plan = entry
            value = plan.decode(child)
            if repeats:
                result.setdefault(name, []).append(value)
            else:
                result[name] = value
        return result

    # encoding (validated afterwards) ---------------------------------------------------
    def build(self, value: Any, nsmap: dict[str | None, str] | None = None) -> etree._Element:
        element = etree.Element(self.tag, nsmap=nsmap)
        self.fill(element, value)
        return element

    def fill(self, element: etree._Element, value: Any) -> None:
        if self.convert is not None:
            if value is not None:
                element.text = _encode_value(value)
            return
        if value is None or value == {}:
            return
        if not isinstance(value, dict):
            raise Unsupported("a sequence needs a dict")
        known = self.names
        if any(key not in known for key in value):
            raise Unsupported("unknown key")
        element.text = "\n"
        for tag, name, repeats, plan in self.children:
            if name not in value:
                continue
            values = value[name]
            if not repeats:
                values = [values]
            elif not isinstance(values, list | tuple):
                raise Unsupported("a repeated element needs a list")
            if plan.convert is not None:  # leaves (lists of ids): no call per item
                for item in values:
                    child = etree.SubElement(element, tag)
                    if item is not None:
                        child.text = item if type(item) is str else _encode_value(item)
                    child.tail = "\n"
                continue
            for item in values:
                child = etree.SubElement(element, tag)
                plan.fill(child, item)
                child.tail = "\n"


def compile_plan(xsd_element: XsdElement) -> Plan:
    """The plan of an element, or :class:`Unsupported` for a shape left to xmlschema."""
    from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup

    if xsd_element.default is not None or xsd_element.fixed is not None:
        raise Unsupported("default or fixed value")
    if xsd_element.nillable:
        raise Unsupported("nillable")
    xsd_type = xsd_element.type
    if not isinstance(xsd_type, XsdComplexType):  # a simple type
        return Plan(xsd_element.name, convert=_leaf_converter(xsd_type))
    if (xsd_type.attributes or xsd_type.mixed or xsd_type.has_simple_content()
            or not xsd_type.is_element_only()):
        raise Unsupported("complex type with attributes, mixed or simple content")
    group = xsd_type.content
    if not isinstance(group, XsdGroup):  # element-only content is a group
        raise Unsupported("complex type with attributes, mixed or simple content")
    if group.model != "sequence" or group.max_occurs != 1 or group.min_occurs != 1:
        raise Unsupported("not a plain sequence")
    children = []
    for particle in group:
        if not isinstance(particle, XsdElement) or particle.ref is not None:
            raise Unsupported("nested group, wildcard or element reference")
        repeats = particle.max_occurs is None or particle.max_occurs > 1
        children.append((particle.name, particle.local_name, repeats, compile_plan(particle)))
    return Plan(xsd_element.name, children=tuple(children))


def _leaf_converter(xsd_type: Any) -> Callable[[str], Any]:
    if not getattr(xsd_type, "is_atomic", lambda: False)():
        raise Unsupported("list or union type")
    primitive = xsd_type.primitive_type.local_name
    white_space = getattr(xsd_type, "white_space", None)
    if primitive == "string" and white_space in (None, "preserve"):
        return str
    if primitive == "boolean":
        return _boolean
    if primitive == "base64Binary":
        return _base64
    if primitive == "decimal" and xsd_type.is_derived(
            xsd_type.maps.types[XSD_INTEGER]):
        return lambda text: int(text.strip())
    raise Unsupported(f"type {primitive}")


class Validator:
    """lxml XMLSchema validation of elements declared by the contract's types schema, one
    compiled schema per thread (libxml2 validation contexts are not shared)."""

    def __init__(self, schema_root: etree._Element, base_url: str | None) -> None:
        self._bytes = etree.tostring(schema_root)
        self._base_url = base_url
        self._local = threading.local()
        self._schema()  # compile now: an unusable schema fails at start, not per call

    def _schema(self) -> etree.XMLSchema:
        schema = getattr(self._local, "schema", None)
        if schema is None:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            root = etree.fromstring(self._bytes, parser=parser, base_url=self._base_url)
            schema = self._local.schema = etree.XMLSchema(root)
        return schema

    def valid(self, element: etree._Element) -> bool:
        return bool(self._schema().validate(element))


def schema_validator(types_schema: Any, wsdl_root: etree._Element | None) -> Validator:
    """A validator for the contract's types schema: the XSD file it came from, or the
    ``<xsd:schema>`` embedded in the WSDL (copied onto a root that carries the WSDL's
    namespace declarations, as TECH-NOTES says)."""
    url = getattr(types_schema, "url", None)
    namespace = types_schema.target_namespace
    if url and not url.endswith((".wsdl", "?wsdl")):
        path = _local_path(url)
        tree = etree.parse(path, etree.XMLParser(resolve_entities=False, no_network=True))
        return Validator(tree.getroot(), path)
    if wsdl_root is not None:
        for node in wsdl_root.iter("{http://www.w3.org/2001/XMLSchema}schema"):
            if node.get("targetNamespace") == namespace:
                nsmap = {**wsdl_root.nsmap, **node.nsmap}
                copy = etree.Element(node.tag, attrib=dict(node.attrib), nsmap=nsmap)
                copy.extend(etree.fromstring(etree.tostring(node)))
                return Validator(copy, wsdl_root.getroottree().docinfo.URL)
    raise Unsupported("the types schema is neither a file nor embedded in the WSDL")


def _local_path(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    if parsed.scheme in ("", None):
        return str(Path(url))
    raise Unsupported("remote schema")
