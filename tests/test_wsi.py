"""WS-I Basic Profile 1.1 assertions: the canonical WSDL passes all of them; each mutated
copy fails exactly the assertions it should; every assertion can fail.

The diff corpus of ``tests/test_contract_diff.py`` is reused (with its expected WS-I
failures); the mutations below add the ones that only matter to WS-I.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from lxml import etree
from test_contract_diff import (
    CANONICAL_XSD,
    CORPUS,
    NSMAP,
    TNS,
    Case,
    Mutation,
    W,
    X,
    binding_op,
    both,
    case,
    one,
    part_attr,
    replace_namespace,
    set_attr,
    write_contract,
)

from conformance import ns
from conformance.contract import CANONICAL_WSDL, ContractError
from conformance.contractcheck import ASSERTIONS, check_wsi

S = f"{{{ns.WSDL_SOAP11}}}"


# Mutations that only matter to WS-I ---------------------------------------------------------


def first(root: etree._Element, path: str) -> etree._Element:
    return root.xpath(path, namespaces=NSMAP)[0]


def add_inline_schema(root: etree._Element, text: str) -> None:
    schema = etree.fromstring(f'<xsd:schema xmlns:xsd="{ns.XSD}" {text}')
    one(root, "/wsdl:definitions/wsdl:types").append(schema)


def add_fault(soap_fault_name: str | None = "failure", part: str = 'element="tns:logout"'):
    """A wsdl:fault on addMessage, with its message and (optionally named) soap:fault."""

    def mutate(root: etree._Element) -> None:
        message = etree.fromstring(
            f'<wsdl:message xmlns:wsdl="{ns.WSDL11}" xmlns:tns="{TNS}" xmlns:xsd="{ns.XSD}" '
            f'name="failureOut"><wsdl:part name="detail" {part}/></wsdl:message>'
        )
        first(root, "/wsdl:definitions/wsdl:portType").addprevious(message)
        port_op = one(root, "//wsdl:portType/wsdl:operation[@name='addMessage']")
        etree.SubElement(port_op, f"{W}fault", name="failure", message="tns:failureOut")
        bound = etree.SubElement(binding_op(root, "addMessage"), f"{W}fault", name="failure")
        soap_fault = etree.SubElement(bound, f"{S}fault", use="literal")
        if soap_fault_name is not None:
            soap_fault.set("name", soap_fault_name)

    return mutate


def declare_prefix(prefix: str, uri: str) -> Mutation:
    """Declare a namespace prefix on the root (a new root: lxml cannot add one in place)."""

    def mutate(root: etree._Element) -> etree._Element:
        nsmap = {**root.nsmap, prefix: uri}
        new = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
        new.text = root.text
        new.extend(root)
        return new

    return mutate


def insert_first(tag: str, **attributes: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        root.insert(0, etree.Element(tag, **attributes))

    return mutate


def move_types_last(root: etree._Element) -> None:
    types = one(root, "/wsdl:definitions/wsdl:types")
    root.remove(types)
    one(root, "/wsdl:definitions/wsdl:binding").addnext(types)


def append_wsdl_import(location: str | None) -> Mutation:
    def mutate(root: etree._Element) -> None:
        wsdl_import = etree.Element(f"{W}import", namespace="urn:other")
        if location is not None:
            wsdl_import.set("location", location)
        one(root, "/wsdl:definitions/wsdl:types").addprevious(wsdl_import)

    return mutate


def notification_operation(root: etree._Element) -> None:
    port_op = one(root, "//wsdl:portType/wsdl:operation[@name='logout']")
    port_op.remove(port_op.find(f"{W}input"))
    bound = binding_op(root, "logout")
    bound.remove(bound.find(f"{W}input"))


def duplicate_port_type_operation(root: etree._Element) -> None:
    port_op = one(root, "//wsdl:portType/wsdl:operation[@name='logout']")
    port_op.addnext(copy.deepcopy(port_op))


def second_port(root: etree._Element) -> None:
    port = one(root, "//wsdl:service/wsdl:port")
    twin = copy.deepcopy(port)
    twin.set("name", "TicketPort2")
    port.addnext(twin)


def soap12_binding(action_suffix: str = "") -> Mutation:
    """A SOAP 1.2 binding beside the SOAP 1.1 one, as the design welcomes."""

    def mutate(root: etree._Element) -> None:
        binding = one(root, "/wsdl:definitions/wsdl:binding")
        text = etree.tostring(binding).decode()
        text = text.replace(f'"{ns.WSDL_SOAP11}"', f'"{ns.WSDL_SOAP12}"')
        twin = etree.fromstring(text.replace('name="TicketBinding"', 'name="TicketBinding12"'))
        if action_suffix:
            for op in twin.iter(f"{{{ns.WSDL_SOAP12}}}operation"):
                op.set("soapAction", op.get("soapAction") + action_suffix)
        binding.addnext(twin)

    return mutate


WSI_CASES = [
    case("part-with-type-and-element",
         wsdl=part_attr("addMessageIn", type="xsd:string"), wsi=("R2306",)),
    case("notification-operation", wsdl=notification_operation, wsi=("R2303",)),
    case("duplicate-port-type-operation", wsdl=duplicate_port_type_operation, wsi=("R2304",)),
    case("missing-transport", wsdl=set_attr("//wsdl:binding/soap:binding", "transport", None),
         wsi=("R2701",)),
    case("doc-literal-body-namespace",
         wsdl=set_attr("//wsdl:operation[@name='login']/wsdl:input/soap:body", "namespace", TNS),
         wsi=("R2716",)),
    case("fault-ok", wsdl=add_fault()),
    case("unnamed-soap-fault", wsdl=add_fault(None), wsi=("R2721",)),
    case("mismatched-soap-fault", wsdl=add_fault("other"), wsi=("R2754",)),
    case("fault-part-with-type", wsdl=add_fault(part='type="xsd:string"'), wsi=("R2205",)),
    case("missing-global-element",
         wsdl=part_attr("addMessageIn", element="tns:missing"), wsi=("R2206",)),
    case("element-in-unknown-namespace",
         wsdl=both(declare_prefix("other", "urn:other"),
                   part_attr("addMessageIn", element="other:addMessage")),
         wsi=("R2102", "R2206")),
    case("unqualified-body-child",
         wsdl=both(lambda r: add_inline_schema(r, '><xsd:element name="bare"/></xsd:schema>'),
                   part_attr("addMessageIn", element="bare")), wsi=("R1014", "R2105")),
    case("binding-type-in-unknown-namespace",
         wsdl=set_attr("/wsdl:definitions/wsdl:binding", "type", "xsd:TicketPortType"),
         wsi=("R2101", "R2718")),
    case("two-parts-listed", wsdl=set_attr(
        "//wsdl:operation[@name='login']/wsdl:input/soap:body", "parts", "a b"),
        wsi=("R2201",)),
    case("types-after-binding", wsdl=move_types_last, wsi=("R2023",)),
    case("import-after-types", wsdl=lambda r: one(r, "/wsdl:definitions/wsdl:binding").addnext(
        etree.Element(f"{W}import", namespace="urn:other", location="ticket.wsdl")),
        wsi=("R2022",)),
    case("import-without-location", wsdl=append_wsdl_import(None), wsi=("R2007",)),
    case("schema-by-wsdl-import", wsdl=append_wsdl_import("ticket.xsd"), wsi=("R2002",)),
    case("wsdl-import-of-other-xml", wsdl=append_wsdl_import("other.xml"), wsi=("R2001",)),
    case("xsd-import-outside-types",
         wsdl=insert_first(f"{X}import", namespace=TNS), wsi=("R2003",)),
    case("unreadable-schema-location",
         wsdl=set_attr("//wsdl:types/xsd:schema/xsd:import", "schemaLocation", "missing.xsd"),
         wsi=("R2004", "R2206")),
    case("required-extension",
         wsdl=set_attr("//wsdl:binding/soap:binding", f"{W}required", "true"), wsi=("R2026",)),
    case("two-ports-one-address", wsdl=second_port, wsi=("R2711",)),
    case("latin1-encoding", wsi=("R4003",)),  # re-encoded by the fixture
    case("soap12-binding-consistent", wsdl=soap12_binding()),
    case("soap12-binding-other-actions", wsdl=soap12_binding("12"), wsi=("R2744",)),
    case("soap12-only", wsdl=replace_namespace(ns.WSDL_SOAP11, ns.WSDL_SOAP12),
         wsi=("R2401",)),
]


@pytest.fixture(scope="module")
def contracts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("wsi")
    contracts = {}
    for mutation in [*CORPUS, *WSI_CASES]:
        contracts[mutation.name] = write_contract(root / mutation.name, mutation.wsdl,
                                                  mutation.xsd)
    (root / "wsdl-import-of-other-xml" / "other.xml").write_text("<other/>", encoding="utf-8")
    latin1 = contracts["latin1-encoding"]
    etree.parse(str(latin1)).write(str(latin1), encoding="ISO-8859-1", xml_declaration=True)
    return contracts


def failed(source: str | Path) -> set[str]:
    return {r.id for r in check_wsi(source) if not r.passed}


def test_canonical_wsdl_passes_every_assertion() -> None:
    results = check_wsi(CANONICAL_WSDL)
    assert [r.id for r in results if not r.passed] == []
    assert {r.id for r in results} == ASSERTIONS.keys()


def test_assertions_carry_wsi_ids_titles_and_levels() -> None:
    for assertion in ASSERTIONS.values():
        assert re.fullmatch(r"R\d{4}", assertion.id)
        assert assertion.title and assertion.level in ("MUST", "SHOULD")


@pytest.mark.parametrize("mutation", [*CORPUS, *WSI_CASES], ids=lambda c: c.name)
def test_each_mutation_fails_the_expected_assertions(
    mutation: Case, contracts: dict[str, Path]
) -> None:
    assert failed(contracts[mutation.name]) == mutation.wsi_failures


def test_every_assertion_can_fail() -> None:
    caught = set().union(*(c.wsi_failures for c in [*CORPUS, *WSI_CASES]))
    assert caught == ASSERTIONS.keys()


def test_failures_say_where(contracts: dict[str, Path]) -> None:
    (result,) = [r for r in check_wsi(contracts["encoded-use"]) if not r.passed]
    assert result.id == "R2706"
    assert result.details == ("addMessage: soap:body use='encoded'",)
    assert json.loads(json.dumps(result.to_dict()))["passed"] is False


def test_not_a_wsdl_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="not a WSDL 1.1 document"):
        check_wsi(CANONICAL_XSD)
    doctype = tmp_path / "doctype.wsdl"
    doctype.write_text('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', encoding="utf-8")
    with pytest.raises(ContractError, match="DOCTYPE"):
        check_wsi(doctype)
    doctype.write_text(f"<!--{'x' * 5000}--><!DOCTYPE x><x/>", encoding="utf-8")
    with pytest.raises(ContractError, match="DOCTYPE"):  # found after parsing too
        check_wsi(doctype)
    with pytest.raises(ContractError, match="cannot read"):
        check_wsi(tmp_path / "missing.wsdl")
