"""Reading a WSDL 1.1 description as written, with the documents it imports.

The WS-I assertions are about how a description is written, which a schema-level model
hides, so it is read with lxml: hardened (no DTD, no entities, no network from the parser
itself, a size limit), following ``wsdl:import/@location`` and
``xsd:import|include|redefine/@schemaLocation`` up to :data:`MAX_DOCUMENTS` documents.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from conformance import ns
from conformance.contract import ContractError, read_source

MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 32

WSDL = f"{{{ns.WSDL11}}}"
XSD = f"{{{ns.XSD}}}"

Element = etree._Element


@dataclass
class Imported:
    """A document reached through an import: what imported it, and what it turned out to be."""

    kind: str  # "wsdl" (wsdl:import) or "xsd" (xsd:import, include or redefine)
    location: str
    root_tag: str | None  # None: it could not be read or parsed
    error: str = ""


@dataclass
class Schema:
    """An XML Schema document of the description: inline in wsdl:types, or imported."""

    root: Element
    target_namespace: str
    inline: bool


@dataclass
class Description:
    """A WSDL 1.1 description as written: its definitions, schemas and imports."""

    source: str
    encoding: str
    definitions: list[Element]
    schemas: list[Schema] = field(default_factory=list)
    imports: list[Imported] = field(default_factory=list)

    @property
    def root(self) -> Element:
        return self.definitions[0]


def parse_xml(raw: bytes, where: str) -> etree._ElementTree:
    """Parse bytes with a hardened parser; refuse DOCTYPEs and oversized documents."""
    if len(raw) > MAX_BYTES:
        raise ContractError(f"{where} is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if re.search(rb"<!DOCTYPE", raw[:4096], re.IGNORECASE):
        raise ContractError(f"{where} has a DOCTYPE, which is refused")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        tree = etree.fromstring(raw, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        raise ContractError(f"{where} is not well-formed XML: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ContractError(f"{where} has a DOCTYPE, which is refused")
    return tree


def read_description(source: str | Path) -> Description:
    """Read a WSDL 1.1 description (path or URL) and the documents it imports.

    Raises :class:`ContractError` if the source cannot be read, is not XML, or its root is
    not ``wsdl:definitions``.
    """
    where = str(source)
    tree = parse_xml(read_source(source), where)
    root = tree.getroot()
    if root.tag != f"{WSDL}definitions":
        raise ContractError(
            f"{where} is not a WSDL 1.1 document (its root element is {show_tag(root.tag)})"
        )
    description = Description(where, tree.docinfo.encoding or "UTF-8", [root])
    _Follower(description).follow_definitions(root, where)
    return description


def parent_of(element: Element) -> Element:
    """The parent of an element found below another one (so it has one)."""
    parent = element.getparent()
    if parent is None:
        raise ValueError(f"{show_tag(element.tag)} has no parent element")
    return parent


def show_tag(tag: Any) -> str:
    namespace, _, local = str(tag).lstrip("{").rpartition("}")
    return f"{local} in namespace {namespace}" if namespace else f"{local} (no namespace)"


class _Follower:
    """Follows imports from a description, reading each document once."""

    def __init__(self, description: Description) -> None:
        self.description = description
        self.roots: dict[str, Element | None] = {description.source: description.root}

    def follow_definitions(self, root: Element, base: str) -> None:
        for schema in root.iterfind(f"{WSDL}types/{XSD}schema"):
            self.add_schema(schema, schema.get("targetNamespace", ""), base, inline=True)
        for wsdl_import in root.iterfind(f"{WSDL}import"):
            location = (wsdl_import.get("location") or "").strip()
            imported = self.fetch("wsdl", location, base) if location else None
            if imported is None:
                continue
            if imported.tag == f"{WSDL}definitions":
                self.description.definitions.append(imported)
                self.follow_definitions(imported, _join(base, location))
            elif imported.tag == f"{XSD}schema":
                self.add_schema(imported, imported.get("targetNamespace", ""),
                                _join(base, location), inline=False)

    def add_schema(self, root: Element, namespace: str, base: str, inline: bool) -> None:
        self.description.schemas.append(Schema(root, namespace, inline))
        for child in root:
            if child.tag not in (f"{XSD}import", f"{XSD}include", f"{XSD}redefine"):
                continue
            location = (child.get("schemaLocation") or "").strip()
            if not location:
                continue
            imported = self.fetch("xsd", location, base)
            if imported is None or imported.tag != f"{XSD}schema":
                continue
            # a chameleon include takes the namespace of the including schema
            included_ns = imported.get("targetNamespace")
            if included_ns is None:
                included_ns = "" if child.tag == f"{XSD}import" else namespace
            self.add_schema(imported, included_ns, _join(base, location), inline=False)

    def fetch(self, kind: str, location: str, base: str) -> Element | None:
        """The root of an imported document, or None if it cannot be read or was seen."""
        url = _join(base, location)
        if url in self.roots:  # recorded again (R2002 needs the kind), followed once
            seen = self.roots[url]
            self.description.imports.append(Imported(kind, location, _tag(seen)))
            return None
        if len(self.roots) >= MAX_DOCUMENTS:
            return None
        try:
            root: Element | None = parse_xml(read_source(url), url).getroot()
        except ContractError as exc:
            root = None
            self.description.imports.append(Imported(kind, location, None, str(exc)))
        else:
            self.description.imports.append(Imported(kind, location, _tag(root)))
        self.roots[url] = root
        return root


def _tag(root: Element | None) -> str | None:
    return None if root is None else str(root.tag)


def _join(base: str, location: str) -> str:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+:", location) and not re.match(r"^[a-zA-Z]:\\", location):
        return location
    if re.match(r"^(https?|file)://", base):
        return urllib.parse.urljoin(base, location)
    return str(Path(base).parent / location)
