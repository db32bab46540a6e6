"""Tests of the schema-driven strategies (conformance.strategies.xsd and .xmltext).

Every drawn value is encoded, serialised with lxml, re-parsed and checked by validators, as
hypothesis-jsonschema checks its values with jsonschema: xmlschema, and libxml2 (through
lxml) wherever the schema is XSD 1.0, since the two share no code. The values come from the
canonical contract's request and response elements, two schemas written here that use the
features from_xsd claims, and one element per xmlschema built-in datatype; a deterministic
sample shows the facets' edges and the model's branches are reached. The text strategy is
checked for XML 1.0 legality, for the shape the whiteSpace facet asks for, and for the mix
it promises (CR in at least a fifth of the strings).
"""

from __future__ import annotations

import functools
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from xmlschema.validators import XsdAtomicBuiltin, XsdElement

from conformance import ns
from conformance.contract import CANONICAL_XSD, load_contract
from conformance.strategies import (
    CHAR_CLASSES,
    UnsupportedSchema,
    char_classes,
    from_xsd,
    is_xml_char,
    xml_text,
)
from conformance.strategies.xsd.builtins import BUILTINS as _BUILTINS
from conformance.strategies.xsd.builtins import UNSUPPORTED as _UNSUPPORTED

FAST = settings(max_examples=25, deadline=None, database=None)
CONTRACT = load_contract()
CONTRACT_LIBXML2 = etree.XMLSchema(etree.parse(str(CANONICAL_XSD)))
CONTRACT_CASES = [
    (name, direction) for name in sorted(CONTRACT.operations) for direction in ("input", "output")
]


def _sample(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """``count`` values drawn deterministically (derandomize), for distribution checks."""
    seen: list[Any] = []

    @settings(max_examples=count, deadline=None, database=None, derandomize=True)
    @given(strategy)
    def collect(value: Any) -> None:
        seen.append(value)

    collect()
    return seen


def _round_trip(
    element: XsdElement, value: Any, libxml2: etree.XMLSchema | None = None, **encode: Any
) -> tuple[Any, bytes]:
    """Encode ``value``, check it, serialise with lxml and re-parse; the re-parsed decode.

    With ``libxml2`` (an ``lxml.etree.XMLSchema`` of the same schema) the re-parsed element
    is validated a second time, by an implementation that shares no code with xmlschema.
    """
    encoded = element.encode(value, etree_element_class=etree.Element, **encode)
    assert not list(element.iter_errors(encoded)), value
    wire = etree.tostring(encoded, encoding="utf-8")
    reparsed = etree.fromstring(wire)
    assert element.is_valid(reparsed), wire
    if libxml2 is not None:
        assert libxml2.validate(reparsed), (libxml2.error_log.last_error, wire)
    return element.decode(reparsed, strip_namespaces=True), wire


def _as_decoded(value: Any) -> Any:
    """``value`` as xmlschema decodes it: empty text and empty content become ``None``."""
    if isinstance(value, dict):
        return {key: _as_decoded(item) for key, item in value.items()} or None
    if isinstance(value, list):
        return [_as_decoded(item) for item in value]
    return None if value == "" else value


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) else []


# The canonical contract ===================================================================


@functools.cache
def _contract_strategy(operation: str, direction: str) -> st.SearchStrategy[Any]:
    op = CONTRACT.operation(operation)
    return from_xsd(op.input_element if direction == "input" else op.output_element)


@pytest.mark.parametrize(("operation", "direction"), CONTRACT_CASES)
@FAST
@given(data=st.data())
def test_contract_values_validate_and_survive_xml(
    operation: str, direction: str, data: st.DataObject
) -> None:
    op = CONTRACT.operation(operation)
    element = op.input_element if direction == "input" else op.output_element
    value = data.draw(_contract_strategy(operation, direction))
    encode = CONTRACT.encode_input if direction == "input" else CONTRACT.encode_output
    assert element.is_valid(encode(op, value))  # the contract's own encoder accepts it
    namespaces = {"": element.target_namespace}
    decoded, wire = _round_trip(element, value, CONTRACT_LIBXML2, namespaces=namespaces)
    assert decoded == _as_decoded(value)
    if any("\r" in text for text in _strings(value)):
        assert b"&#13;" in wire


