"""The write-to-read table is derived from the contract, and every output field the port
returns for what the suite sends is compared by a check or exempt with a written reason."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conformance.contract import CANONICAL_WSDL, SCHEMAS_DIR, load_contract
from conformance.suite import write_read
from conformance.suite.catalogue import all_checks
from conformance.suite.context import HTML_FIELD, MESSAGE_FIELDS, TICKET_FIELDS

# the HTML body is asked for alone (context.HTML_FIELD), where the target has the field
REQUESTED = {"getMessage": [*MESSAGE_FIELDS, HTML_FIELD], "getTicket": TICKET_FIELDS}


def test_every_returned_field_has_an_oracle_or_a_reason() -> None:
    contract = load_contract()
    returned = set(write_read.returned_fields(contract, REQUESTED))
    uncovered = returned - set(write_read.ORACLES) - set(write_read.EXEMPT)
    assert not uncovered, f"output fields no check compares and none exempt: {uncovered}"
    assert not set(write_read.ORACLES) & set(write_read.EXEMPT)
    assert all(len(reason) > 20 for reason in write_read.EXEMPT.values())
    stale = (set(write_read.ORACLES) | set(write_read.EXEMPT)) - returned
    assert not stale, f"table entries for fields the port does not return: {stale}"


def test_oracles_name_registered_checks() -> None:
    known = {c.id for c in all_checks()}
    named = {cid for ids in write_read.ORACLES.values() for cid in ids}
    assert named <= known, named - known


def test_every_written_value_that_is_read_back_is_compared() -> None:
    contract = load_contract()
    returned = set(write_read.returned_fields(contract, REQUESTED))
    for pair in write_read.pairs(contract):
        if pair.read_key not in returned:
            continue
        assert pair.read_key in write_read.ORACLES or pair.read_key in write_read.PAIR_EXEMPT, (
            f"{pair.write_op}/{pair.write} is read back as {pair.read_key} and not compared")


def test_every_written_value_no_read_returns_has_an_observer_or_a_reason() -> None:
    contract = load_contract()
    missing = [key for key in write_read.unread(contract) if not write_read.effect(key)]
    assert not missing, f"written values nothing observes: {missing}"
    known = {c.id for c in all_checks()}
    named = set(re.findall(r"AM[0-9]*-[A-Z-]+[A-Z]", " ".join(write_read.EFFECTS.values())))
    assert named and named <= known, named - known


def test_attachment_fields_pair_with_both_read_paths() -> None:
    pairs = {(p.write, p.read_key) for p in write_read.pairs(load_contract())
             if p.write_op == "addAttachment"}
    for name in ("attachmentName", "contentType"):
        assert (name, f"getAttachment/{name}") in pairs
        assert (name, f"getMessage/attachmentInfo/item/{name}") in pairs
    assert ("data", "getAttachment/data") in pairs


def test_a_new_output_field_in_the_contract_is_not_silently_covered(tmp_path: Path) -> None:
    """The table follows the XSD: a field added to getAttachment's response shows up as
    returned, paired with the input of the same name, and uncovered."""
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, folder)
    xsd = folder / "ticket.xsd"
    text = xsd.read_text(encoding="utf-8")
    text = re.sub(r'(<xsd:element name="getAttachmentResponse">.*?<xsd:element name="data"'
                  r'[^>]*/>)', r'\1\n      <xsd:element name="attachmentName2" type="xsd:string"'
                  r' minOccurs="0"/>', text, count=1, flags=re.S)
    text = text.replace('<xsd:element name="contentType" type="xsd:string"/>\n      '
                        '<xsd:element name="data" type="xsd:base64Binary"/>',
                        '<xsd:element name="contentType" type="xsd:string"/>\n      '
                        '<xsd:element name="data" type="xsd:base64Binary"/>\n      '
                        '<xsd:element name="attachmentName2" type="xsd:string"/>', 1)
    xsd.write_text(text, encoding="utf-8")
    contract = load_contract(folder / CANONICAL_WSDL.name)
    returned = set(write_read.returned_fields(contract, REQUESTED))
    assert "getAttachment/attachmentName2" in returned
    assert "getAttachment/attachmentName2" not in write_read.ORACLES
    pairs = {(p.write_op, p.read_key) for p in write_read.pairs(contract)}
    assert ("addAttachment", "getAttachment/attachmentName2") in pairs
