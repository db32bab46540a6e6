"""``conformance diff``: a corpus of mutated copies of the canonical WSDL/XSD, each with one
change, each classified right (breaking or compatible, request or response side); the CLI's
output, JSON, exit codes and usage errors; and a target WSDL fetched over HTTP.

The mutations are made here with lxml; ``tests/test_wsi.py`` reuses them to check that the
expected WS-I assertion fails.
"""

from __future__ import annotations

import copy
import http.server
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree
from xmlschema.extras.wsdl import Wsdl11Document

from conformance import ns
from conformance.cli import main
from conformance.contract import CANONICAL_WSDL, ContractError
from conformance.contractcheck import KINDS, check_contract, diff_contracts
from conformance.contractcheck.diff import load_wsdl

CANONICAL_XSD = CANONICAL_WSDL.with_name("ticket.xsd")
TNS = ns.TICKET
NSMAP = {"wsdl": ns.WSDL11, "soap": ns.WSDL_SOAP11, "xsd": ns.XSD}
X = f"{{{ns.XSD}}}"
W = f"{{{ns.WSDL11}}}"

Mutation = Callable[[etree._Element], "etree._Element | None"]
"""Changes a document in place, or returns a new root element."""


# Building mutated contracts ---------------------------------------------------------------


def write_contract(
    directory: Path, wsdl: Mutation | None = None, xsd: Mutation | None = None
) -> Path:
    """Copy the canonical WSDL and XSD into ``directory``, applying the mutations."""
    directory.mkdir(parents=True, exist_ok=True)
    for source, mutate in ((CANONICAL_WSDL, wsdl), (CANONICAL_XSD, xsd)):
        root = etree.parse(str(source)).getroot()
        if mutate is not None:
            result = mutate(root)
            root = root if result is None else result
        root.getroottree().write(str(directory / source.name), xml_declaration=True,
                                 encoding="UTF-8")
    return directory / CANONICAL_WSDL.name


def one(root: etree._Element, path: str) -> etree._Element:
    found = root.xpath(path, namespaces=NSMAP)
    assert len(found) == 1, f"{path} matched {len(found)} elements"
    return found[0]


def child(root: etree._Element, wrapper: str, name: str) -> etree._Element:
    """A child element declaration of an operation wrapper element (or named type)."""
    return one(root, f"/xsd:schema/*[@name='{wrapper}']//xsd:element[@name='{name}']")


def set_attr(path: str, attribute: str, value: str | None) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = one(root, path)
        if value is None:
            del element.attrib[attribute]
        else:
            element.set(attribute, value)

    return mutate