def test_contract_values_are_hostile_across_operations() -> None:
    """Across the contract's strings, CR, non-BMP characters and markup all occur."""
    strategy = _contract_strategy("addMessage3", "input")
    found = set().union(*(char_classes(t) for v in _sample(strategy, 60) for t in _strings(v)))
    assert {"cr", "non_bmp", "markup", "crlf", "edge_space"} <= found


# A small schema using every feature ========================================================

SMALL_XSD = r"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:simpleType name="Colour"><xs:restriction base="xs:string">
    <xs:enumeration value="red"/><xs:enumeration value="green"/>
    <xs:enumeration value=" blue "/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Code"><xs:restriction base="xs:string">
    <xs:pattern value="[A-Z]{2}-\d{3}"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Short"><xs:restriction base="xs:string">
    <xs:minLength value="2"/><xs:maxLength value="5"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Exact"><xs:restriction base="xs:token">
    <xs:length value="4"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Percent"><xs:restriction base="xs:int">
    <xs:minInclusive value="0"/><xs:maxInclusive value="100"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Money"><xs:restriction base="xs:decimal">
    <xs:minExclusive value="-1.5"/><xs:maxExclusive value="2.25"/>
    <xs:totalDigits value="3"/><xs:fractionDigits value="2"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Ratio"><xs:restriction base="xs:double">
    <xs:minInclusive value="0"/><xs:maxExclusive value="1"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Ints"><xs:list itemType="xs:int"/></xs:simpleType>
  <xs:simpleType name="Words"><xs:restriction>
    <xs:simpleType><xs:list itemType="xs:string"/></xs:simpleType>
    <xs:minLength value="1"/><xs:maxLength value="3"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="IntOrBool"><xs:union memberTypes="xs:int xs:boolean"/></xs:simpleType>
  <xs:simpleType name="Blob"><xs:restriction base="xs:base64Binary">
    <xs:maxLength value="8"/></xs:restriction></xs:simpleType>
  <xs:complexType name="Address">
    <xs:sequence>
      <xs:element name="street" type="xs:string"/>
      <xs:element name="zip" type="Code" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="kind" type="Colour" use="required"/>
    <xs:attribute name="note" type="xs:string"/>
  </xs:complexType>
  <xs:complexType name="Price"><xs:simpleContent><xs:extension base="Money">
    <xs:attribute name="currency" type="xs:string" fixed="EUR"/>
  </xs:extension></xs:simpleContent></xs:complexType>
  <xs:complexType name="Node"><xs:sequence>
    <xs:element name="label" type="xs:string"/>
    <xs:element name="child" type="Node" minOccurs="0" maxOccurs="2"/>
  </xs:sequence></xs:complexType>
  <xs:group name="Contact"><xs:choice>
    <xs:element name="email" type="xs:string"/>
    <xs:element name="phone" type="Code"/>
    <xs:element name="none"><xs:complexType/></xs:element>
  </xs:choice></xs:group>
  <xs:element name="record"><xs:complexType><xs:sequence>
    <xs:element name="colour" type="Colour"/>
    <xs:element name="code" type="Code"/>
    <xs:element name="short" type="Short"/>
    <xs:element name="exact" type="Exact"/>
    <xs:element name="percent" type="Percent"/>
    <xs:element name="money" type="Money"/>
    <xs:element name="ratio" type="Ratio"/>
    <xs:element name="flag" type="xs:boolean"/>
    <xs:element name="blob" type="Blob"/>
    <xs:element name="ints" type="Ints"/>
    <xs:element name="words" type="Words"/>
    <xs:element name="either" type="IntOrBool"/>
    <xs:element name="address" type="Address" maxOccurs="unbounded"/>
    <xs:element name="price" type="Price"/>
    <xs:element name="tree" type="Node"/>
    <xs:group ref="Contact" minOccurs="0" maxOccurs="2"/>
    <xs:element name="when" type="xs:dateTime" minOccurs="0"/>
    <xs:element name="fixed" type="xs:int" fixed="7"/>
    <xs:element name="tag" type="xs:NCName" minOccurs="0" maxOccurs="3"/>
    <xs:element name="extra" minOccurs="0"/>
    <xs:sequence minOccurs="0" maxOccurs="2">
      <xs:element name="k" type="xs:string"/><xs:element name="v" type="xs:int"/>
    </xs:sequence>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""
