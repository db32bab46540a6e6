"""The contract's fast path (conformance.codec) gives exactly what xmlschema gives: for
bodies of every request and response element of the canonical contract drawn by from_xsd,
the compiled plan decodes a body to the dict xmlschema decodes it to, builds the bytes
xmlschema encodes, and lxml's verdict on validity agrees with xmlschema's, also on bodies
made invalid; invalid bodies keep xmlschema's reason."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from conformance import codec
from conformance.contract import BodyInvalid, load_contract
from conformance.strategies import from_xsd

CONTRACT = load_contract()
ELEMENTS = sorted({x.name: x for op in CONTRACT.operations.values()
                   for x in (op.input_element, op.output_element)}.items())
SETTINGS = settings(max_examples=15, deadline=None, database=None)


def slow_decode(xsd_element: Any, element: etree._Element) -> Any:
    return xsd_element.decode(element, strip_namespaces=True)


def slow_encode(xsd_element: Any, data: dict[str, Any]) -> bytes:
    element = xsd_element.encode(data, etree_element_class=etree.Element,
                                 namespaces={"": xsd_element.target_namespace}, indent=0)
    return etree.tostring(element)


def test_every_canonical_element_has_a_plan_and_a_validator() -> None:
    assert CONTRACT._validator is not None
    assert set(CONTRACT._plans) == {name for name, _x in ELEMENTS}


@pytest.mark.parametrize("name", [name for name, _x in ELEMENTS])
def test_plan_decodes_and_encodes_like_xmlschema(name: str) -> None:
    xsd_element = dict(ELEMENTS)[name]
    plan = CONTRACT._plans[name]

    @SETTINGS
    @given(from_xsd(xsd_element))
    def check(data: dict[str, Any]) -> None:
        expected = slow_encode(xsd_element, data)
        element = etree.fromstring(expected)
        assert CONTRACT._fast_valid(xsd_element, element)
        assert plan.decode(element) == slow_decode(xsd_element, element)
        decoded = slow_decode(xsd_element, element)
        built = CONTRACT._fast_encode(xsd_element, decoded if isinstance(decoded, dict)
                                      else {})
        assert built is not None
        assert etree.tostring(built) == slow_encode(
            xsd_element, decoded if isinstance(decoded, dict) else {})

    check()


@pytest.mark.parametrize("name", [name for name, _x in ELEMENTS])
def test_lxml_and_xmlschema_agree_on_broken_bodies(name: str) -> None:
    xsd_element = dict(ELEMENTS)[name]

    @SETTINGS
    @given(from_xsd(xsd_element), st.data())
    def check(data: dict[str, Any], draw: st.DataObject) -> None:
        element = etree.fromstring(slow_encode(xsd_element, data))
        nodes = list(element.iter())
        victim = nodes[draw.draw(st.integers(0, len(nodes) - 1))]
        how = draw.draw(st.sampled_from(["drop", "duplicate", "text", "attribute"]))
        if how == "drop" and victim is not element:
            victim.getparent().remove(victim)
        elif how == "duplicate" and victim is not element:
            victim.addnext(copy.deepcopy(victim))
        elif how == "text":
            victim.text = draw.draw(st.sampled_from(["maybe", "", " 7 ", "x\ny"]))
        else:
            victim.set("unexpected", "1")
        slow_reason = next((str(e) for e in xsd_element.iter_errors(element)), None)
        assert CONTRACT._fast_valid(xsd_element, element) == (slow_reason is None)
        fast_reason = CONTRACT.is_valid(xsd_element, element)
        assert (fast_reason is None) == (slow_reason is None)

    check()


def test_invalid_bodies_keep_xmlschemas_reason() -> None:
    op = CONTRACT.operation("addMessage")
    body = CONTRACT.encode_input(op, {
        "sessionKey": "k", "messageBody": "b", "ticketId": "1", "sLevel": "1",
        "attachmentIds": {}, "sendNotification": True})
    body[-1].text = "maybe"
    with pytest.raises(BodyInvalid) as fast:
        CONTRACT.decode_input(op, body)
    with pytest.raises(BodyInvalid) as slow:
        from conformance.contract import _decode

        _decode(op.input_element, body)
    assert fast.value.reason == slow.value.reason
    assert "maybe" in fast.value.reason
    assert CONTRACT.is_valid(op.input_element, body) is not None


def test_a_wrong_wrapper_is_never_valid_for_another_element() -> None:
    login, logout = CONTRACT.operation("login"), CONTRACT.operation("logout")
    body = CONTRACT.encode_input(logout, {"sessionKey": "k"})
    assert CONTRACT.is_valid(login.input_element, body) is not None


def test_unsupported_shapes_are_left_to_xmlschema() -> None:
    schema = etree.fromstring(
        b'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t"'
        b' elementFormDefault="qualified"><xs:element name="e"><xs:complexType><xs:sequence>'
        b'<xs:element name="d" type="xs:dateTime"/></xs:sequence>'
        b'<xs:attribute name="a"/></xs:complexType></xs:element></xs:schema>')
    import xmlschema

    element = xmlschema.XMLSchema(etree.tostring(schema).decode()).elements["e"]
    with pytest.raises(codec.Unsupported):
        codec.compile_plan(element)
