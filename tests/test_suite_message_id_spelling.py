"""The reference spells addMessage's out parameter ``messageID`` in its parameter table and
``messageId`` in its example. A target whose WSDL says ``messageID`` (for getMessage's
parameter too) is correct: the suite, using that WSDL, passes it. Without the spelling
being matched, every check that reads the new message's id failed it ("empty messageId")."""

from __future__ import annotations

from pathlib import Path

from suite_runs import prepare_and_run

from conformance.contract import CANONICAL_WSDL, CANONICAL_XSD, load_contract
from conformance.contractcheck import check_contract
from conformance.reference import ReferenceTarget, TargetConfig

CHECKS = ["AM-MESSAGE-ID", "AM-MESSAGE-LISTED", "AM-BODY-EXACT", "AM3-HTML", "AM-ROUNDTRIP",
          "AM-NOTIFY-TRUE", "AM-SCHEMA", "AM-WSDL"]


def capitalised_contract(tmp_path: Path) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / CANONICAL_WSDL.name).write_bytes(CANONICAL_WSDL.read_bytes())
    xsd = CANONICAL_XSD.read_text(encoding="utf-8")
    assert xsd.count('name="messageId"') >= 4  # the three responses and getMessage
    (tmp_path / CANONICAL_XSD.name).write_text(
        xsd.replace('name="messageId"', 'name="messageID"'), encoding="utf-8")
    return tmp_path / CANONICAL_WSDL.name


def test_a_wsdl_spelling_message_id_as_the_parameter_table_passes(tmp_path: Path) -> None:
    contract = load_contract(capitalised_contract(tmp_path))
    with ReferenceTarget(TargetConfig(), contract=contract) as target:
        outcomes = prepare_and_run(target.endpoint, target.wsdl_url, CHECKS)
        served = target.app.wsdl_for(target.endpoint)
    assert {k: (o.status, o.reason) for k, o in outcomes.items()
            if o.status != "passed"} == {}
    assert all(o.examples > 0 for o in outcomes.values()), outcomes
    report = check_contract(CANONICAL_WSDL, capitalised_contract(tmp_path / "again"))
    respelled = [d for d in report.diff.differences if d.kind == "element-respelled"]
    assert len(respelled) >= 4 and not any(d.breaking for d in report.diff.differences)
    assert b"schemaLocation" in served  # the target's own XSD, with messageID, was used
