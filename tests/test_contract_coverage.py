"""Contract coverage: the items come from the contract, a call reaches exactly what it
sends, the standard profile reaches everything reachable in the addMessage family, and the
report shows the figure, the table and what was not reached."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from embedded_runs import run_with
from lxml import html

from conformance.contract import CANONICAL_WSDL, SCHEMAS_DIR, load_contract
from conformance.report import render_report
from conformance.suite.coverage import Coverage

# The checks whose examples, at the standard profile, should reach the whole family: the
# coverage phase of AM-STATUS (every pair, templates too), the sizes of AM-BODY-LIMITS and
# the documented error codes.
REACHING = ["AM-STATUS", "AM-BODY-LIMITS", "AM-ERR-SESSION", "AM-ERR-TICKET",
            "AM-ERR-SLEVEL", "AM-ERR-ATTACHMENT"]
FAMILY = ("addMessage", "addMessage2", "addMessage3")


def test_items_follow_the_contract() -> None:
    items = Coverage(load_contract()).items
    assert ("element", "addMessage3/htmlMessageBody") in items
    assert ("element", "addMessage/htmlMessageBody") not in items
    assert ("value", "addMessage2/sendNotification = true") in items
    assert ("occurs", "addMessage3/Bcc: many") in items
    assert ("operation", "getReplyTemplate") in items
    assert ("error", "16 UnknownAttachment") in items
    assert not any(kind == "facet" for kind, _ in items)  # no facets on canonical inputs


def test_a_call_reaches_what_it_sends() -> None:
    coverage = Coverage(load_contract())
    coverage.note("addMessage", {"sessionKey": "k", "messageBody": "x" * 300, "ticketId": "1",
                                 "sLevel": "1", "attachmentIds": {"item": ["1", "2"]},
                                 "sendNotification": False}, "0")
    reached = {i for i, r in coverage.items.items() if r}
    assert reached == {
        ("operation", "addMessage"), ("error", "0 NoError"),
        *(("element", f"addMessage/{e}") for e in (
            "sessionKey", "messageBody", "ticketId", "sLevel", "attachmentIds/item",
            "sendNotification")),
        ("value", "addMessage/sLevel = 1"), ("value", "addMessage/sendNotification = false"),
        ("occurs", "addMessage/attachmentIds: many"), ("limit", "messageBody > 255 bytes")}


def test_a_facet_in_a_target_contract_is_an_item_reached_at_its_boundary(tmp_path: Path
                                                                          ) -> None:
    folder = tmp_path / "schemas"
    shutil.copytree(SCHEMAS_DIR, folder)
    xsd = folder / "ticket.xsd"
    text = xsd.read_text(encoding="utf-8")
    old = ('<xsd:element name="addMessage">\n    <xsd:complexType><xsd:sequence>\n'
           '      <xsd:element name="sessionKey" type="xsd:string"/>\n'
           '      <xsd:element name="messageBody" type="xsd:string"/>')
    assert old in text
    xsd.write_text(text.replace(old, old.replace(
        '<xsd:element name="messageBody" type="xsd:string"/>',
        '<xsd:element name="messageBody"><xsd:simpleType><xsd:restriction base="xsd:string">'
        '<xsd:maxLength value="4000"/></xsd:restriction></xsd:simpleType></xsd:element>')),
        encoding="utf-8")
    coverage = Coverage(load_contract(folder / CANONICAL_WSDL.name))
    item = ("facet", "addMessage/messageBody maxLength = 4000")
    assert item in coverage.items
    coverage.note("addMessage", {"messageBody": "x" * 3999}, "0")
    assert not coverage.items[item]
    coverage.note("addMessage", {"messageBody": "x" * 4000}, "0")
    assert coverage.items[item]


def test_standard_profile_reaches_everything_in_the_addmessage_family() -> None:
    outcomes, ctx = run_with(REACHING, profile="standard", seed=7)
    assert all(o.status == "passed" for o in outcomes.values()), {
        k: o.failure or o.reason for k, o in outcomes.items() if o.status != "passed"}
    summary = ctx.coverage.summary()
    # Operations outside the family (getAttachment, getReplyTemplate...) are reached by
    # other checks; everything of the family itself must be reached by these.
    missing = [e for e in summary["not_reached"]
               if e["kind"] != "operation" or e["item"] in FAMILY]
    assert missing == [], missing
    assert {e["kind"] for e in summary["items"]} >= {"element", "value", "occurs", "limit",
                                                     "error", "operation"}


def test_report_shows_coverage_as_table_figure_and_sentence(tmp_path: Path) -> None:
    coverage = Coverage(load_contract())
    coverage.note("addMessage", {"sessionKey": "k", "sLevel": "2"}, "5")
    summary = coverage.summary()
    results = {"verdict": "conformant", "seed": 1, "profile": "quick", "target": {},
               "checks": [{"id": "AM-X", "title": "t", "level": "MUST", "status": "passed",
                           "examples": 1, "failure": None, "family": "persistence"}],
               "coverage": summary}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    page = html.parse(str(render_report(path, tmp_path / "report.html")))
    sentence = " ".join(page.xpath('string(//p[@id="coverage-sentence"])').split())
    assert f"reached {summary['percent']:g} % of the contract" in sentence
    assert "not reached:" in sentence and "addMessage/messageBody" in sentence
    assert f"and {len(summary['not_reached']) - 40} more" in sentence
    table = " ".join(page.xpath('string(//table[@id="coverage-table"])').split())
    assert "addMessage3/htmlMessageBody" in table  # the table lists every item not reached
    rows = page.xpath('//table[@id="coverage-table"]/tbody/tr')
    assert len(rows) == len(summary["kinds"])
    assert page.xpath('//figure[@id="coverage-figure"]//*[local-name()="svg"]')
    bars = page.xpath('//figure[@id="coverage-figure"]//*[local-name()="g"]/@data-kind')
    assert set(bars) == set(summary["kinds"])


def test_the_state_machines_calls_count_as_coverage() -> None:
    """AM-STATEFUL sends the addMessage family itself (not through ctx.send): what it sends
    is reached all the same (issue 10.4)."""
    outcomes, ctx = run_with(["AM-STATEFUL"], seed=5)
    assert outcomes["AM-STATEFUL"].status == "passed"
    reached = {item for item, hit in ctx.coverage.items.items() if hit}
    assert {("operation", op) for op in ("addMessage", "addMessage2", "addMessage3")} <= reached
    assert ("element", "addMessage/messageBody") in reached