SMALL = xmlschema.XMLSchema(SMALL_XSD)
SMALL_LIBXML2 = etree.XMLSchema(etree.fromstring(SMALL_XSD.encode()))
RECORD = SMALL.elements["record"]
RECORDS = from_xsd(RECORD)


@settings(max_examples=40, deadline=None, database=None)
@given(RECORDS)
def test_small_schema_values_validate_and_survive_xml(value: dict[str, Any]) -> None:
    decoded, _ = _round_trip(RECORD, value, SMALL_LIBXML2)
    assert decoded["code"] == value["code"]
    assert decoded["short"] == value["short"]
    assert decoded.get("address") is not None


def _depth(node: dict[str, Any]) -> int:
    children = node.get("child", [])
    return 1 + max((_depth(child) for child in children), default=0)


EDGES = [  # simple type, measure, least and greatest value the measure must reach
    ("Percent", int, 0, 100),
    ("Short", len, 2, 5),
    ("Exact", len, 4, 4),
    ("Words", len, 1, 3),
    ("Blob", len, 0, 12),  # base64 of 0 to 8 octets
]


@pytest.mark.parametrize(("name", "measure", "least", "greatest"), EDGES)
def test_small_schema_facets_reach_their_edges(
    name: str, measure: Any, least: Any, greatest: Any
) -> None:
    sample = [measure(value) for value in _sample(from_xsd(SMALL.types[name]), 100)]
    assert (min(sample), max(sample)) == (least, greatest)


def test_small_schema_value_facets() -> None:
    money = _sample(from_xsd(SMALL.types["Money"]), 100)  # (-1.5, 2.25), 3 digits, 2 places
    assert all(Decimal("-1.5") < m < Decimal("2.25") for m in money)
    assert min(money) <= Decimal("-1.4") and max(money) >= Decimal("2.2")
    assert all(m.as_tuple().exponent >= -2 and len(m.as_tuple().digits) <= 3 for m in money)
    ratios = _sample(from_xsd(SMALL.types["Ratio"]), 100)
    assert min(ratios) == 0.0 and 0.99 < max(ratios) < 1.0
    assert {*_sample(from_xsd(SMALL.types["Colour"]), 30)} == {"red", "green", " blue "}
    codes = _sample(from_xsd(SMALL.types["Code"]), 30)
    assert all(SMALL.types["Code"].is_valid(code) for code in codes) and len(set(codes)) > 5
    assert {type(v) for v in _sample(from_xsd(SMALL.types["IntOrBool"]), 30)} == {int, bool}


def test_small_schema_structure_is_exercised() -> None:
    """Over a deterministic sample: every occurrence count, branch and option is reached."""
    sample = _sample(RECORDS, 60)
    assert {len(v["address"]) for v in sample} == {1, 2, 3, 4}  # unbounded capped at 1 + 3
    assert {"zip" in a for v in sample for a in v["address"]} == {True, False}
    assert {"@note" in a for v in sample for a in v["address"]} == {True, False}
    branches = {key for v in sample for key in ("email", "phone", "none") if key in v}
    assert branches == {"email", "phone", "none"}
    assert {"when" in v for v in sample} == {True, False}
    assert max(_depth(v["tree"]) for v in sample) == 3  # recursion capped at 2 nested Nodes
    assert {v["fixed"] for v in sample} == {7}
    assert {len(v.get("tag", [])) for v in sample} == {0, 1, 2, 3}
    assert {len(v.get("k", [])) for v in sample} == {0, 1, 2}
    prices = [v["price"] for v in sample]
    assert any(isinstance(p, dict) and p["@currency"] == "EUR" for p in prices)
    assert any(isinstance(p, Decimal) for p in prices)


