"""The kinds of difference ``conformance diff`` reports, and which of them break clients.

A change narrows, widens or changes (incomparably) what a message may hold. Whether that
breaks an existing client depends on who writes the message: in a request (``input``) the
client writes, so narrowing breaks it; in a response (``output``) it reads, so widening
does. :data:`KINDS` lists every kind with its verdict.
"""

from __future__ import annotations

INPUT, OUTPUT = "input", "output"
NARROWED, WIDENED, CHANGED = "narrowed", "widened", "changed"

_BY_DIRECTION = "breaking in a request, compatible in a response"
_AGAINST_DIRECTION = "compatible in a request, breaking in a response"

KINDS: dict[str, str] = {
    "namespace-changed": "breaking (reported once per namespace pair)",
    "binding-removed": "breaking (no SOAP 1.1 binding)",
    "transport-changed": "breaking",
    "operation-removed": "breaking",
    "operation-added": "compatible",
    "soap-action-changed": "breaking",
    "style-changed": "breaking",
    "use-changed": "breaking",
    "message-removed": "breaking",
    "message-added": "breaking",
    "part-removed": "breaking",
    "part-added": "breaking",
    "part-renamed": "compatible for document style (not on the wire), breaking for rpc",
    "part-kind-changed": "breaking (element= vs type=)",
    "message-element-changed": "breaking (the body element has another name)",
    "element-removed": "breaking",
    "element-renamed": "breaking",
    "element-respelled": "compatible (a name the reference spells both ways: messageID)",
    "required-element-added": _BY_DIRECTION,
    "optional-element-added": "compatible",
    "attribute-removed": "breaking",
    "required-attribute-added": _BY_DIRECTION,
    "optional-attribute-added": "compatible",
    "order-changed": "breaking",
    "model-changed": "breaking (sequence/choice/all)",
    "wildcard-added": _AGAINST_DIRECTION,
    "wildcard-removed": _BY_DIRECTION,
    "occurs-narrowed": _BY_DIRECTION,
    "occurs-widened": _AGAINST_DIRECTION,
    "occurs-changed": "breaking (neither range contains the other)",
    "nillable-narrowed": _BY_DIRECTION,
    "nillable-widened": _AGAINST_DIRECTION,
    "type-narrowed": _BY_DIRECTION,
    "type-widened": _AGAINST_DIRECTION,
    "type-changed": "breaking",
    "facet-narrowed": _BY_DIRECTION,
    "facet-widened": _AGAINST_DIRECTION,
    "facet-changed": "breaking",
    "enumeration-narrowed": _BY_DIRECTION,
    "enumeration-widened": _AGAINST_DIRECTION,
    "enumeration-changed": "breaking",
}


def classify(change: str, direction: str) -> bool:
    """Whether a narrowing, widening or incomparable change breaks an existing client."""
    if change == CHANGED:
        return True
    return change == (NARROWED if direction == INPUT else WIDENED)
