"""The WSDL half of ``conformance diff``: bindings, operations, messages and parts.

The SOAP 1.1 binding of each contract (its transport), operations matched by name (their
soapAction, allowing for one that embeds a changed namespace, and style), and the input and
output of each (``soap:body use``, the parts, matched by name or else by position). Each
part's element or type is then compared by :class:`SchemaDiffer`.
"""

from __future__ import annotations

from typing import Any

from xmlschema.extras.wsdl import Wsdl11Document
from xmlschema.validators import XsdElement

from conformance.contract import ContractError
from conformance.contractcheck.diff.components import namespace_of, part_type, show_part
from conformance.contractcheck.diff.kinds import INPUT, OUTPUT
from conformance.contractcheck.diff.operations import (
    Message,
    Operation,
    bound_operations,
    soap11_binding,
)
from conformance.contractcheck.diff.schema import SchemaDiffer


class Differ(SchemaDiffer):
    """Compares two contracts from their SOAP 1.1 bindings down; one per comparison."""

    def __init__(self) -> None:
        super().__init__()
        self.namespace_map: dict[str, str] = {}

    def compare(self, canonical: Wsdl11Document, target: Wsdl11Document) -> None:
        self.namespace("definitions", canonical.target_namespace, target.target_namespace,
                       scope="WSDL")
        c_binding = soap11_binding(canonical)
        if c_binding is None:
            raise ContractError("the canonical WSDL has no SOAP 1.1 binding")
        t_binding = soap11_binding(target, c_binding.local_name)
        if t_binding is None:
            self.add("binding-removed", "binding", c_binding.local_name, None, True,
                     "the target has no SOAP 1.1 binding: SOAP 1.1 clients cannot call it")
            return
        if c_binding.soap_transport != t_binding.soap_transport:
            self.add("transport-changed", "binding", c_binding.soap_transport,
                     t_binding.soap_transport, True, "the SOAP transport differs")
        c_ops, t_ops = bound_operations(c_binding), bound_operations(t_binding)
        self._map_namespaces(canonical, target, c_ops, t_ops)
        for name, c_op in c_ops.items():
            if name in t_ops:
                self.operation(c_op, t_ops[name])
            else:
                self.add("operation-removed", name, name, None, True,
                         f"operation {name} is missing from the target")
        for name in [n for n in t_ops if n not in c_ops]:
            self.add("operation-added", name, None, name, False,
                     f"the target adds operation {name}")

    def _map_namespaces(self, canonical: Any, target: Any, c_ops: dict[str, Operation],
                        t_ops: dict[str, Operation]) -> None:
        self.namespace_map[canonical.target_namespace] = target.target_namespace
        for name in c_ops.keys() & t_ops.keys():
            c_parts = c_ops[name].messages.get(INPUT)
            t_parts = t_ops[name].messages.get(INPUT)
            if c_parts and t_parts and c_parts.parts and t_parts.parts:
                c_ns = namespace_of(getattr(c_parts.parts[0][1], "name", None))
                t_ns = namespace_of(getattr(t_parts.parts[0][1], "name", None))
                if c_ns and t_ns:
                    self.namespace_map.setdefault(c_ns, t_ns)

    def _expected_action(self, action: str) -> str:
        for canonical, target in sorted(self.namespace_map.items(), key=lambda i: -len(i[0])):
            if canonical and canonical != target and canonical in action:
                return action.replace(canonical, target)
        return action

    def operation(self, c_op: Operation, t_op: Operation) -> None:
        name = c_op.name
        if c_op.soap_action != t_op.soap_action:
            if self._expected_action(c_op.soap_action) == t_op.soap_action:
                self.actions_follow_namespace = True
            else:
                self.add("soap-action-changed", name, c_op.soap_action, t_op.soap_action, True,
                         "clients send the canonical SOAPAction header")
        if c_op.style != t_op.style:
            self.add("style-changed", name, c_op.style, t_op.style, True,
                     "the body layout differs between document and rpc style")
        for direction in (INPUT, OUTPUT):
            c_msg, t_msg = c_op.messages.get(direction), t_op.messages.get(direction)
            path = f"{name}/{direction}"
            if c_msg is not None and t_msg is None:
                self.add("message-removed", path, direction, None, True,
                         f"the target's {name} has no {direction} message")
            elif c_msg is None and t_msg is not None:
                self.add("message-added", path, None, direction, True,
                         f"the target's {name} has an {direction} message the canonical lacks")
            elif c_msg is not None and t_msg is not None:
                rpc = "rpc" in (c_op.style, t_op.style)
                self.message(path, c_msg, t_msg, direction, rpc)

    def message(self, path: str, c_msg: Message, t_msg: Message, direction: str,
                rpc: bool) -> None:
        c_use, t_use = c_msg.use or "literal", t_msg.use or "literal"
        if c_use != t_use:
            self.add("use-changed", path, c_use, t_use, True, f"soap:body use is {t_use}")
        c_parts, t_parts = dict(c_msg.parts), dict(t_msg.parts)
        pairs = [(n, n) for n in c_parts if n in t_parts]
        c_rest = [n for n in c_parts if n not in t_parts]
        t_rest = [n for n in t_parts if n not in c_parts]
        for c_name, t_name in zip(c_rest, t_rest, strict=False):
            self.add("part-renamed", path, c_name, t_name, rpc,
                     "an rpc part name is an accessor element on the wire" if rpc else
                     "part names do not appear on the wire in document style")
            pairs.append((c_name, t_name))
        for c_name in c_rest[len(t_rest):]:
            self.add("part-removed", f"{path}/{c_name}", c_name, None, True,
                     f"message part {c_name} is missing")
        for t_name in t_rest[len(c_rest):]:
            self.add("part-added", f"{path}/{t_name}", None, t_name, True,
                     f"the target adds message part {t_name}")
        single = len(c_parts) == 1
        for c_name, t_name in pairs:
            where = path if single else f"{path}/{c_name}"
            self.part(where, c_parts[c_name], t_parts[t_name], direction)

    def part(self, path: str, c_part: Any, t_part: Any, direction: str) -> None:
        c_is_element, t_is_element = isinstance(c_part, XsdElement), isinstance(t_part, XsdElement)
        if c_is_element != t_is_element:
            self.add("part-kind-changed", path, show_part(c_part), show_part(t_part), True,
                     "the part references a type instead of an element, or the reverse")
            self.type(path, part_type(c_part), part_type(t_part), direction, frozenset())
            return
        if c_is_element:
            if c_part.local_name != t_part.local_name:
                self.add("message-element-changed", path, c_part.local_name, t_part.local_name,
                         True, "the body element has another name")
            self.element(path, c_part, t_part, direction, frozenset())
        else:
            self.type(path, c_part, t_part, direction, frozenset())