def set_child(wrapper: str, name: str, /, **attributes: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = child(root, wrapper, name)
        for key, value in attributes.items():
            element.set(key, value)

    return mutate


def add_child(wrapper: str, name: str, after: str | None = None, **attributes: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        sequence = one(root, f"/xsd:schema/*[@name='{wrapper}']//xsd:sequence")
        new = etree.Element(f"{X}element", name=name, type="xsd:string", **attributes)
        if after is None:
            sequence.append(new)
        else:
            child(root, wrapper, after).addnext(new)

    return mutate


def restrict(wrapper: str, name: str, base: str, facets: list[tuple[str, str]]) -> Mutation:
    """Replace the element's type attribute by an anonymous restriction with facets."""

    def mutate(root: etree._Element) -> None:
        element = child(root, wrapper, name)
        del element.attrib["type"]
        simple = etree.SubElement(element, f"{X}simpleType")
        restriction = etree.SubElement(simple, f"{X}restriction", base=base)
        for facet, value in facets:
            etree.SubElement(restriction, f"{X}{facet}", value=value)

    return mutate


def binding_op(root: etree._Element, name: str) -> etree._Element:
    return one(root, f"/wsdl:definitions/wsdl:binding/wsdl:operation[@name='{name}']")


def remove_operation(name: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        for path in (
            f"/wsdl:definitions/wsdl:binding/wsdl:operation[@name='{name}']",
            f"/wsdl:definitions/wsdl:portType/wsdl:operation[@name='{name}']",
            f"/wsdl:definitions/wsdl:message[@name='{name}In' or @name='{name}Out']",
        ):
            for element in root.xpath(path, namespaces=NSMAP):
                root.remove(element) if element.getparent() is root else \
                    element.getparent().remove(element)

    return mutate


def remove_binding_operation(name: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        element = binding_op(root, name)
        element.getparent().remove(element)

    return mutate


def copy_operation(name: str, new: str) -> Mutation:
    """WSDL side of a new operation ``new``: messages and binding copied from ``name``, the
    parts referencing the elements that :func:`copy_elements` declares."""

    def mutate(root: etree._Element) -> None:
        for suffix, element in (("In", new), ("Out", f"{new}Response")):
            message = copy.deepcopy(
                one(root, f"/wsdl:definitions/wsdl:message[@name='{name}{suffix}']"))
            message.set("name", f"{new}{suffix}")
            message.find(f"{W}part").set("element", f"tns:{element}")
            root.find(f"{W}portType").addprevious(message)
        port_op = copy.deepcopy(one(root, f"//wsdl:portType/wsdl:operation[@name='{name}']"))
        port_op.set("name", new)
        port_op.find(f"{W}input").set("message", f"tns:{new}In")
        port_op.find(f"{W}output").set("message", f"tns:{new}Out")
        root.find(f"{W}portType").append(port_op)
        bound = copy.deepcopy(binding_op(root, name))
        bound.set("name", new)
        bound.find(f"{{{ns.WSDL_SOAP11}}}operation").set("soapAction", f"{TNS}#{new}")
        root.find(f"{W}binding").append(bound)

    return mutate


def copy_elements(name: str, new: str) -> Mutation:
    """XSD side of a new operation: wrapper elements copied from those of ``name``."""

    def mutate(root: etree._Element) -> None:
        for suffix in ("", "Response"):
            element = copy.deepcopy(one(root, f"/xsd:schema/xsd:element[@name='{name}{suffix}']"))
            element.set("name", f"{new}{suffix}")
            root.append(element)

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(root: etree._Element) -> etree._Element:
        for mutation in mutations:
            result = mutation(root)
            root = root if result is None else result
        return root

    return mutate


def replace_namespace(old: str, new: str) -> Mutation:
    """Replace a namespace URI everywhere (declarations too): a new root is returned."""

    def mutate(root: etree._Element) -> etree._Element:
        return etree.fromstring(etree.tostring(root).replace(old.encode(), new.encode()))

    return mutate


def rpc_style(only: str | None = None) -> Mutation:
    def mutate(root: etree._Element) -> None:
        if only is None:
            one(root, "//wsdl:binding/soap:binding").set("style", "rpc")
        for op in root.xpath("//wsdl:binding/wsdl:operation/soap:operation", namespaces=NSMAP):
            if only is None or op.getparent().get("name") == only:
                op.set("style", "rpc")

    return mutate


def rpc_binding_default(root: etree._Element) -> None:
    """rpc on soap:binding only: the operations inherit it (WSDL 1.1 section 3.4)."""
    one(root, "//wsdl:binding/soap:binding").set("style", "rpc")
    for op in root.xpath("//wsdl:binding/wsdl:operation/soap:operation", namespaces=NSMAP):
        del op.attrib["style"]


def soapenc_array(root: etree._Element) -> None:
    """attachmentIds of addMessage becomes an ArrayOfString restricting soapenc:Array."""
    soapenc = ns.SOAP_ENCODING
    root.insert(0, etree.Element(f"{X}import", namespace=soapenc))
    array = etree.fromstring(
        f'<xsd:complexType xmlns:xsd="{ns.XSD}" xmlns:soapenc="{soapenc}" '
        f'xmlns:wsdl="{ns.WSDL11}" name="ArrayOfString"><xsd:complexContent>'
        '<xsd:restriction base="soapenc:Array">'
        '<xsd:attribute ref="soapenc:arrayType" wsdl:arrayType="xsd:string[]"/>'
        "</xsd:restriction></xsd:complexContent></xsd:complexType>"
    )
    root.insert(1, array)
    child(root, "addMessage", "attachmentIds").set("type", "tns:ArrayOfString")


def encoded_use(root: etree._Element) -> None:
    body = binding_op(root, "addMessage").find(f"{W}input/{{{ns.WSDL_SOAP11}}}body")
    body.set("use", "encoded")
    body.set("encodingStyle", ns.SOAP_ENCODING)


def enumeration(remove: str | None = None, add: str | None = None) -> Mutation:
    def mutate(root: etree._Element) -> None:
        restriction = one(root, "/xsd:schema/xsd:simpleType[@name='FieldType']/xsd:restriction")
        if remove:
            restriction.remove(one(restriction, f"xsd:enumeration[@value='{remove}']"))
        if add:
            etree.SubElement(restriction, f"{X}enumeration", value=add)

    return mutate


def swap_children(wrapper: str, first: str, second: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        a, b = child(root, wrapper, first), child(root, wrapper, second)
        b.addnext(copy.deepcopy(a))
        a.getparent().remove(a)

    return mutate


def add_wildcard(root: etree._Element) -> None:
    sequence = one(root, "/xsd:schema/xsd:element[@name='addMessage']//xsd:sequence")
    etree.SubElement(sequence, f"{X}any", namespace="##other", minOccurs="0",
                     processContents="lax")


def choice_string_list(root: etree._Element) -> None:
    sequence = one(root, "/xsd:schema/xsd:complexType[@name='StringList']/xsd:sequence")
    sequence.tag = f"{X}choice"


def part_attr(message: str, /, **attributes: str | None) -> Mutation:
    def mutate(root: etree._Element) -> None:
        part = one(root, f"/wsdl:definitions/wsdl:message[@name='{message}']/wsdl:part")
        for key, value in attributes.items():
            if value is None:
                del part.attrib[key]
            else:
                part.set(key, value)

    return mutate


def add_part(message: str, name: str, element: str) -> Mutation:
    def mutate(root: etree._Element) -> None:
        parent = one(root, f"/wsdl:definitions/wsdl:message[@name='{message}']")
        etree.SubElement(parent, f"{W}part", name=name, element=element)

    return mutate


def soap_action(operation: str, value: str | None) -> Mutation:
    return set_attr(
        f"/wsdl:definitions/wsdl:binding/wsdl:operation[@name='{operation}']/soap:operation",
        "soapAction", value)


# The corpus ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One mutation; the differences it must produce; the WS-I assertions it must fail."""

    name: str
    wsdl: Mutation | None = None
    xsd: Mutation | None = None
    expected: frozenset[tuple[str, str, bool]] = frozenset()  # (kind, path, breaking)
    breaking: bool = True
    exact: bool = True  # the expected differences are all the differences
    wsi_failures: frozenset[str] = field(default_factory=frozenset)


def case(name: str, *expected: tuple[str, str, bool], wsdl: Mutation | None = None,
         xsd: Mutation | None = None, breaking: bool | None = None, exact: bool = True,
         wsi: tuple[str, ...] = ()) -> Case:
    verdict = any(e[2] for e in expected) if breaking is None else breaking
    return Case(name, wsdl, xsd, frozenset(expected), verdict, exact, frozenset(wsi))


AM = "addMessage/input"
CORPUS = [
    case("removed-operation", ("operation-removed", "getReplyTemplate", True),
         wsdl=remove_operation("getReplyTemplate")),
    case("removed-binding-operation", ("operation-removed", "getReplyTemplate", True),
         wsdl=remove_binding_operation("getReplyTemplate"), wsi=("R2718",)),
    case("added-operation", ("operation-added", "addMessage4", False),
         wsdl=copy_operation("addMessage", "addMessage4"),
         xsd=copy_elements("addMessage", "addMessage4")),
    case("renamed-part", ("part-renamed", AM, False),
         wsdl=part_attr("addMessageIn", name="body")),
    case("renamed-element", ("element-renamed", f"{AM}/messageBody", True),
         xsd=set_child("addMessage", "messageBody", name="body")),
    case("narrowed-type-string-to-int", ("type-narrowed", f"{AM}/ticketId", True),
         xsd=set_child("addMessage", "ticketId", type="xsd:int")),
    case("narrowed-type-added-maxLength", ("facet-narrowed", f"{AM}/messageBody", True),
         xsd=restrict("addMessage", "messageBody", "xsd:string", [("maxLength", "4000")])),
    case("narrowed-type-added-pattern", ("facet-narrowed", f"{AM}/sessionKey", True),
         xsd=restrict("addMessage", "sessionKey", "xsd:string", [("pattern", "[0-9a-f]+")])),
    case("widened-request-type", ("type-widened", f"{AM}/sendNotification", False),
         xsd=set_child("addMessage", "sendNotification", type="xsd:string")),
    case("widened-response-type",
         ("type-widened", "getUserNotifications/output/userNotifications/item/type", True),
         xsd=set_child("UserNotification", "type", type="xsd:long")),
    case("narrowed-response-bounds",
         ("facet-narrowed", "getUserNotifications/output/userNotifications/item/type", False),
         xsd=restrict("UserNotification", "type", "xsd:int", [("minInclusive", "0")])),
    case("added-optional-element", ("optional-element-added", f"{AM}/priority", False),
         xsd=add_child("addMessage", "priority", minOccurs="0")),
    case("added-required-request-element", ("required-element-added", f"{AM}/priority", True),
         xsd=add_child("addMessage", "priority", after="ticketId")),
    case("added-required-response-element",
         ("required-element-added", "addMessage/output/created", False),
         xsd=add_child("addMessageResponse", "created")),
    case("changed-request-occurs", ("occurs-changed", f"{AM}/ticketId", True),
         xsd=set_child("addMessage", "ticketId", minOccurs="2", maxOccurs="2")),
    case("narrowed-response-occurs", ("occurs-narrowed", "addMessage/output/messageId", False),
         xsd=set_child("addMessageResponse", "messageId", minOccurs="1")),
    case("widened-request-occurs", ("occurs-widened", f"{AM}/attachmentIds", False),
         xsd=set_child("addMessage", "attachmentIds", minOccurs="0")),
    case("widened-response-occurs", ("occurs-widened", "addMessage/output/errorCode", True),
         xsd=set_child("addMessageResponse", "errorCode", minOccurs="0")),
    case("narrowed-list-occurs-both-sides",
         ("occurs-narrowed", f"{AM}/attachmentIds/item", True),
         ("occurs-narrowed", "getTicket/output/messageIds/item", False),
         xsd=set_child("StringList", "item", maxOccurs="10"), exact=False),
    case("changed-namespace", ("namespace-changed", "definitions", True),
         ("namespace-changed", "login/input", True),
         wsdl=replace_namespace(TNS, "urn:vendor:ticket"),
         xsd=replace_namespace(TNS, "urn:vendor:ticket")),
    case("unqualified-children", ("namespace-changed", "login/input/userName", True),
         xsd=set_attr("/xsd:schema", "elementFormDefault", "unqualified")),
    case("rpc-style", ("style-changed", "addMessage", True), wsdl=rpc_style(),
         exact=False, wsi=("R2203", "R2717")),
    case("rpc-style-inherited", ("style-changed", "addMessage", True), wsdl=rpc_binding_default,
         exact=False, wsi=("R2203", "R2717")),
    case("rpc-style-one-operation", ("style-changed", "addMessage", True),
         wsdl=rpc_style("addMessage"), wsi=("R2203", "R2705", "R2717")),
    case("soapenc-array", ("element-removed", f"{AM}/attachmentIds/item", True),
         xsd=soapenc_array, exact=False, wsi=("R2110", "R2111", "R2112")),
    case("changed-soap-action", ("soap-action-changed", "addMessage", True),
         wsdl=soap_action("addMessage", "urn:vendor#addMessage")),
    case("removed-soap-action", ("soap-action-changed", "addMessage", True),
         wsdl=soap_action("addMessage", None), wsi=("R2744",)),
    case("duplicate-soap-action", ("soap-action-changed", "addMessage2", True),
         wsdl=soap_action("addMessage2", f"{TNS}#addMessage"), wsi=("R2744",)),
    case("encoded-use", ("use-changed", AM, True), wsdl=encoded_use, wsi=("R2706",)),
    case("narrowed-response-enumeration",
         ("enumeration-narrowed", "getTicket/output/ticketResult/item/type", False),
         ("enumeration-narrowed", "getMessage/output/messageResult/item/type", False),
         xsd=enumeration(remove="TypeUserId")),
    case("widened-response-enumeration",
         ("enumeration-widened", "getTicket/output/ticketResult/item/type", True),
         ("enumeration-widened", "getMessage/output/messageResult/item/type", True),
         xsd=enumeration(add="TypeJson")),
    case("part-with-type", ("part-kind-changed", AM, True), ("type-changed", AM, True),
         wsdl=part_attr("addMessageIn", element=None, type="xsd:string"), wsi=("R2204",)),
    case("two-parts", ("part-added", f"{AM}/extra", True),
         wsdl=add_part("addMessageIn", "extra", "tns:logout"), wsi=("R2210",)),
    case("smtp-transport", ("transport-changed", "binding", True),
         wsdl=set_attr("//wsdl:binding/soap:binding", "transport",
                       "http://schemas.xmlsoap.org/soap/smtp"), wsi=("R2702",)),
    case("duplicate-wrapper", ("message-element-changed", "addMessage2/input", True),
         wsdl=part_attr("addMessage2In", element="tns:addMessage"), exact=False,
         wsi=("R2710",)),
    case("reordered-children", ("order-changed", AM, True),
         xsd=swap_children("addMessage", "sessionKey", "messageBody")),
    case("nillable-request-element", ("nillable-widened", f"{AM}/messageBody", False),
         xsd=set_child("addMessage", "messageBody", nillable="true")),
    case("wildcard-in-request", ("wildcard-added", AM, False), xsd=add_wildcard),
    case("sequence-became-choice", ("model-changed", f"{AM}/attachmentIds", True),
         xsd=choice_string_list, exact=False),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every mutated contract, written once per module into its own directory."""
    root = tmp_path_factory.mktemp("corpus")
    return {c.name: write_contract(root / c.name, c.wsdl, c.xsd) for c in CORPUS}


@pytest.fixture(scope="module")
def canonical() -> Wsdl11Document:
    """The canonical contract, loaded once: a loaded document is a valid diff source."""
    return load_wsdl(CANONICAL_WSDL)


@pytest.mark.parametrize("mutation", CORPUS, ids=lambda c: c.name)
def test_each_mutation_is_classified(
    mutation: Case, canonical: Wsdl11Document, corpus: dict[str, Path]
) -> None:
    report = diff_contracts(canonical, corpus[mutation.name])
    found = {(d.kind, d.path, d.breaking) for d in report.differences}
    if mutation.exact:
        assert found == mutation.expected
    else:
        assert mutation.expected <= found
    assert report.breaking is mutation.breaking
    assert {d.kind for d in report.differences} <= KINDS.keys()


def test_identical_contracts_have_no_difference(
    canonical: Wsdl11Document, tmp_path: Path
) -> None:
    report = diff_contracts(canonical, write_contract(tmp_path))
    assert report.differences == []
    assert not report.breaking and not report.namespace_only


def test_namespace_only_difference_is_flagged(
    canonical: Wsdl11Document, corpus: dict[str, Path]
) -> None:
    report = diff_contracts(canonical, corpus["changed-namespace"])
    assert report.namespace_only
    assert report.breaking
    first = next(d for d in report.differences if d.path == "login/input")
    assert (first.canonical, first.target) == (TNS, "urn:vendor:ticket")
    assert "soapAction" in first.message  # soapActions embedding the namespace follow it


def test_a_namespace_change_does_not_hide_other_changes(
    canonical: Wsdl11Document, tmp_path: Path
) -> None:
    target = write_contract(
        tmp_path,
        wsdl=replace_namespace(TNS, "urn:vendor:ticket"),
        xsd=both(replace_namespace(TNS, "urn:vendor:ticket"),
                 set_child("addMessage", "ticketId", type="xsd:int")),
    )
    report = diff_contracts(canonical, target)
    assert not report.namespace_only
    assert ("type-narrowed", f"{AM}/ticketId") in {(d.kind, d.path) for d in report.differences}


def test_difference_carries_values_and_message(
    canonical: Wsdl11Document, corpus: dict[str, Path]
) -> None:
    report = diff_contracts(canonical, corpus["narrowed-type-string-to-int"])
    (difference,) = report.differences
    assert (difference.canonical, difference.target) == ("xsd:string", "xsd:int")
    assert "narrowed in the request" in difference.message
    data = report.to_dict()
    assert data["counts"] == {"breaking": 1, "compatible": 0}
    assert data["differences"][0]["path"] == f"{AM}/ticketId"
    json.dumps(data)


def test_widening_an_existing_facet_is_compatible_in_a_request(tmp_path: Path) -> None:
    narrow = load_wsdl(write_contract(tmp_path / "a", xsd=restrict(
        "addMessage", "messageBody", "xsd:string", [("maxLength", "10")])))
    wide = load_wsdl(write_contract(tmp_path / "b", xsd=restrict(
        "addMessage", "messageBody", "xsd:string", [("maxLength", "20")])))
    (difference,) = diff_contracts(narrow, wide).differences
    assert (difference.kind, difference.breaking) == ("facet-widened", False)
    assert (difference.canonical, difference.target) == ("maxLength=10", "maxLength=20")
    (difference,) = diff_contracts(wide, narrow).differences
    assert (difference.kind, difference.breaking) == ("facet-narrowed", True)


def test_unusable_target_is_a_contract_error(tmp_path: Path) -> None:
    broken = write_contract(tmp_path, wsdl=part_attr("addMessageIn", element="tns:missing"))
    with pytest.raises(ContractError, match="cannot load WSDL"):
        diff_contracts(CANONICAL_WSDL, broken)
    with pytest.raises(ContractError, match="not a WSDL"):
        diff_contracts(CANONICAL_WSDL, CANONICAL_XSD)


def test_soap12_only_target_loses_the_soap11_binding(
    canonical: Wsdl11Document, tmp_path: Path
) -> None:
    to_soap12 = replace_namespace(ns.WSDL_SOAP11, ns.WSDL_SOAP12)

    report = check_contract(canonical, write_contract(tmp_path, wsdl=to_soap12))
    assert [(d.kind, d.breaking) for d in report.diff.differences] == [("binding-removed", True)]
    assert "R2401" in {r.id for r in report.wsi if not r.passed}


# The command line ----------------------------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_identical_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, str(CANONICAL_WSDL), str(CANONICAL_WSDL))
    assert code == 0, err
    assert "No differences." in out
    assert "WS-I Basic Profile 1.1" in out and "R2204" in out and "0 failed" in out


def test_cli_breaking_exits_1_with_a_table(corpus: dict[str, Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(CANONICAL_WSDL), str(corpus["removed-operation"]))
    assert code == 1
    row = next(line for line in out.splitlines() if "operation-removed" in line)
    assert row.split()[:3] == ["BREAKING", "operation-removed", "getReplyTemplate"]
    assert "1 breaking, 0 compatible" in out


def test_cli_compatible_exits_0(corpus: dict[str, Path],
                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(CANONICAL_WSDL), str(corpus["added-optional-element"]))
    assert code == 0
    assert "compatible  optional-element-added" in out


def test_cli_namespace_only_is_reported(corpus: dict[str, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(CANONICAL_WSDL), str(corpus["changed-namespace"]))
    assert code == 1
    assert "Only namespaces differ" in out


def test_cli_writes_json(corpus: dict[str, Path], tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "diff.json"
    code, _, _ = run_cli(capsys, str(CANONICAL_WSDL), str(corpus["encoded-use"]),
                         "--json", str(out_file))
    assert code == 1
    data = json.loads(out_file.read_text(encoding="utf-8"))
    assert data["diff"]["breaking"] is True
    assert data["diff"]["differences"][0]["kind"] == "use-changed"
    failed = [a["id"] for a in data["wsi"]["assertions"] if not a["passed"]]
    assert failed == ["R2706"] and data["wsi"]["passed"] is False


def test_cli_wsi_failures_decide_only_with_strict_wsi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a compatible change (an added operation) that breaks WS-I (encoded use)
    def added_encoded_operation(root: etree._Element) -> None:
        copy_operation("addMessage", "addMessage4")(root)
        body = binding_op(root, "addMessage4").find(f"{W}input/{{{ns.WSDL_SOAP11}}}body")
        body.set("use", "encoded")

    target = str(write_contract(tmp_path, wsdl=added_encoded_operation,
                                xsd=copy_elements("addMessage", "addMessage4")))
    code, out, _ = run_cli(capsys, str(CANONICAL_WSDL), target)
    assert code == 0
    assert "R2706" in out and "1 failed" in out and "reported only" in out
    code, _, _ = run_cli(capsys, str(CANONICAL_WSDL), target, "--strict-wsi")
    assert code == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["missing.wsdl"], id="missing-argument"),
        pytest.param(["--bogus", "a", "b"], id="unknown-option"),
        pytest.param(["does-not-exist.wsdl"], id="missing-file"),
        pytest.param([str(CANONICAL_XSD)], id="not-a-wsdl"),
        pytest.param(["pyproject.toml"], id="not-xml"),
        pytest.param(["unreachable"], id="unreachable-url"),
        pytest.param(["unusable"], id="unusable-wsdl"),
        pytest.param(["json-unwritable"], id="unwritable-json"),
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canonical = str(CANONICAL_WSDL)
    special = {
        "missing.wsdl": [],  # no WSDL at all (one alone is compared with the canonical)
        "pyproject.toml": [canonical, str(Path(__file__).parent.parent / "pyproject.toml")],
        "unreachable": [canonical, f"http://127.0.0.1:{_free_port()}/service/ticket?wsdl"],
        "unusable": [canonical, str(write_contract(
            tmp_path, wsdl=part_attr("addMessageIn", element="tns:missing")))],
        "json-unwritable": [canonical, canonical, "--json", str(tmp_path / "no" / "x.json")],
    }
    args = special.get(argv[0], argv if argv[0] == "--bogus" else [canonical, *argv])
    code, _, err = run_cli(capsys, *args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("conformance: error: "), err
    assert "Traceback" not in err


# A target WSDL fetched over HTTP, as <endpoint>?wsdl ------------------------------------------


@pytest.fixture
def served_contract(tmp_path: Path) -> Iterator[str]:
    """Serve a copy of the canonical contract at http://127.0.0.1:<port>/service/ticket?wsdl."""
    directory = write_contract(tmp_path).parent
    files = {"/service/ticket?wsdl": "ticket.wsdl", "/service/ticket.xsd": "ticket.xsd"}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            name = files.get(self.path)
            body = (directory / name).read_bytes() if name else b"not found"
            self.send_response(200 if name else 404)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/service/ticket?wsdl"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_target_given_as_endpoint_url(served_contract: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, str(CANONICAL_WSDL), served_contract)
    assert code == 0
    assert "No differences." in out and served_contract in out
    assert "0 failed" in out  # WS-I found ticket.xsd next to the endpoint (R2004, R2206)
