"""WS-I BP 1.1 assertions on where and how a client calls: distinct port addresses
(R2711) and soapAction values present, unique and the same in SOAP 1.2 bindings (R2744)."""

from __future__ import annotations

from collections import Counter

from conformance.contractcheck.wsi.model import SOAP, SOAP12, BoundOperation, Model, find_named
from conformance.contractcheck.wsi.reader import WSDL
from conformance.contractcheck.wsi.registry import wsi_assertion


@wsi_assertion("R2711", "no two ports share a soap:address location", level="SHOULD")
def _distinct_addresses(model: Model) -> list[str]:
    locations = Counter(
        a.get("location")
        for d in model.description.definitions
        for a in d.iterfind(f"{WSDL}service/{WSDL}port/{SOAP}address")
    )
    return [f"{location!r} is used by {count} ports"
            for location, count in locations.items() if count > 1]


@wsi_assertion(
    "R2744",
    "soapAction present, unique per operation, same in every SOAP binding (sent per R2744)",
    level="SHOULD",
)
def _soap_actions(model: Model) -> list[str]:
    problems = []
    actions: dict[str, dict[str, str]] = {}  # binding -> action -> operation
    for op in model.operations():
        soap_op = op.soap_operation
        action = soap_op.get("soapAction") if soap_op is not None else None
        if not action:
            problems.append(f"{op.name}: no soapAction")
            continue
        by_action = actions.setdefault(op.binding.get("name") or "", {})
        if action in by_action:
            problems.append(f"{by_action[action]!r} and {op.name!r} share soapAction {action!r}")
        by_action[action] = op.name
        problems += _soap12_action_mismatch(model, op, action)
    return problems


def _soap12_action_mismatch(model: Model, op: BoundOperation, action: str) -> list[str]:
    problems = []
    for binding in model.bindings:
        same_port_type = binding.get("type") == op.binding.get("type")
        if binding.find(f"{SOAP12}binding") is None or not same_port_type:
            continue
        other = find_named(binding, f"{WSDL}operation", op.name)
        soap12 = other.find(f"{SOAP12}operation") if other is not None else None
        if soap12 is not None and soap12.get("soapAction", action) != action:
            problems.append(f"{op.name}: soapAction {action!r} in SOAP 1.1 but "
                            f"{soap12.get('soapAction')!r} in SOAP 1.2")
    return problems
