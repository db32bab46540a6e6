"""A target whose WSDL differs from the canonical one only in its namespace: the diff says
so (namespace only, reported), and the suite still tests it using the target's WSDL."""

from __future__ import annotations

from pathlib import Path

from suite_runs import prepare_and_run

from conformance.contract import CANONICAL_WSDL, CANONICAL_XSD, load_contract
from conformance.contractcheck import check_contract
from conformance.reference import ReferenceTarget, TargetConfig

VENDOR_NS = "urn:example-vendor:ticket"


def vendor_contract(tmp_path: Path) -> Path:
    for source in (CANONICAL_WSDL, CANONICAL_XSD):
        text = source.read_text(encoding="utf-8").replace(
            "urn:superoffice:service:ticket", VENDOR_NS)
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    return tmp_path / CANONICAL_WSDL.name


def test_namespace_only_target_is_reported_and_still_tested(tmp_path: Path) -> None:
    wsdl = vendor_contract(tmp_path)
    with ReferenceTarget(TargetConfig(), contract=load_contract(wsdl)) as target:
        report = check_contract(CANONICAL_WSDL, target.wsdl_url)
        assert report.diff.namespace_only and report.diff.differences
        outcomes = prepare_and_run(target.endpoint, target.wsdl_url,
                                   ["AM-WSDL", "AM-STATUS", "AM-BODY-EXACT", "AM-ERR-SESSION",
                                    "AM-ROBUST-FAULT"])
    assert {k: o.status for k, o in outcomes.items()} == dict.fromkeys(outcomes, "passed")
