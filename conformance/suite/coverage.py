"""Contract coverage of a run: which parts of the addMessage family's contract it exercised.

The items come from the contract the run uses (``schema_fields.py`` walks its XSD):

- ``operation``: every operation of the port, reached when the run called it;
- ``element``: every input element of addMessage/2/3, reached when sent with content;
- ``value``: each value of a boolean or an enumeration, and the documented values of
  :data:`DOCUMENTED_VALUES` (sLevel 1 and 2; replyTemplateId 0 and > 0);
- ``occurs``: a list element with 0, 1 and several items;
- ``facet``: a facet boundary of an input type, reached at the boundary (none in the
  canonical contract, which has no facets on inputs; a target's own WSDL may have some);
- ``limit``: messageBody and htmlMessageBody past each size where storage commonly cuts
  (over the family: storage is shared by the three variants);
- ``error``: the error codes the addMessage family documents for its parameters.

Calls are noted as they are sent (:meth:`Coverage.note`); :meth:`Coverage.summary` is what
results.json carries under ``coverage``.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from conformance.contract import Contract
from conformance.strategies.edge_examples import SIZES
from conformance.suite.schema_fields import Leaf, input_leaves

SUBJECTS = ("addMessage", "addMessage2", "addMessage3")
KINDS = ("operation", "element", "value", "occurs", "facet", "limit", "error")
# Values the reference documents for string-typed parameters (ticket-port.md).
DOCUMENTED_VALUES = {"sLevel": ("1", "2"), "replyTemplateId": ("0", "> 0")}
# Error codes whose conditions the addMessage family's parameters document.
ERROR_CODES = {"0": "NoError", "5": "InvalidSessionKey", "10": "InvalidSLevel",
               "13": "UnknownTicket", "16": "UnknownAttachment"}
LIMITED = ("messageBody", "htmlMessageBody")


def values_at(data: Any, path: str) -> list[Any]:
    """The values at a leaf path of a request's parameters (lists flattened)."""
    found = [data]
    for part in path.split("/"):
        nxt: list[Any] = []
        for value in found:
            if isinstance(value, dict) and part in value:
                inner = value[part]
                nxt.extend(inner if isinstance(inner, list) else [inner])
        found = nxt
    return found


def _value_label(leaf: Leaf, value: Any) -> str | None:
    if leaf.is_boolean():
        return "true" if value in (True, "true", "1") else "false"
    documented = DOCUMENTED_VALUES.get(leaf.name)
    if documented and leaf.name == "replyTemplateId":
        digits = str(value).strip()
        return "0" if digits == "0" else "> 0" if digits.isdigit() else None
    return str(value)


class Coverage:
    """The items of a contract and which of them the run reached."""

    def __init__(self, contract: Contract) -> None:
        self.items: dict[tuple[str, str], bool] = {}
        self.leaves = {op: input_leaves(contract, op) for op in SUBJECTS
                       if op in contract.operations}
        self.codes: Counter[str] = Counter()
        self._lock = threading.Lock()
        for name in contract.operations:
            self.items[("operation", name)] = False
        for op, leaves in self.leaves.items():
            for leaf in leaves:
                self._declare(op, leaf)
        for name in LIMITED:
            if any(leaf.name == name for leaves in self.leaves.values() for leaf in leaves):
                for size in SIZES:
                    self.items[("limit", f"{name} > {size} bytes")] = False
        for code, name in ERROR_CODES.items():
            self.items[("error", f"{code} {name}")] = False

    def _declare(self, op: str, leaf: Leaf) -> None:
        where = f"{op}/{leaf.path}"
        self.items[("element", where)] = False
        values = leaf.enumeration() or (["false", "true"] if leaf.is_boolean() else
                                        list(DOCUMENTED_VALUES.get(leaf.name, ())))
        for value in values:
            self.items[("value", f"{where} = {value}")] = False
        if leaf.repeated:
            for count in ("0", "1", "many"):
                self.items[("occurs", f"{op}/{leaf.path.rpartition('/')[0]}: {count}")] = False
        for facet, bound in leaf.boundaries().items():
            self.items[("facet", f"{where} {facet} = {bound}")] = False

    def reach(self, kind: str, item: str) -> None:
        if (kind, item) in self.items:
            self.items[(kind, item)] = True

    # noting what a run sends and gets ---------------------------------------------------
    def note(self, operation: str, params: dict[str, Any], error_code: str | None) -> None:
        """One call as sent (its parameters) and the errorCode it got (None: a Fault)."""
        with self._lock:
            self.reach("operation", operation)
            if error_code is not None:
                self.codes[error_code] += 1
                name = ERROR_CODES.get(error_code)
                if name and operation in SUBJECTS:
                    self.reach("error", f"{error_code} {name}")
            for leaf in self.leaves.get(operation, []):
                self._note_leaf(operation, leaf, values_at(params, leaf.path))

    def _note_leaf(self, op: str, leaf: Leaf, values: list[Any]) -> None:
        where = f"{op}/{leaf.path}"
        present = [v for v in values if v is not None and v != ""]
        if present:
            self.reach("element", where)
        for value in present:
            label = _value_label(leaf, value)
            if label is not None:
                self.reach("value", f"{where} = {label}")
            for facet, bound in leaf.boundaries().items():
                if _at_boundary(facet, bound, value):
                    self.reach("facet", f"{where} {facet} = {bound}")
            if leaf.name in LIMITED:
                size = len(str(value).encode("utf-8", "surrogatepass"))
                for limit in SIZES:
                    if size > limit:
                        self.reach("limit", f"{leaf.name} > {limit} bytes")
        if leaf.repeated:
            count = len(present)
            label = "0" if count == 0 else "1" if count == 1 else "many"
            self.reach("occurs", f"{op}/{leaf.path.rpartition('/')[0]}: {label}")

    def note_operations(self, names: list[str]) -> None:
        """Operations called outside :meth:`note` (set-up, observation)."""
        with self._lock:
            for name in names:
                self.reach("operation", name)

    # the summary -------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        kinds = {}
        for kind in KINDS:
            members = [r for (k, _), r in self.items.items() if k == kind]
            if members:
                kinds[kind] = {"reached": sum(members), "total": len(members)}
        reached = sum(self.items.values())
        total = len(self.items)
        return {
            "reached": reached, "total": total,
            "percent": round(100.0 * reached / total, 1) if total else 100.0,
            "kinds": kinds,
            "not_reached": [{"kind": k, "item": i} for (k, i), r in self.items.items()
                            if not r],
            "items": [{"kind": k, "item": i, "reached": r} for (k, i), r in self.items.items()],
            "error_codes_returned": dict(sorted(self.codes.items())),
        }


def _at_boundary(facet: str, bound: Any, value: Any) -> bool:
    if facet in ("length", "minLength", "maxLength"):
        return len(str(value)) == int(bound)
    try:
        return float(value) == float(bound)
    except (TypeError, ValueError):
        return False
