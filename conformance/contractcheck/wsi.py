"""WS-I Basic Profile 1.1 assertions applied to a WSDL 1.1 description.

The checks read the raw description with lxml (hardened: no DTD, no entities, no network
from the parser itself), because they are about how the WSDL is written (``soap:body
use``, parts declared with ``type=`` or ``element=``, ``soapenc:Array`` restrictions),
which a schema-level model hides. Imported WSDL and XSD documents are followed through
``wsdl:import/@location`` and ``xsd:import|include|redefine/@schemaLocation``.

Only SOAP 1.1 bindings are in the scope of BP 1.1; SOAP 1.2 bindings are left alone (the
Profile ignores them, R2401 says so in its details). Each assertion keeps the requirement
number of the Profile as its id, e.g. ``R2204``; ``check_wsi`` runs all of them.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from conformance import ns
from conformance.contract import ContractError, read_source

MAX_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS = 32

_WSDL = f"{{{ns.WSDL11}}}"
_SOAP = f"{{{ns.WSDL_SOAP11}}}"
_SOAP12 = f"{{{ns.WSDL_SOAP12}}}"
_XSD = f"{{{ns.XSD}}}"
_SOAP_PARAMETERS = ("body", "header", "headerfault", "fault")
_ABSOLUTE_URI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")

Element = etree._Element


# Reading the description ------------------------------------------------------------------


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
    if root.tag != f"{_WSDL}definitions":
        raise ContractError(
            f"{where} is not a WSDL 1.1 document (its root element is {_show_tag(root.tag)})"
        )
    description = Description(where, tree.docinfo.encoding or "UTF-8", [root])
    _Follower(description).follow_definitions(root, where)
    return description


def _show_tag(tag: Any) -> str:
    namespace, _, local = str(tag).lstrip("{").rpartition("}")
    return f"{local} in namespace {namespace}" if namespace else f"{local} (no namespace)"


class _Follower:
    """Follows imports from a description, reading each document once."""

    def __init__(self, description: Description) -> None:
        self.description = description
        self.roots: dict[str, Element | None] = {description.source: description.root}

    def follow_definitions(self, root: Element, base: str) -> None:
        for schema in root.iterfind(f"{_WSDL}types/{_XSD}schema"):
            self.add_schema(schema, schema.get("targetNamespace", ""), base, inline=True)
        for wsdl_import in root.iterfind(f"{_WSDL}import"):
            location = (wsdl_import.get("location") or "").strip()
            imported = self.fetch("wsdl", location, base) if location else None
            if imported is None:
                continue
            if imported.tag == f"{_WSDL}definitions":
                self.description.definitions.append(imported)
                self.follow_definitions(imported, _join(base, location))
            elif imported.tag == f"{_XSD}schema":
                self.add_schema(imported, imported.get("targetNamespace", ""),
                                _join(base, location), inline=False)

    def add_schema(self, root: Element, namespace: str, base: str, inline: bool) -> None:
        self.description.schemas.append(Schema(root, namespace, inline))
        for child in root:
            if child.tag not in (f"{_XSD}import", f"{_XSD}include", f"{_XSD}redefine"):
                continue
            location = (child.get("schemaLocation") or "").strip()
            if not location:
                continue
            imported = self.fetch("xsd", location, base)
            if imported is None or imported.tag != f"{_XSD}schema":
                continue
            # a chameleon include takes the namespace of the including schema
            included_ns = imported.get("targetNamespace")
            if included_ns is None:
                included_ns = "" if child.tag == f"{_XSD}import" else namespace
            self.add_schema(imported, included_ns, _join(base, location), inline=False)

    def fetch(self, kind: str, location: str, base: str) -> Element | None:
        """The root of an imported document, or None if it cannot be read or was seen."""
        url = _join(base, location)
        if url in self.roots:  # recorded again (R2002 needs the kind), followed once
            root = self.roots[url]
            self.description.imports.append(Imported(kind, location, _tag(root)))
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


# A model of the SOAP 1.1 bindings ----------------------------------------------------------


def _qname(context: Element, value: str | None) -> str | None:
    """A QName attribute value in Clark notation, resolved in the scope of ``context``."""
    if not value:
        return None
    prefix, _, local = value.strip().rpartition(":")
    namespace = context.nsmap.get(prefix or None, "")
    return f"{{{namespace}}}{local}" if namespace else local


def _namespace(clark: str | None) -> str:
    return clark[1:].split("}", 1)[0] if clark and clark.startswith("{") else ""


@dataclass
class _Body:
    direction: str  # input | output
    soap_body: Element | None
    message: Element | None
    parts: list[Element]  # the parts the soap:body binds (its parts attribute, or all)


@dataclass
class _BoundOperation:
    binding: Element
    name: str
    element: Element  # the wsdl:operation in the binding
    style: str
    port_operation: Element | None
    bodies: list[_Body]

    @property
    def soap_operation(self) -> Element | None:
        return self.element.find(f"{_SOAP}operation")


class _Model:
    """The components of a description, keyed by their qualified names."""

    def __init__(self, description: Description) -> None:
        self.description = description
        self.messages: dict[str, Element] = {}
        self.port_types: dict[str, Element] = {}
        self.bindings: list[Element] = []
        for definitions in description.definitions:
            tns = definitions.get("targetNamespace", "")
            for message in definitions.iterfind(f"{_WSDL}message"):
                self.messages[f"{{{tns}}}{message.get('name')}"] = message
            for port_type in definitions.iterfind(f"{_WSDL}portType"):
                self.port_types[f"{{{tns}}}{port_type.get('name')}"] = port_type
            self.bindings.extend(definitions.iterfind(f"{_WSDL}binding"))

    def soap11_bindings(self) -> list[Element]:
        return [b for b in self.bindings if b.find(f"{_SOAP}binding") is not None]

    def port_type_of(self, binding: Element) -> Element | None:
        return self.port_types.get(_qname(binding, binding.get("type")) or "")

    def operations(self) -> Iterator[_BoundOperation]:
        for binding in self.soap11_bindings():
            default_style = binding.find(f"{_SOAP}binding").get("style") or "document"
            port_type = self.port_type_of(binding)
            for op in binding.iterfind(f"{_WSDL}operation"):
                soap_op = op.find(f"{_SOAP}operation")
                style = (soap_op.get("style") if soap_op is not None else None) or default_style
                port_op = _find_named(port_type, f"{_WSDL}operation", op.get("name"))
                bodies = [self._body(op, port_op, d) for d in ("input", "output")]
                yield _BoundOperation(binding, op.get("name") or "", op, style, port_op,
                                      [b for b in bodies if b is not None])

    def _body(self, op: Element, port_op: Element | None, direction: str) -> _Body | None:
        bound = op.find(f"{_WSDL}{direction}")
        if bound is None:
            return None
        soap_body = bound.find(f"{_SOAP}body")
        abstract = port_op.find(f"{_WSDL}{direction}") if port_op is not None else None
        message = self.message_of(abstract) if abstract is not None else None
        parts = list(message.iterfind(f"{_WSDL}part")) if message is not None else []
        if soap_body is not None and soap_body.get("parts") is not None:
            names = soap_body.get("parts", "").split()
            parts = [p for p in parts if p.get("name") in names]
        return _Body(direction, soap_body, message, parts)

    def message_of(self, reference: Element) -> Element | None:
        return self.messages.get(_qname(reference, reference.get("message")) or "")

    def global_elements(self) -> set[str]:
        return {
            f"{{{s.target_namespace}}}{e.get('name')}" if s.target_namespace else e.get("name")
            for s in self.description.schemas
            for e in s.root.iterfind(f"{_XSD}element")
        }

    def soap_parameters(self) -> Iterator[tuple[Element, Element]]:
        """(binding, soap:body|header|headerfault|fault) for every SOAP 1.1 binding."""
        for binding in self.soap11_bindings():
            for element in binding.iter(*(f"{_SOAP}{n}" for n in _SOAP_PARAMETERS)):
                yield binding, element


def _find_named(parent: Element | None, tag: str, name: str | None) -> Element | None:
    if parent is None:
        return None
    return next((e for e in parent.iterfind(tag) if e.get("name") == name), None)


# Results and the registry -------------------------------------------------------------------


@dataclass(frozen=True)
class WsiResult:
    """The outcome of one WS-I assertion on one description."""

    id: str
    title: str
    level: str  # MUST | SHOULD
    passed: bool
    details: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "passed": self.passed,
            "details": list(self.details),
        }


_Check = Callable[[_Model], list[str]]


@dataclass(frozen=True)
class Assertion:
    id: str
    title: str
    level: str
    check: _Check


ASSERTIONS: dict[str, Assertion] = {}


def _assertion(wsi_id: str, title: str, level: str = "MUST") -> Callable[[_Check], _Check]:
    def register(check: _Check) -> _Check:
        if wsi_id in ASSERTIONS:
            raise ValueError(f"duplicate WS-I assertion {wsi_id}")
        ASSERTIONS[wsi_id] = Assertion(wsi_id, title, level, check)
        return check

    return register


def check_wsi(source: str | Path | Description) -> list[WsiResult]:
    """Apply every WS-I BP 1.1 assertion of :data:`ASSERTIONS` to a description.

    ``source`` is a path, a URL or an already read :class:`Description`. Raises
    :class:`ContractError` if it cannot be read or is not a WSDL 1.1 document.
    """
    description = source if isinstance(source, Description) else read_description(source)
    model = _Model(description)
    results = []
    for assertion in sorted(ASSERTIONS.values(), key=lambda a: a.id):
        problems = assertion.check(model)
        results.append(WsiResult(assertion.id, assertion.title, assertion.level,
                                 not problems, tuple(problems)))
    return results


def failed_must(results: list[WsiResult]) -> list[WsiResult]:
    return [r for r in results if not r.passed and r.level == "MUST"]


# Descriptions and imports -------------------------------------------------------------------


@_assertion("R4003", "the description is encoded in UTF-8 or UTF-16")
def _encoding(model: _Model) -> list[str]:
    encoding = model.description.encoding.upper().replace("_", "-")
    return [] if encoding in ("UTF-8", "UTF-16") else [f"encoding is {encoding}"]


@_assertion("R2001", "wsdl:import imports WSDL descriptions only")
def _wsdl_import_wsdl(model: _Model) -> list[str]:
    return [f"wsdl:import of {i.location} reaches {_show_tag(i.root_tag)}"
            for i in model.description.imports
            if i.kind == "wsdl" and i.root_tag not in (None, f"{_WSDL}definitions",
                                                       f"{_XSD}schema")]


@_assertion("R2002", "XML Schemas are imported with xsd:import, not wsdl:import")
def _schema_by_wsdl_import(model: _Model) -> list[str]:
    return [f"wsdl:import of {i.location} imports an XML Schema"
            for i in model.description.imports
            if i.kind == "wsdl" and i.root_tag == f"{_XSD}schema"]


@_assertion("R2003", "xsd:import is used only inside xsd:schema in wsdl:types")
def _xsd_import_place(model: _Model) -> list[str]:
    return [f"xsd:import under {_show_tag(e.getparent().tag)}"
            for d in model.description.definitions
            for e in d.iter(f"{_XSD}import")
            if e.getparent().tag != f"{_XSD}schema"
            or e.getparent().getparent() is None
            or e.getparent().getparent().tag != f"{_WSDL}types"]


@_assertion("R2004", "schemaLocation of xsd:import/include points to an XML Schema document")
def _schema_documents(model: _Model) -> list[str]:
    return [f"{i.location}: " + (i.error or f"root is {_show_tag(i.root_tag)}")
            for i in model.description.imports
            if i.kind == "xsd" and i.root_tag != f"{_XSD}schema"]


@_assertion("R2007", "wsdl:import has a non-empty location attribute")
def _import_location(model: _Model) -> list[str]:
    return [f"wsdl:import of namespace {e.get('namespace')!r} has no location"
            for d in model.description.definitions
            for e in d.iterfind(f"{_WSDL}import")
            if not (e.get("location") or "").strip()]


def _wsdl_children(definitions: Element) -> list[str]:
    return [etree.QName(c).localname for c in definitions
            if isinstance(c.tag, str) and c.tag.startswith(_WSDL)
            and c.tag != f"{_WSDL}documentation"]


@_assertion("R2022", "wsdl:import elements precede all other WSDL elements")
def _imports_first(model: _Model) -> list[str]:
    problems = []
    for definitions in model.description.definitions:
        names = _wsdl_children(definitions)
        if _after(names, "import"):
            problems.append("a wsdl:import follows another WSDL element")
    return problems


@_assertion("R2023", "wsdl:types precedes all WSDL elements but wsdl:import")
def _types_second(model: _Model) -> list[str]:
    problems = []
    for definitions in model.description.definitions:
        names = [n for n in _wsdl_children(definitions) if n != "import"]
        if _after(names, "types"):
            problems.append("wsdl:types follows another WSDL element")
    return problems


def _after(names: list[str], name: str) -> bool:
    """True if ``name`` appears again after some other element followed it."""
    seen_other = False
    for current in names:
        if current != name:
            seen_other = True
        elif seen_other:
            return True
    return False


@_assertion("R2026", "no extension element with wsdl:required=\"true\"", level="SHOULD")
def _required_extensions(model: _Model) -> list[str]:
    return [f"{_show_tag(e.tag)} has wsdl:required={e.get(f'{_WSDL}required')}"
            for d in model.description.definitions
            for e in d.iter()
            if e.get(f"{_WSDL}required") in ("true", "1")]


# QName references and schemas ----------------------------------------------------------------


@_assertion("R2101", "QName references to WSDL components use defined or imported namespaces")
def _wsdl_references(model: _Model) -> list[str]:
    problems = []
    for definitions in model.description.definitions:
        known = {definitions.get("targetNamespace", "")}
        known |= {e.get("namespace", "") for e in definitions.iterfind(f"{_WSDL}import")}
        references = [(e, "message") for e in definitions.iter(
            f"{_WSDL}input", f"{_WSDL}output", f"{_WSDL}fault", f"{_SOAP}header",
            f"{_SOAP}headerfault") if e.get("message")]
        references += [(e, "type") for e in definitions.iterfind(f"{_WSDL}binding")]
        references += [(e, "binding") for e in definitions.iter(f"{_WSDL}port")]
        for element, attribute in references:
            clark = _qname(element, element.get(attribute))
            if clark and _namespace(clark) not in known:
                problems.append(f"{attribute}={element.get(attribute)!r} is in namespace "
                                f"{_namespace(clark)!r}, neither defined nor imported")
    return problems


@_assertion("R2102", "part element/type references use a namespace the wsdl:types define")
def _schema_references(model: _Model) -> list[str]:
    inline = [s.root for s in model.description.schemas if s.inline]
    known = {ns.XSD} | {s.get("targetNamespace", "") for s in inline}
    known |= {i.get("namespace", "") for s in inline for i in s.iterfind(f"{_XSD}import")}
    problems = []
    for message in model.messages.values():
        for part in message.iterfind(f"{_WSDL}part"):
            for attribute in ("element", "type"):
                clark = _qname(part, part.get(attribute))
                if clark and _namespace(clark) not in known:
                    problems.append(f"part {part.get('name')!r} of message "
                                    f"{message.get('name')!r}: {attribute}="
                                    f"{part.get(attribute)!r} is in an unknown namespace")
    return problems


@_assertion("R2105", "each xsd:schema in wsdl:types has a targetNamespace (unless it only imports)")
def _schema_target_namespace(model: _Model) -> list[str]:
    only_imports = {f"{_XSD}import", f"{_XSD}annotation"}
    return ["an xsd:schema in wsdl:types has no targetNamespace"
            for s in model.description.schemas
            if s.inline and not s.root.get("targetNamespace")
            and not all(c.tag in only_imports for c in s.root if isinstance(c.tag, str))]


def _schema_elements(model: _Model, *tags: str) -> Iterator[Element]:
    for schema in model.description.schemas:
        yield from schema.root.iter(*tags)


@_assertion("R2110", "array declarations do not extend or restrict soapenc:Array")
def _soapenc_array(model: _Model) -> list[str]:
    array = f"{{{ns.SOAP_ENCODING}}}Array"
    return [f"{_owner_name(e)} derives from soapenc:Array"
            for e in _schema_elements(model, f"{_XSD}restriction", f"{_XSD}extension")
            if _qname(e, e.get("base")) == array]


@_assertion("R2111", "array declarations do not use the wsdl:arrayType attribute")
def _wsdl_array_type(model: _Model) -> list[str]:
    return [f"{_owner_name(e)} uses wsdl:arrayType={e.get(f'{_WSDL}arrayType')!r}"
            for e in _schema_elements(model, etree.Element)
            if e.get(f"{_WSDL}arrayType") is not None]


@_assertion("R2112", "array wrapper elements are not named ArrayOfXXX", level="SHOULD")
def _array_of_names(model: _Model) -> list[str]:
    return [f"{etree.QName(e).localname} {e.get('name')!r}"
            for e in _schema_elements(model, f"{_XSD}element", f"{_XSD}complexType")
            if re.match(r"ArrayOf\w+$", e.get("name") or "")]


def _owner_name(element: Element) -> str:
    for ancestor in element.iterancestors(f"{_XSD}complexType", f"{_XSD}simpleType"):
        if ancestor.get("name"):
            return f"type {ancestor.get('name')!r}"
    return "an anonymous type"


@_assertion("R2206", "part element attributes refer to global element declarations")
def _global_elements(model: _Model) -> list[str]:
    declared = model.global_elements()
    return [f"part {p.get('name')!r} of message {m.get('name')!r}: no global element "
            f"{p.get('element')!r}"
            for m in model.messages.values()
            for p in m.iterfind(f"{_WSDL}part")
            if p.get("element") and _qname(p, p.get("element")) not in declared]


@_assertion("R2306", "no wsdl:part has both type and element attributes")
def _part_type_and_element(model: _Model) -> list[str]:
    return [f"part {p.get('name')!r} of message {m.get('name')!r}"
            for m in model.messages.values()
            for p in m.iterfind(f"{_WSDL}part")
            if p.get("type") is not None and p.get("element") is not None]


# Port types -------------------------------------------------------------------------------------


@_assertion("R2303", "no solicit-response or notification operations in a portType")
def _transmission(model: _Model) -> list[str]:
    problems = []
    for port_type in model.port_types.values():
        for op in port_type.iterfind(f"{_WSDL}operation"):
            messages = [c for c in op if c.tag in (f"{_WSDL}input", f"{_WSDL}output")]
            if messages and messages[0].tag == f"{_WSDL}output":
                problems.append(f"operation {op.get('name')!r} starts with its output")
    return problems


@_assertion("R2304", "operations of a portType have distinct names")
def _distinct_operations(model: _Model) -> list[str]:
    return [f"portType {pt.get('name')!r} defines {name!r} {count} times"
            for pt in model.port_types.values()
            for name, count in Counter(o.get("name") for o in pt.iterfind(f"{_WSDL}operation"))
            .items() if count > 1]


# Bindings ----------------------------------------------------------------------------------------


@_assertion("R2401", "bindings use the WSDL 1.1 SOAP binding (SOAP 1.1)")
def _soap_binding(model: _Model) -> list[str]:
    problems = [f"binding {b.get('name')!r} has no soap:binding"
                for b in model.bindings
                if b.find(f"{_SOAP}binding") is None and b.find(f"{_SOAP12}binding") is None]
    if not model.soap11_bindings():
        problems.append("no binding uses the SOAP 1.1 binding (SOAP 1.2 is outside BP 1.1)")
    return problems


@_assertion("R2701", "soap:binding has a transport attribute")
def _transport_present(model: _Model) -> list[str]:
    return [f"binding {b.get('name')!r}" for b in model.soap11_bindings()
            if not b.find(f"{_SOAP}binding").get("transport")]


@_assertion("R2702", "soap:binding transport is SOAP over HTTP")
def _transport_http(model: _Model) -> list[str]:
    problems = []
    for binding in model.soap11_bindings():
        transport = binding.find(f"{_SOAP}binding").get("transport")
        if transport and transport != ns.SOAP_HTTP_TRANSPORT:
            problems.append(f"binding {binding.get('name')!r} uses transport {transport!r}")
    return problems


@_assertion("R2705", "each binding is wholly document-literal or wholly rpc-literal")
def _one_style(model: _Model) -> list[str]:
    styles: dict[str, set[str]] = {}
    for op in model.operations():
        styles.setdefault(op.binding.get("name") or "", set()).add(op.style)
    return [f"binding {name!r} mixes styles {', '.join(sorted(found))}"
            for name, found in styles.items() if len(found) > 1]


@_assertion("R2706", "soap:body, soap:header, soap:headerfault and soap:fault use literal")
def _literal(model: _Model) -> list[str]:
    problems = []
    for binding, element in model.soap_parameters():
        use = element.get("use")
        if use is not None and use != "literal":
            op = next(element.iterancestors(f"{_WSDL}operation"), None)
            where = op.get("name") if op is not None else binding.get("name")
            problems.append(f"{where}: soap:{etree.QName(element).localname} use={use!r}")
    return problems


@_assertion("R2718", "a binding has the same set of operations as its portType")
def _same_operations(model: _Model) -> list[str]:
    problems = []
    for binding in model.soap11_bindings():
        port_type = model.port_type_of(binding)
        if port_type is None:
            problems.append(f"binding {binding.get('name')!r}: portType "
                            f"{binding.get('type')!r} not found")
            continue
        bound = {o.get("name") for o in binding.iterfind(f"{_WSDL}operation")}
        abstract = {o.get("name") for o in port_type.iterfind(f"{_WSDL}operation")}
        for name in sorted(abstract - bound, key=str):
            problems.append(f"binding {binding.get('name')!r} lacks operation {name!r}")
        for name in sorted(bound - abstract, key=str):
            problems.append(f"binding {binding.get('name')!r} has extra operation {name!r}")
    return problems


@_assertion("R2710", "operations of a binding have distinct wire signatures (body child QNames)")
def _distinct_signatures(model: _Model) -> list[str]:
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


def _signature(op: _BoundOperation) -> str | None:
    body = next((b for b in op.bodies if b.direction == "input"), None)
    if op.port_operation is None:
        return None
    if op.style == "rpc":
        soap_body = body.soap_body if body is not None else None
        namespace = soap_body.get("namespace", "") if soap_body is not None else ""
        return f"{{{namespace}}}{op.name}"
    parts = body.parts if body else []
    return " ".join(_qname(p, p.get("element")) or f"type {p.get('type')}" for p in parts) \
        or "an empty body"


def _bodies(model: _Model, style: str) -> Iterator[tuple[_BoundOperation, _Body]]:
    for op in model.operations():
        if op.style == style:
            for body in op.bodies:
                yield op, body


@_assertion("R2201", "a document-literal soap:body lists at most one part")
def _doc_parts_attribute(model: _Model) -> list[str]:
    return [f"{op.name}/{body.direction}: parts={body.soap_body.get('parts')!r}"
            for op, body in _bodies(model, "document")
            if body.soap_body is not None and len(body.soap_body.get("parts", "").split()) > 1]


@_assertion("R2210", "a document-literal message without soap:body parts has at most one part")
def _doc_one_part(model: _Model) -> list[str]:
    return [f"{op.name}/{body.direction}: message {body.message.get('name')!r} has "
            f"{len(body.parts)} parts"
            for op, body in _bodies(model, "document")
            if body.soap_body is not None and body.soap_body.get("parts") is None
            and body.message is not None and len(body.parts) > 1]


@_assertion("R2204", "document-literal bodies bind only parts declared with element=")
def _doc_element_parts(model: _Model) -> list[str]:
    return [f"{op.name}/{body.direction}: part {p.get('name')!r} uses type="
            for op, body in _bodies(model, "document")
            for p in body.parts if p.get("element") is None]


@_assertion("R2203", "rpc-literal bodies bind only parts declared with type=")
def _rpc_type_parts(model: _Model) -> list[str]:
    return [f"{op.name}/{body.direction}: part {p.get('name')!r} uses element="
            for op, body in _bodies(model, "rpc")
            for p in body.parts if p.get("type") is None]


@_assertion("R2205", "soap:header, soap:headerfault and soap:fault bind element= parts")
def _header_fault_parts(model: _Model) -> list[str]:
    problems = []
    for binding, element in model.soap_parameters():
        if element.tag in (f"{_SOAP}header", f"{_SOAP}headerfault"):
            message = model.message_of(element) if element.get("message") else None
            parts = [p for p in (message if message is not None else [])
                     if p.get("name") == element.get("part")]
        elif element.tag == f"{_SOAP}fault":
            parts = _fault_parts(model, binding, element)
        else:
            continue
        problems += [f"{_show_tag(element.tag)} binds part {p.get('name')!r} declared with type="
                     for p in parts if p.get("element") is None]
    return problems


def _fault_parts(model: _Model, binding: Element, soap_fault: Element) -> list[Element]:
    bound_fault = soap_fault.getparent()
    bound_op = bound_fault.getparent()
    port_op = _find_named(model.port_type_of(binding), f"{_WSDL}operation", bound_op.get("name"))
    fault = _find_named(port_op, f"{_WSDL}fault", bound_fault.get("name"))
    message = model.message_of(fault) if fault is not None else None
    return list(message.iterfind(f"{_WSDL}part")) if message is not None else []


@_assertion("R2716", "document-literal soap:body/header/fault have no namespace attribute")
def _doc_no_namespace(model: _Model) -> list[str]:
    problems = []
    for op in model.operations():
        if op.style != "document":
            continue
        for element in op.element.iter(*(f"{_SOAP}{n}" for n in _SOAP_PARAMETERS)):
            if element.get("namespace") is not None:
                problems.append(f"{op.name}: soap:{etree.QName(element).localname} "
                                f"namespace={element.get('namespace')!r}")
    return problems


@_assertion("R2717", "rpc-literal soap:body has an absolute namespace URI")
def _rpc_namespace(model: _Model) -> list[str]:
    return [f"{op.name}/{body.direction}: namespace={body.soap_body.get('namespace')!r}"
            for op, body in _bodies(model, "rpc")
            if body.soap_body is not None
            and not _ABSOLUTE_URI.match(body.soap_body.get("namespace") or "")]


@_assertion("R1014", "children of soap:Body are namespace-qualified elements")
def _qualified_body_children(model: _Model) -> list[str]:
    problems = []
    for op in model.operations():
        for body in op.bodies:
            if op.style == "rpc":
                continue  # the wrapper takes soap:body/@namespace, checked by R2717
            problems += [f"{op.name}/{body.direction}: element {p.get('element')!r} has no "
                         "namespace" for p in body.parts
                         if p.get("element") and not _namespace(_qname(p, p.get("element")))]
    return problems


@_assertion("R2721", "soap:fault elements have a name attribute")
def _fault_name(model: _Model) -> list[str]:
    return [f"soap:fault in operation {e.getparent().getparent().get('name')!r}"
            for _, e in model.soap_parameters()
            if e.tag == f"{_SOAP}fault" and not e.get("name")]


@_assertion("R2754", "soap:fault name matches the name of its wsdl:fault")
def _fault_name_matches(model: _Model) -> list[str]:
    return [f"soap:fault {e.get('name')!r} inside wsdl:fault {e.getparent().get('name')!r}"
            for _, e in model.soap_parameters()
            if e.tag == f"{_SOAP}fault" and e.get("name")
            and e.get("name") != e.getparent().get("name")]


@_assertion("R2711", "no two ports share a soap:address location", level="SHOULD")
def _distinct_addresses(model: _Model) -> list[str]:
    locations = Counter(
        a.get("location")
        for d in model.description.definitions
        for a in d.iterfind(f"{_WSDL}service/{_WSDL}port/{_SOAP}address")
    )
    return [f"{location!r} is used by {count} ports"
            for location, count in locations.items() if count > 1]


@_assertion(
    "R2744",
    "soapAction present, unique per operation, same in every SOAP binding (sent per R2744)",
    level="SHOULD",
)
def _soap_actions(model: _Model) -> list[str]:
    problems = []
    actions: dict[str, dict[str, str]] = {}  # binding -> action -> operation
    for op in model.operations():
        soap_op = op.soap_operation
        action = soap_op.get("soapAction") if soap_op is not None else None
        if not action:
            problems.append(f"{op.name}: no soapAction")
            continue
        by_action = actions.setdefault(op.binding.get("name") or "", {})
        if action in by_action:
            problems.append(f"{by_action[action]!r} and {op.name!r} share soapAction {action!r}")
        by_action[action] = op.name
        problems += _soap12_action_mismatch(model, op, action)
    return problems


def _soap12_action_mismatch(model: _Model, op: _BoundOperation, action: str) -> list[str]:
    problems = []
    for binding in model.bindings:
        same_port_type = binding.get("type") == op.binding.get("type")
        if binding.find(f"{_SOAP12}binding") is None or not same_port_type:
            continue
        other = _find_named(binding, f"{_WSDL}operation", op.name)
        soap12 = other.find(f"{_SOAP12}operation") if other is not None else None
        if soap12 is not None and soap12.get("soapAction", action) != action:
            problems.append(f"{op.name}: soapAction {action!r} in SOAP 1.1 but "
                            f"{soap12.get('soapAction')!r} in SOAP 1.2")
    return problems


__all__ = [
    "ASSERTIONS",
    "Assertion",
    "Description",
    "WsiResult",
    "check_wsi",
    "failed_must",
    "parse_xml",
    "read_description",
]
