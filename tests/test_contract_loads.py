"""The canonical contract loads cleanly in both XML stacks the project relies on (xmlschema
and zeep), describes the 14 operations, and the target serves a WSDL that names itself."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import xmlschema
import zeep
from helpers import BINDING, TNS, get
from lxml import etree
from xmlschema.extras.wsdl import Wsdl11Document

from conformance import ns
from conformance.contract import CANONICAL_WSDL, CANONICAL_XSD, load_contract

OPERATIONS = {
    "login", "logout", "newTicket", "getTicket", "setTicket", "addAttachment",
    "getAttachment", "addMessage", "addMessage2", "addMessage3", "getMessage",
    "allocUserNotifications", "getUserNotifications", "getReplyTemplate",
}


@contextmanager
def warnings_as_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_xsd_loads_in_xmlschema() -> None:
    with warnings_as_errors():
        schema = xmlschema.XMLSchema(str(CANONICAL_XSD))
    assert schema.target_namespace == TNS
    assert set(schema.elements) == OPERATIONS | {f"{op}Response" for op in OPERATIONS}


def test_wsdl_loads_in_xmlschema_with_all_operations() -> None:
    with warnings_as_errors():
        wsdl = Wsdl11Document(str(CANONICAL_WSDL))
    binding = wsdl.bindings[BINDING]
    names = {name for name, _input, _output in binding.operations}
    assert names == OPERATIONS
    for (name, _input, _output), operation in binding.operations.items():
        assert operation.soap_action == f"{TNS}#{name}"
        assert operation.soap_style == "document"
        assert operation.input.soap_body.use == "literal"
        assert operation.input.message.parts["parameters"].name == f"{{{TNS}}}{name}"
        assert operation.output.message.parts["parameters"].name == f"{{{TNS}}}{name}Response"


def test_contract_module_sees_all_operations() -> None:
    with warnings_as_errors():
        contract = load_contract()
    assert set(contract.operations) == OPERATIONS
    assert contract.namespace == TNS
    assert contract.version == "1.0.0"


def test_wsdl_loads_in_zeep_with_all_operations() -> None:
    with warnings_as_errors():
        client = zeep.Client(str(CANONICAL_WSDL))
    try:
        binding = client.wsdl.bindings[BINDING]
        assert set(binding._operations) == OPERATIONS
        for name, operation in binding._operations.items():
            assert operation.soapaction == f"{TNS}#{name}"
    finally:
        client.transport.session.close()


def test_served_wsdl_names_the_served_endpoint(target) -> None:
    response = get(target.wsdl_url)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.body)
    addresses = [a.get("location") for a in root.iter(f"{{{ns.WSDL_SOAP11}}}address")]
    assert addresses == [target.endpoint]


@pytest.mark.parametrize("stack", ["zeep", "xmlschema"])
def test_served_wsdl_loads_from_the_url(target, stack: str) -> None:
    if stack == "xmlschema":
        with warnings_as_errors():
            wsdl = Wsdl11Document(target.wsdl_url)
        assert {name for name, _i, _o in wsdl.bindings[BINDING].operations} == OPERATIONS
        return
    with warnings_as_errors():
        client = zeep.Client(target.wsdl_url)
    try:
        assert set(client.wsdl.bindings[BINDING]._operations) == OPERATIONS
        port = next(iter(next(iter(client.wsdl.services.values())).ports.values()))
        assert port.binding_options["address"] == target.endpoint
        # The default service of the served WSDL reaches the target without any override.
        assert client.service.login("egon", "norges bank").errorCode == "0"
    finally:
        client.transport.session.close()
