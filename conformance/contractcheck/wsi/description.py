"""WS-I BP 1.1 assertions on the description as a document: its encoding, its imports
(R2001-R2007) and the order of its top-level elements (R2022, R2023, R2026)."""

from __future__ import annotations

from lxml import etree

from conformance.contractcheck.wsi.model import Model
from conformance.contractcheck.wsi.reader import WSDL, XSD, Element, parent_of, show_tag
from conformance.contractcheck.wsi.registry import wsi_assertion


@wsi_assertion("R4003", "the description is encoded in UTF-8 or UTF-16")
def _encoding(model: Model) -> list[str]:
    encoding = model.description.encoding.upper().replace("_", "-")
    return [] if encoding in ("UTF-8", "UTF-16") else [f"encoding is {encoding}"]


@wsi_assertion("R2001", "wsdl:import imports WSDL descriptions only")
def _wsdl_import_wsdl(model: Model) -> list[str]:
    return [f"wsdl:import of {i.location} reaches {show_tag(i.root_tag)}"
            for i in model.description.imports
            if i.kind == "wsdl" and i.root_tag not in (None, f"{WSDL}definitions",
                                                       f"{XSD}schema")]


@wsi_assertion("R2002", "XML Schemas are imported with xsd:import, not wsdl:import")
def _schema_by_wsdl_import(model: Model) -> list[str]:
    return [f"wsdl:import of {i.location} imports an XML Schema"
            for i in model.description.imports
            if i.kind == "wsdl" and i.root_tag == f"{XSD}schema"]


@wsi_assertion("R2003", "xsd:import is used only inside xsd:schema in wsdl:types")
def _xsd_import_place(model: Model) -> list[str]:
    return [f"xsd:import under {show_tag(parent_of(e).tag)}"
            for d in model.description.definitions
            for e in d.iter(f"{XSD}import")
            if not _in_types_schema(e)]


def _in_types_schema(xsd_import: Element) -> bool:
    schema = parent_of(xsd_import)
    types = schema.getparent()
    return schema.tag == f"{XSD}schema" and types is not None and types.tag == f"{WSDL}types"


@wsi_assertion("R2004", "schemaLocation of xsd:import/include points to an XML Schema document")
def _schema_documents(model: Model) -> list[str]:
    return [f"{i.location}: " + (i.error or f"root is {show_tag(i.root_tag)}")
            for i in model.description.imports
            if i.kind == "xsd" and i.root_tag != f"{XSD}schema"]


@wsi_assertion("R2007", "wsdl:import has a non-empty location attribute")
def _import_location(model: Model) -> list[str]:
    return [f"wsdl:import of namespace {e.get('namespace')!r} has no location"
            for d in model.description.definitions
            for e in d.iterfind(f"{WSDL}import")
            if not (e.get("location") or "").strip()]


def _wsdl_children(definitions: Element) -> list[str]:
    return [etree.QName(c).localname for c in definitions
            if isinstance(c.tag, str) and c.tag.startswith(WSDL)
            and c.tag != f"{WSDL}documentation"]


@wsi_assertion("R2022", "wsdl:import elements precede all other WSDL elements")
def _imports_first(model: Model) -> list[str]:
    problems = []
    for definitions in model.description.definitions:
        names = _wsdl_children(definitions)
        if _after(names, "import"):
            problems.append("a wsdl:import follows another WSDL element")
    return problems


@wsi_assertion("R2023", "wsdl:types precedes all WSDL elements but wsdl:import")
def _types_second(model: Model) -> list[str]:
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


@wsi_assertion("R2026", "no extension element with wsdl:required=\"true\"", level="SHOULD")
def _required_extensions(model: Model) -> list[str]:
    return [f"{show_tag(e.tag)} has wsdl:required={e.get(f'{WSDL}required')}"
            for d in model.description.definitions
            for e in d.iter()
            if e.get(f"{WSDL}required") in ("true", "1")]