MORE_XSD = r"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t"
    targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="Day"><xs:restriction base="xs:date">
    <xs:minInclusive value="2020-01-01"/><xs:maxExclusive value="2020-03-01"/>
  </xs:restriction></xs:simpleType>
  <xs:simpleType name="Stamp"><xs:restriction base="xs:dateTime">
    <xs:minExclusive value="2020-01-01T00:00:00Z"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Small"><xs:restriction base="xs:float">
    <xs:minExclusive value="-0.5"/><xs:maxInclusive value="1e10"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Pair"><xs:restriction>
    <xs:simpleType><xs:list itemType="xs:int"/></xs:simpleType>
    <xs:enumeration value="1 2"/><xs:enumeration value="3"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Abc"><xs:restriction>
    <xs:simpleType><xs:list itemType="xs:token"/></xs:simpleType>
    <xs:pattern value="[a-c]+( [a-c]+)*"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Digits"><xs:restriction>
    <xs:simpleType><xs:list itemType="xs:int"/></xs:simpleType>
    <xs:pattern value="\d( \d)*"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="DayOrPair"><xs:union memberTypes="xs:date t:Pair"/></xs:simpleType>
  <xs:simpleType name="Mixed"><xs:list><xs:simpleType>
    <xs:union memberTypes="xs:int xs:boolean"/></xs:simpleType></xs:list></xs:simpleType>
  <xs:simpleType name="Label"><xs:restriction base="xs:token">
    <xs:pattern value="\p{L}+ \d"/><xs:maxLength value="6"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Hex"><xs:restriction base="xs:hexBinary">
    <xs:length value="2"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Link"><xs:restriction base="xs:anyURI">
    <xs:maxLength value="10"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Lang"><xs:restriction base="xs:language">
    <xs:maxLength value="5"/></xs:restriction></xs:simpleType>
  <xs:attributeGroup name="Flags">
    <xs:attribute name="x" type="xs:int"/><xs:attribute name="y" type="xs:boolean" use="required"/>
    <xs:anyAttribute namespace="##other"/>
  </xs:attributeGroup>
  <xs:complexType name="Base"><xs:sequence><xs:element name="a" type="xs:string"/></xs:sequence>
    <xs:attributeGroup ref="t:Flags"/></xs:complexType>
  <xs:complexType name="Derived"><xs:complexContent><xs:extension base="t:Base"><xs:sequence>
    <xs:element name="b" type="xs:int" nillable="true"/></xs:sequence></xs:extension>
  </xs:complexContent></xs:complexType>
  <xs:complexType name="Amount"><xs:simpleContent><xs:extension base="xs:int">
    <xs:attribute name="unit" type="xs:string"/></xs:extension></xs:simpleContent></xs:complexType>
  <xs:complexType name="SmallAmount"><xs:simpleContent><xs:restriction base="t:Amount">
    <xs:maxInclusive value="10"/></xs:restriction></xs:simpleContent></xs:complexType>
  <xs:element name="note" type="xs:string"/>
  <xs:element name="more"><xs:complexType mixed="true"><xs:sequence>
    <xs:element name="day" type="t:Day"/><xs:element name="stamp" type="t:Stamp"/>
    <xs:element name="small" type="t:Small"/><xs:element name="pair" type="t:Pair"/>
    <xs:element name="abc" type="t:Abc"/><xs:element name="digits" type="t:Digits"/>
    <xs:element name="dayOrPair" type="t:DayOrPair"/><xs:element name="mixed" type="t:Mixed"/>
    <xs:element name="label" type="t:Label"/><xs:element name="hex" type="t:Hex"/>
    <xs:element name="link" type="t:Link"/><xs:element name="lang" type="t:Lang"/>
    <xs:element name="derived" type="t:Derived"/><xs:element name="amount" type="t:Amount"/>
    <xs:element name="smallAmount" type="t:SmallAmount"/>
    <xs:element ref="t:note" maxOccurs="2"/>
    <xs:any namespace="##other" minOccurs="0" processContents="lax"/>
    <xs:element name="all"><xs:complexType><xs:all>
      <xs:element name="p" type="xs:int"/><xs:element name="q" type="xs:int" minOccurs="0"/>
    </xs:all></xs:complexType></xs:element>
    <xs:element name="tokens" type="xs:NMTOKENS"/>
    <xs:element name="span" type="xs:duration"/>
  </xs:sequence></xs:complexType></xs:element>
