"""Detection power: every fault of the catalogue is caught by the checks it names, with a
minimal example; every registered check is made to fail by at least one fault."""

from __future__ import annotations

import pytest

from conformance.reference.faults import BY_NAME, CATALOGUE
from conformance.suite.catalogue import all_checks
from conformance.suite.detection import run_embedded


@pytest.mark.parametrize("fault", [f.name for f in CATALOGUE])
def test_fault_is_caught_by_its_checks(fault: str) -> None:
    spec = BY_NAME[fault]
    outcomes = run_embedded([fault], list(spec.caught_by), seed=11)
    for check_id in spec.caught_by:
        outcome = outcomes[check_id]
        assert outcome.status == "failed", (check_id, outcome.status, outcome.reason)
        failure = outcome.failure
        assert failure is not None and failure["message"]
        assert failure["example"] is not None, "a failure carries its minimal example"
        if check_id != "AM-WSDL":  # a WSDL comparison sends no SOAP request
            assert failure["request"], "a failure carries the request envelope"
        assert failure["replay"]


def test_every_check_is_caught_by_some_fault() -> None:
    caught = {check_id for spec in CATALOGUE for check_id in spec.caught_by}
    uncaught = [c.id for c in all_checks() if c.id not in caught]
    assert not uncaught, f"checks no fault makes fail: {uncaught}"


def test_catalogue_names_only_registered_checks() -> None:
    known = {c.id for c in all_checks()}
    unknown = {(spec.name, c) for spec in CATALOGUE for c in spec.caught_by if c not in known}
    assert not unknown


def test_catalogue_has_at_least_twenty_faults() -> None:
    assert len(CATALOGUE) >= 20