</xs:schema>
"""
MORE = xmlschema.XMLSchema(MORE_XSD)
MORE_LIBXML2 = etree.XMLSchema(etree.fromstring(MORE_XSD.encode()))


@settings(max_examples=25, deadline=None, database=None)
@given(from_xsd(MORE.elements["more"]))
def test_more_schema_features_validate_in_both_validators(value: dict[str, Any]) -> None:
    """Derivations, attribute groups, xs:all, refs, namespaces, bounded dates, list
    patterns and enumerations, unions with list members, length-bounded built-ins."""
    element = MORE.elements["more"]
    _round_trip(element, value, MORE_LIBXML2, namespaces={"": "urn:t"})
    assert "2020-01-01" <= value["day"] < "2020-03-01"
    assert isinstance(value["dayOrPair"], list)  # wrapped: a union with a list member


def test_required_self_recursion_is_a_readable_error() -> None:
    schema = xmlschema.XMLSchema(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:complexType name="Loop"><xs:sequence>'
        '<xs:element name="again" type="Loop"/></xs:sequence></xs:complexType>'
        '<xs:element name="loop" type="Loop"/></xs:schema>'
    )
    with pytest.raises(UnsupportedSchema, match="no finite instance"):
        from_xsd(schema.elements["loop"])


def test_notation_by_enumeration_and_unsupported_choice_branch() -> None:
    schema = xmlschema.XMLSchema(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:notation name="png" public="image/png"/>'
        '<xs:simpleType name="Format"><xs:restriction base="xs:NOTATION">'
        '<xs:enumeration value="png"/></xs:restriction></xs:simpleType>'
        '<xs:element name="e"><xs:complexType><xs:choice>'
        '<xs:element name="ref" type="xs:IDREF"/><xs:element name="fmt" type="Format"/>'
        "</xs:choice></xs:complexType></xs:element></xs:schema>"
    )
    element = schema.elements["e"]
    sample = _sample(from_xsd(element), 5)  # one value only: hypothesis stops after it
    assert sample == [{"fmt": "png"}]
    _round_trip(element, sample[0])


# The table of built-in datatypes ==========================================================

VERSIONS = {"1.0": xmlschema.XMLSchema10, "1.1": xmlschema.XMLSchema11}


def _builtins(version: str) -> dict[str, XsdAtomicBuiltin]:
    empty = VERSIONS[version](f'<xs:schema xmlns:xs="{ns.XSD}"/>')
    return {k: t for k, t in empty.maps.types.items() if isinstance(t, XsdAtomicBuiltin)}


@functools.cache
def _builtin_source(version: str) -> str:
    names = [qname.split("}")[1] for qname in _builtins(version)]
    names += ["NMTOKENS", "anySimpleType"]
    declarations = "".join(f'<xs:element name="{n}" type="xs:{n}"/>' for n in names)
    return f'<xs:schema xmlns:xs="{ns.XSD}">{declarations}</xs:schema>'


@functools.cache
def _one_element_per_builtin(version: str) -> xmlschema.XMLSchemaBase:
    return VERSIONS[version](_builtin_source(version))


@functools.cache
def _builtin_libxml2(version: str) -> etree.XMLSchema | None:
    """libxml2 knows XSD 1.0 only."""
    source = _builtin_source(version).encode()
    return etree.XMLSchema(etree.fromstring(source)) if version == "1.0" else None


def test_builtin_table_covers_every_xmlschema_builtin() -> None:
    known = set(_BUILTINS) | set(_UNSUPPORTED)
    assert not set(_BUILTINS) & set(_UNSUPPORTED)
    all_builtins = set(_builtins("1.0")) | set(_builtins("1.1"))
    assert all_builtins - known == set()
    assert known - all_builtins == set()  # no stale entries either


BUILTIN_CASES = [
    (version, qname.split("}")[1])
    for version in VERSIONS
    for qname in sorted(_builtins(version))
    if qname in _BUILTINS
] + [("1.0", "NMTOKENS"), ("1.0", "anySimpleType")]


@pytest.mark.parametrize(("version", "name"), BUILTIN_CASES)
@settings(max_examples=12, deadline=None, database=None)
@given(data=st.data())
def test_every_supported_builtin_yields_valid_values(
    version: str, name: str, data: st.DataObject
) -> None:
    element = _one_element_per_builtin(version).elements[name]
    value = data.draw(_builtin_strategy(version, name))
    _round_trip(element, value, _builtin_libxml2(version))


@functools.cache
def _builtin_strategy(version: str, name: str) -> st.SearchStrategy[Any]:
    return from_xsd(_one_element_per_builtin(version).elements[name])


@pytest.mark.parametrize("qname", sorted(_UNSUPPORTED))
def test_unsupported_builtins_raise_a_readable_error(qname: str) -> None:
    version = "1.0" if qname in _builtins("1.0") else "1.1"
    element = _one_element_per_builtin(version).elements[qname.split("}")[1]]
    with pytest.raises(UnsupportedSchema, match=f"xs:{qname.split('}')[1]}.*: "):
        from_xsd(element)


def test_from_xsd_rejects_what_is_not_a_component() -> None:
    with pytest.raises(UnsupportedSchema, match="neither an XSD element nor an XSD type"):
        from_xsd(SMALL)  # type: ignore[arg-type]


# xml_text =================================================================================


@FAST
@given(xml_text())
def test_xml_text_is_legal_xml_and_survives_lxml(text: str) -> None:
    assert all(is_xml_char(char) for char in text)
    element = etree.Element("t", a=text)
    element.text = text
    reparsed = etree.fromstring(etree.tostring(element))
    assert (reparsed.text or "", reparsed.get("a")) == (text, text)


@FAST
@given(
    st.integers(0, 40),
    st.integers(0, 40),
    st.sampled_from(["preserve", "replace", "collapse", "none"]),
    st.data(),
)
def test_xml_text_sizes_and_white_space(
    low: int, extra: int, whitespace: Any, data: st.DataObject
) -> None:
    text = data.draw(xml_text(low, low + extra, whitespace=whitespace))
    assert low <= len(text) <= low + extra
    if whitespace != "preserve":
        assert not set(text) & set("\t\n\r")
    if whitespace == "collapse":
        assert text == text.strip(" ") and "  " not in text
    if whitespace == "none":
        assert " " not in text


def test_xml_text_mix_is_hostile_and_cr_is_frequent() -> None:
    sample = _sample(xml_text(), 300)
    counts = Counter(kind for text in sample for kind in char_classes(text))
    assert set(CHAR_CLASSES) - set(counts) == set()
    assert counts["cr"] >= 0.2 * len(sample)
    assert counts["long"] >= 1 and max(len(text) for text in sample) >= 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {"empty"}),
        ("abc", {"ascii"}),
        ("a]]>b", {"ascii", "markup", "cdata_end"}),
        (" x\r\n", {"ascii", "edge_space", "cr", "lf", "crlf"}),
        ("\t", {"tab", "edge_space"}),
        ("😀", {"non_bmp"}),
        ("שלום\u202e", {"rtl"}),
        ("e\u0301", {"ascii", "combining"}),
        ("\x85", {"c1_control"}),
        ("\ue000", {"private_use"}),
        ("\ufffd", {"high_bmp"}),
        ("\U000f0000", {"non_bmp", "private_use"}),
        ("x" * 1000, {"ascii", "long"}),
    ],
)
def test_char_classes(text: str, expected: set[str]) -> None:
    assert char_classes(text) == expected


def test_is_xml_char_follows_production_2() -> None:
    legal = "\t\n\r \ud7ff\ue000\ufffd\U00010000\U0010ffff\x7f\x9f"
    illegal = "\x00\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800\udfff"
    assert all(is_xml_char(c) for c in legal)
    assert not any(is_xml_char(c) for c in illegal)
