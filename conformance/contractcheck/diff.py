"""Compare a target's WSDL with the canonical contract and classify every difference.

The comparison walks the SOAP 1.1 binding: operations (by name), their soapAction and
style, and for the input and output of each, ``soap:body use``, the message parts, and the
element each part references, recursively through complex types (children with their
effective occurrence bounds, attributes) down to simple types (built-in base type,
enumerations, lengths, patterns, bounds, digits).

A difference is **breaking** when an existing client of the canonical contract can fail
against the target. What narrows or widens the accepted values depends on who writes the
message: in a request (``input``) the client writes, so a narrowed type, a raised
``minOccurs`` or a new required element breaks it and a widened one does not; in a
response (``output``) the client reads, so it is the other way round (a widened type or a
new enumeration value breaks it, a narrowed one does not). Removals, renames, incomparable
changes and namespace changes break in both directions. :data:`KINDS` lists every kind.

Elements are matched by local name, so a target that differs only in namespace is still
compared in full; the namespace change itself is reported once per pair of namespaces
(``DiffReport.namespace_only`` tells the suite it can still test such a target).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xmlschema.extras.wsdl import Wsdl11Document, WsdlParseError
from xmlschema.validators import (
    XsdAnyElement,
    XsdAtomic,
    XsdAtomicRestriction,
    XsdAttribute,
    XsdComplexType,
    XsdElement,
    XsdGroup,
    XsdList,
    XsdSimpleType,
    XsdUnion,
)

from conformance import ns
from conformance.contract import ContractError
from conformance.contractcheck.wsi import read_description

INPUT, OUTPUT = "input", "output"
NARROWED, WIDENED, CHANGED = "narrowed", "widened", "changed"
LOAD_TIMEOUT = 10.0

_XSD = f"{{{ns.XSD}}}"
_LEXICAL_TOP = {f"{_XSD}string", f"{_XSD}anySimpleType", f"{_XSD}anyAtomicType"}
_EXTRA_WIDENINGS = {(f"{_XSD}float", f"{_XSD}double")}
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


@dataclass(frozen=True)
class Difference:
    """One difference between the canonical contract and the target's."""

    kind: str
    path: str  # e.g. addMessage/input/attachmentIds/item
    canonical: str | None
    target: str | None
    breaking: bool
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DiffReport:
    """All differences, in contract order; the verdict derives from them."""

    canonical_source: str
    target_source: str
    differences: list[Difference] = field(default_factory=list)

    @property
    def breaking(self) -> bool:
        return any(d.breaking for d in self.differences)

    @property
    def namespace_only(self) -> bool:
        """True if the namespaces are all that differ (the suite can still test the target)."""
        return bool(self.differences) and all(
            d.kind == "namespace-changed" for d in self.differences
        )

    def to_dict(self) -> dict[str, Any]:
        breaking = sum(d.breaking for d in self.differences)
        return {
            "canonical": self.canonical_source,
            "target": self.target_source,
            "breaking": self.breaking,
            "namespace_only": self.namespace_only,
            "counts": {"breaking": breaking, "compatible": len(self.differences) - breaking},
            "differences": [d.to_dict() for d in self.differences],
        }


Source = str | Path | Wsdl11Document
"""A WSDL given as a path, a URL (e.g. ``<endpoint>?wsdl``) or an already loaded document."""


def diff_contracts(canonical_source: Source, target_source: Source) -> DiffReport:
    """Compare two WSDL 1.1 contracts and classify each difference.

    Raises :class:`ContractError` if either cannot be read or is not a usable WSDL.
    """
    target = load_wsdl(target_source)  # first: the target is the one likely to be broken
    canonical = load_wsdl(canonical_source)
    differ = _Differ()
    differ.compare(canonical, target)
    return DiffReport(_name(canonical_source), _name(target_source), differ.result())


def _name(source: Source) -> str:
    if isinstance(source, Wsdl11Document):
        return str(source.url or "<document>")
    return str(source)


def load_wsdl(source: Source) -> Wsdl11Document:
    """Load a WSDL with its schemas, turning every failure into one readable line."""
    if isinstance(source, Wsdl11Document):
        return source
    read_description(source)  # a clear error for unreadable input and non-WSDL documents
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return _Wsdl11Document(str(source), validation="skip", timeout=LOAD_TIMEOUT)
        except Exception as exc:  # xmlschema raises many kinds; all mean "unusable WSDL"
            hints = [_first_line(w.message) for w in caught]
            reason = "; ".join([_first_line(exc), *hints[:1]])
            raise ContractError(f"cannot load WSDL {source}: {reason}") from None


class _Wsdl11Document(Wsdl11Document):  # type: ignore[misc]
    """Skips validating the WSDL against the WSDL 1.1 XSD (~40% of the load time; WS-I
    looks at the structure) but still refuses what the model cannot be built from (missing
    messages, elements, types, port types)."""

    def parse_error(self, message: Any) -> None:
        raise WsdlParseError(message)


def _first_line(error: object) -> str:
    text = getattr(error, "reason", None) or getattr(error, "message", None) or str(error)
    line = next((s.strip() for s in str(text).splitlines() if s.strip()), type(error).__name__)
    return line if len(line) <= 240 else line[:237] + "..."


def classify(change: str, direction: str) -> bool:
    """Whether a narrowing, widening or incomparable change breaks an existing client."""
    if change == CHANGED:
        return True
    return change == (NARROWED if direction == INPUT else WIDENED)


# The operation model ----------------------------------------------------------------------------


@dataclass
class _Message:
    use: str | None
    parts: list[tuple[str, Any]]  # (part name, XsdElement or XsdType), as bound by soap:body


@dataclass
class _Operation:
    name: str
    soap_action: str
    style: str
    messages: dict[str, _Message]


def _soap11_binding(document: Wsdl11Document, preferred: str | None = None) -> Any:
    bindings = [
        b for b in document.bindings.values()
        if b.soap_binding is not None and b.soap_binding.tag == f"{{{ns.WSDL_SOAP11}}}binding"
    ]
    named = [b for b in bindings if b.local_name == preferred]
    return (named or bindings or [None])[0]


def _operations(binding: Any) -> dict[str, _Operation]:
    operations = {}
    for (name, _input, _output), op in binding.operations.items():
        messages = {}
        for direction in (INPUT, OUTPUT):
            ref = getattr(op, direction)
            if ref is None:
                continue
            body = ref.soap_body
            parts = list(ref.message.parts.items()) if ref.message is not None else []
            if body is not None and body.elem.get("parts") is not None:
                parts = [(n, p) for n, p in parts if n in body.parts]
            messages[direction] = _Message(body.use if body is not None else None, parts)
        # not op.soap_style: it says "document" when soap:operation has no style attribute,
        # where WSDL 1.1 (3.4) takes the style of soap:binding
        own_style = op.soap_operation.get("style") if op.soap_operation is not None else None
        style = own_style or binding.soap_style or "document"
        operations[name] = _Operation(name, op.soap_action or "", style, messages)
    return operations


# The comparison -------------------------------------------------------------------------------


def _namespace(name: str | None) -> str:
    return name[1:].split("}", 1)[0] if name and name.startswith("{") else ""


def _local(name: str | None) -> str:
    return (name or "").rsplit("}", 1)[-1]


def _show_type(xsd_type: Any) -> str:
    name = getattr(xsd_type, "name", None)
    if not name:
        return "anonymous type"
    return f"xsd:{_local(name)}" if _namespace(name) == ns.XSD else _local(name)


def _show_occurs(low: int, high: int | None) -> str:
    return f"{low}..{'unbounded' if high is None else high}"


class _Differ:
    """Collects differences while walking two contracts side by side."""

    def __init__(self) -> None:
        self.differences: list[Difference] = []
        self.namespace_pairs: dict[tuple[str, str, str], list[str]] = {}
        self.namespace_map: dict[str, str] = {}
        self.actions_follow_namespace = False

    def add(self, kind: str, path: str, canonical: Any, target: Any, breaking: bool,
            message: str) -> None:
        shown = [None if v is None else str(v) for v in (canonical, target)]
        self.differences.append(Difference(kind, path, *shown, breaking, message))

    def add_change(self, aspect: str, change: str, direction: str, path: str,
                   canonical: Any, target: Any, message: str) -> None:
        self.add(f"{aspect}-{change}", path, canonical, target, classify(change, direction),
                 f"{message} ({change} in the {'request' if direction == INPUT else 'response'})"
                 if change != CHANGED else message)

    def result(self) -> list[Difference]:
        namespace_differences = []
        for (scope, canonical, target), paths in self.namespace_pairs.items():
            more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
            follow = (" (soapAction values that embed the namespace follow it)"
                      if self.actions_follow_namespace else "")
            namespace_differences.append(Difference(
                "namespace-changed", paths[0], canonical or "(none)", target or "(none)", True,
                f"{scope} namespace {canonical or '(none)'!r} became {target or '(none)'!r} "
                f"at {paths[0]}{more}{follow}"))
        return namespace_differences + self.differences

    def namespace(self, path: str, canonical: str, target: str, scope: str = "element") -> None:
        """Record a namespace change, reported once per scope and pair of namespaces."""
        if canonical != target:
            self.namespace_pairs.setdefault((scope, canonical, target), []).append(path)

    # WSDL level

    def compare(self, canonical: Wsdl11Document, target: Wsdl11Document) -> None:
        self.namespace("definitions", canonical.target_namespace, target.target_namespace,
                       scope="WSDL")
        c_binding = _soap11_binding(canonical)
        if c_binding is None:
            raise ContractError("the canonical WSDL has no SOAP 1.1 binding")
        t_binding = _soap11_binding(target, c_binding.local_name)
        if t_binding is None:
            self.add("binding-removed", "binding", c_binding.local_name, None, True,
                     "the target has no SOAP 1.1 binding: SOAP 1.1 clients cannot call it")
            return
        if c_binding.soap_transport != t_binding.soap_transport:
            self.add("transport-changed", "binding", c_binding.soap_transport,
                     t_binding.soap_transport, True, "the SOAP transport differs")
        c_ops, t_ops = _operations(c_binding), _operations(t_binding)
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

    def _map_namespaces(self, canonical: Any, target: Any, c_ops: dict[str, _Operation],
                        t_ops: dict[str, _Operation]) -> None:
        self.namespace_map[canonical.target_namespace] = target.target_namespace
        for name in c_ops.keys() & t_ops.keys():
            c_parts = c_ops[name].messages.get(INPUT)
            t_parts = t_ops[name].messages.get(INPUT)
            if c_parts and t_parts and c_parts.parts and t_parts.parts:
                c_ns = _namespace(getattr(c_parts.parts[0][1], "name", None))
                t_ns = _namespace(getattr(t_parts.parts[0][1], "name", None))
                if c_ns and t_ns:
                    self.namespace_map.setdefault(c_ns, t_ns)

    def _expected_action(self, action: str) -> str:
        for canonical, target in sorted(self.namespace_map.items(), key=lambda i: -len(i[0])):
            if canonical and canonical != target and canonical in action:
                return action.replace(canonical, target)
        return action

    def operation(self, c_op: _Operation, t_op: _Operation) -> None:
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

    def message(self, path: str, c_msg: _Message, t_msg: _Message, direction: str,
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
            self.add("part-kind-changed", path, _show_part(c_part), _show_part(t_part), True,
                     "the part references a type instead of an element, or the reverse")
            self.type(path, _part_type(c_part), _part_type(t_part), direction, frozenset())
            return
        if c_is_element:
            if c_part.local_name != t_part.local_name:
                self.add("message-element-changed", path, c_part.local_name, t_part.local_name,
                         True, "the body element has another name")
            self.element(path, c_part, t_part, direction, frozenset())
        else:
            self.type(path, c_part, t_part, direction, frozenset())

    # Schema level

    def element(self, path: str, c_el: Any, t_el: Any, direction: str,
                seen: frozenset[tuple[int, int]]) -> None:
        self.namespace(path, _namespace(c_el.name), _namespace(t_el.name))
        if c_el.nillable != t_el.nillable:
            change = WIDENED if t_el.nillable else NARROWED
            self.add_change("nillable", change, direction, path, c_el.nillable, t_el.nillable,
                            "nillable " + ("allowed" if t_el.nillable else "no longer allowed"))
        self.type(path, c_el.type, t_el.type, direction, seen)

    def type(self, path: str, c_type: Any, t_type: Any, direction: str,
             seen: frozenset[tuple[int, int]]) -> None:
        key = (id(c_type), id(t_type))
        if key in seen or c_type is t_type:
            return
        seen = seen | {key}
        c_any, t_any = _is_any_type(c_type), _is_any_type(t_type)
        if c_any or t_any:
            if c_any != t_any:
                change = WIDENED if t_any else NARROWED
                self.add_change("type", change, direction, path, _show_type(c_type),
                                _show_type(t_type), "the element type is (or was) anyType")
            return
        c_simple, t_simple = _simple_content(c_type), _simple_content(t_type)
        if (c_simple is None) != (t_simple is None):
            self.add("type-changed", path, _show_type(c_type), _show_type(t_type), True,
                     "simple content became element content, or the reverse")
            return
        if c_simple is not None:
            self.simple(path, c_simple, t_simple, direction)
        if isinstance(c_type, XsdComplexType) and isinstance(t_type, XsdComplexType):
            self.attributes(path, c_type, t_type, direction)
            if c_simple is None:
                self.content(path, c_type.content, t_type.content, direction, seen)

    def attributes(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_attrs, t_attrs = _attributes(c_type), _attributes(t_type)
        for name, c_attr in c_attrs.items():
            where = f"{path}/@{_local(name)}"
            t_attr = t_attrs.get(name)
            if t_attr is None:
                self.add("attribute-removed", where, _local(name), None, True,
                         f"attribute {_local(name)} is missing")
                continue
            c_req, t_req = c_attr.use == "required", t_attr.use == "required"
            if c_req != t_req:
                self.add_change("occurs", NARROWED if t_req else WIDENED, direction, where,
                                c_attr.use, t_attr.use, "attribute use changed")
            self.simple(where, c_attr.type, t_attr.type, direction)
        for name in [n for n in t_attrs if n not in c_attrs]:
            required = t_attrs[name].use == "required"
            where = f"{path}/@{_local(name)}"
            if required:
                self.add("required-attribute-added", where, None, _local(name),
                         direction == INPUT, f"the target requires attribute {_local(name)}")
            else:
                self.add("optional-attribute-added", where, None, _local(name), False,
                         f"the target adds optional attribute {_local(name)}")

    def content(self, path: str, c_group: Any, t_group: Any, direction: str,
                seen: frozenset[tuple[int, int]]) -> None:
        c_model, t_model = getattr(c_group, "model", None), getattr(t_group, "model", None)
        if c_model != t_model:
            self.add("model-changed", path, c_model, t_model, True,
                     "the content model group differs")
        c_children, c_wild = _children(c_group)
        t_children, t_wild = _children(t_group)
        self.wildcards(path, c_wild, t_wild, direction)
        common = [n for n in c_children if n in t_children]
        for name in common:
            self.child(f"{path}/{name}", c_children[name], t_children[name], direction, seen)
        if c_model == t_model == "sequence":
            t_order = [n for n in t_children if n in c_children]
            if common != t_order:
                self.add("order-changed", path, ", ".join(common), ", ".join(t_order), True,
                         "the children of a sequence come in another order")
        self.added_and_removed(path, c_children, t_children, direction)

    def wildcards(self, path: str, c_wild: int, t_wild: int, direction: str) -> None:
        if t_wild > c_wild:
            self.add("wildcard-added", path, c_wild, t_wild, classify(WIDENED, direction),
                     "the target accepts any element here (xsd:any)")
        elif t_wild < c_wild:
            self.add("wildcard-removed", path, c_wild, t_wild, classify(NARROWED, direction),
                     "the target no longer accepts any element here (xsd:any)")

    def added_and_removed(self, path: str, c_children: dict[str, _Child],
                          t_children: dict[str, _Child], direction: str) -> None:
        removed = [c for n, c in c_children.items() if n not in t_children]
        added = [c for n, c in t_children.items() if n not in c_children]
        renamed = {}
        for old in removed:
            new = next((a for a in added if a.index == old.index and a not in renamed.values()
                        and _type_signature(a.element) == _type_signature(old.element)), None)
            if new is not None:
                renamed[old.name] = new
        for old in removed:
            if old.name in renamed:
                self.add("element-renamed", f"{path}/{old.name}", old.name,
                         renamed[old.name].name, True,
                         f"element {old.name} is called {renamed[old.name].name} in the target")
            else:
                self.add("element-removed", f"{path}/{old.name}", old.name, None, True,
                         f"element {old.name} is missing from the target")
        for new in added:
            if new in renamed.values():
                continue
            where = f"{path}/{new.name}"
            if new.low > 0:
                self.add("required-element-added", where, None, _show_occurs(new.low, new.high),
                         direction == INPUT, f"the target requires a new element {new.name}")
            else:
                self.add("optional-element-added", where, None, _show_occurs(new.low, new.high),
                         False, f"the target adds an optional element {new.name}")

    def child(self, path: str, c_child: _Child, t_child: _Child, direction: str,
              seen: frozenset[tuple[int, int]]) -> None:
        if c_child.models[1:] != t_child.models[1:]:  # the outermost group: see content()
            self.add("model-changed", path, "/".join(c_child.models), "/".join(t_child.models),
                     True, "the element sits in another kind of model group")
        c_bounds, t_bounds = (c_child.low, c_child.high), (t_child.low, t_child.high)
        if c_bounds != t_bounds:
            change = _compare_ranges(c_bounds, t_bounds)
            self.add_change("occurs", change, direction, path, _show_occurs(*c_bounds),
                            _show_occurs(*t_bounds), "occurrence bounds changed")
        self.element(path, c_child.element, t_child.element, direction, seen)

    def simple(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_variety, t_variety = _variety(c_type), _variety(t_type)
        if c_variety != t_variety:
            self.add("type-changed", path, _show_type(c_type), _show_type(t_type), True,
                     f"a {c_variety} type became a {t_variety} type")
            return
        if c_variety == "list":
            self.simple(f"{path}[item]", c_type.item_type, t_type.item_type, direction)
        elif c_variety == "union":
            self.union(path, c_type, t_type, direction)
        else:
            c_base, t_base = _builtin(c_type), _builtin(t_type)
            change = _compare_builtins(c_base, t_base)
            if change is not None:
                self.add_change("type", change, direction, path, _show_type(c_base),
                                _show_type(t_base), f"base type {_show_type(c_base)} became "
                                f"{_show_type(t_base)}")
        self.facets(path, _facets(c_type), _facets(t_type), direction)

    def union(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_members = {_show_type(_builtin(m)) for m in c_type.member_types}
        t_members = {_show_type(_builtin(m)) for m in t_type.member_types}
        change = _compare_sets(c_members, t_members)
        if change is not None:
            self.add_change("type", change, direction, path, " | ".join(sorted(c_members)),
                            " | ".join(sorted(t_members)), "union member types changed")

    def facets(self, path: str, c_facets: dict[str, Any], t_facets: dict[str, Any],
               direction: str) -> None:
        c_enum, t_enum = c_facets.pop("enumeration", None), t_facets.pop("enumeration", None)
        self.enumeration(path, c_enum, t_enum, direction)
        for name, change in _compare_facets(c_facets, t_facets):
            c_value, t_value = c_facets.get(name), t_facets.get(name)
            self.add_change("facet", change, direction, path, _show_facet(name, c_value),
                            _show_facet(name, t_value),
                            f"facet {name} " + ("added" if c_value is None else "removed"
                                                if t_value is None else "changed"))

    def enumeration(self, path: str, c_enum: set[str] | None, t_enum: set[str] | None,
                    direction: str) -> None:
        if c_enum == t_enum:
            return
        if c_enum is None or t_enum is None:
            change = NARROWED if c_enum is None else WIDENED
            message = "an enumeration was " + ("added" if c_enum is None else "removed")
        else:
            change = _compare_sets(c_enum, t_enum) or CHANGED
            parts = [f"{label}: {', '.join(sorted(values))}" for label, values in
                     (("removed", c_enum - t_enum), ("added", t_enum - c_enum)) if values]
            message = "enumeration values " + "; ".join(parts)
        self.add_change("enumeration", change, direction, path, _show_enum(c_enum),
                        _show_enum(t_enum), message)


# Helpers on xmlschema components ----------------------------------------------------------------


@dataclass(frozen=True)
class _Child:
    name: str
    element: Any
    low: int
    high: int | None
    index: int
    models: tuple[str, ...]  # the model groups that enclose it, outermost first


def _children(group: Any) -> tuple[dict[str, _Child], int]:
    children: dict[str, _Child] = {}
    wildcards = 0
    for particle, low, high, models in _flatten(group, 1, 1, ()):
        if isinstance(particle, XsdElement):
            name = particle.local_name
            if name not in children:
                children[name] = _Child(name, particle, low, high, len(children), models)
        elif isinstance(particle, XsdAnyElement):
            wildcards += 1
    return children, wildcards


def _flatten(group: Any, low: int, high: int | None,
             models: tuple[str, ...]) -> Iterator[tuple[Any, int, int | None, tuple[str, ...]]]:
    if not isinstance(group, XsdGroup):
        return
    low, high = low * group.min_occurs, _multiply(high, group.max_occurs)
    flat = group.model == "sequence" and models[-1:] == ("sequence",) and \
        (group.min_occurs, group.max_occurs) == (1, 1)
    models = models if flat else (*models, group.model)
    choice = group.model == "choice" and len(group) > 1
    for particle in group:
        p_low = 0 if choice else low
        if isinstance(particle, XsdGroup):
            yield from _flatten(particle, p_low, high, models)
        else:
            yield (particle, p_low * particle.min_occurs,
                   _multiply(high, particle.max_occurs), models)


def _multiply(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a * b


def _part_type(part: Any) -> Any:
    return part.type if isinstance(part, XsdElement) else part


def _show_part(part: Any) -> str:
    if isinstance(part, XsdElement):
        return f"element={part.local_name}"
    return f"type={_show_type(part)}"


def _is_any_type(xsd_type: Any) -> bool:
    return getattr(xsd_type, "name", None) == f"{_XSD}anyType"


def _simple_content(xsd_type: Any) -> Any:
    if isinstance(xsd_type, XsdSimpleType):
        return xsd_type
    if isinstance(xsd_type, XsdComplexType) and xsd_type.has_simple_content():
        return xsd_type.content
    return None


def _attributes(xsd_type: Any) -> dict[str, Any]:
    return {n: a for n, a in xsd_type.attributes.items()
            if n is not None and isinstance(a, XsdAttribute)}


def _type_signature(element: Any) -> str:
    xsd_type = element.type
    return getattr(xsd_type, "name", None) or repr(_builtin(xsd_type))


def _variety(xsd_type: Any) -> str:
    if isinstance(xsd_type, XsdList):
        return "list"
    if isinstance(xsd_type, XsdUnion):
        return "union"
    return "atomic"


def _is_builtin(xsd_type: Any) -> bool:
    return _namespace(getattr(xsd_type, "name", None)) == ns.XSD


def _builtin(xsd_type: Any) -> Any:
    """The built-in type an atomic type restricts (itself if built in)."""
    while isinstance(xsd_type, XsdAtomicRestriction) and not _is_builtin(xsd_type):
        xsd_type = xsd_type.base_type
    return xsd_type


def _ancestors(xsd_type: Any) -> list[str]:
    names = []
    while xsd_type is not None:
        names.append(getattr(xsd_type, "name", None))
        xsd_type = getattr(xsd_type, "base_type", None)
    return names


def _compare_builtins(c_type: Any, t_type: Any) -> str | None:
    c_name, t_name = getattr(c_type, "name", None), getattr(t_type, "name", None)
    if c_name == t_name:
        return None
    if t_name in _ancestors(c_type) or (c_name, t_name) in _EXTRA_WIDENINGS:
        return WIDENED
    if c_name in _ancestors(t_type) or (t_name, c_name) in _EXTRA_WIDENINGS:
        return NARROWED
    if t_name in _LEXICAL_TOP:
        return WIDENED  # every lexical form of the old type is a string
    if c_name in _LEXICAL_TOP:
        return NARROWED
    return CHANGED


def _facets(xsd_type: Any) -> dict[str, Any]:
    """The effective facets of a user-derived simple type (built-in facets left out)."""
    chain = []
    while (isinstance(xsd_type, XsdAtomic | XsdList | XsdUnion)
           and not _is_builtin(xsd_type)):
        chain.append(xsd_type)
        xsd_type = getattr(xsd_type, "base_type", None)
    facets: dict[str, Any] = {}
    patterns = set()
    for level in reversed(chain):
        for name, facet in (getattr(level, "facets", None) or {}).items():
            local = _local(name) if name else ""
            if local == "pattern":
                patterns.add("|".join(facet.regexps))
            elif local == "enumeration":
                facets["enumeration"] = {str(v) for v in facet.enumeration}
            elif local in _RANGE_FACETS:
                facets[local] = facet.value
    if "length" in facets:
        facets.setdefault("minLength", facets["length"])
        facets.setdefault("maxLength", facets.pop("length"))
    if patterns:
        facets["pattern"] = frozenset(patterns)
    return facets


_UPPER = ("maxLength", "totalDigits", "fractionDigits")
_RANGE_FACETS = ("length", "minLength", *_UPPER, "minInclusive", "minExclusive",
                 "maxInclusive", "maxExclusive")


def _compare_facets(c: dict[str, Any], t: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in _UPPER:
        change = _compare_limit(c.get(name), t.get(name), upper=True)
        if change:
            yield name, change
    change = _compare_limit(c.get("minLength", 0), t.get("minLength", 0), upper=False)
    if change:
        yield "minLength", change
    for side in ("min", "max"):
        c_bound = _bound(c, side)
        t_bound = _bound(t, side)
        change = _compare_bound(c_bound, t_bound, upper=side == "max")
        if change:
            yield _bound_name(t if t_bound else c, side), change
    if c.get("pattern") != t.get("pattern"):
        yield "pattern", _compare_sets(c.get("pattern", frozenset()),
                                       t.get("pattern", frozenset()), reverse=True) or CHANGED


def _compare_limit(c_value: Any, t_value: Any, upper: bool) -> str | None:
    if c_value == t_value:
        return None
    if c_value is None:
        return NARROWED
    if t_value is None:
        return WIDENED
    tighter = t_value < c_value if upper else t_value > c_value
    return NARROWED if tighter else WIDENED


def _bound(facets: dict[str, Any], side: str) -> tuple[Any, bool] | None:
    if f"{side}Exclusive" in facets:
        return facets[f"{side}Exclusive"], True
    if f"{side}Inclusive" in facets:
        return facets[f"{side}Inclusive"], False
    return None


def _bound_name(facets: dict[str, Any], side: str) -> str:
    return f"{side}Exclusive" if f"{side}Exclusive" in facets else f"{side}Inclusive"


def _compare_bound(c: tuple[Any, bool] | None, t: tuple[Any, bool] | None,
                   upper: bool) -> str | None:
    if c == t:
        return None
    if c is None or t is None:
        return NARROWED if c is None else WIDENED
    try:
        if c[0] == t[0]:
            return NARROWED if t[1] else WIDENED  # exclusive is the tighter one
        tighter = t[0] < c[0] if upper else t[0] > c[0]
    except TypeError:
        return CHANGED
    return NARROWED if tighter else WIDENED


def _compare_sets(c: Any, t: Any, reverse: bool = False) -> str | None:
    """narrowed if the target accepts a subset; ``reverse`` for constraints (patterns)."""
    if c == t:
        return None
    if t < c:
        return WIDENED if reverse else NARROWED
    if t > c:
        return NARROWED if reverse else WIDENED
    return CHANGED


def _compare_ranges(c: tuple[int, int | None], t: tuple[int, int | None]) -> str:
    c_low, c_high = c
    t_low, t_high = t
    c_top = float("inf") if c_high is None else c_high
    t_top = float("inf") if t_high is None else t_high
    if t_low >= c_low and t_top <= c_top:
        return NARROWED
    if t_low <= c_low and t_top >= c_top:
        return WIDENED
    return CHANGED


def _show_facet(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, frozenset | set):
        value = " & ".join(sorted(value))
    return f"{name}={value}"


def _show_enum(values: set[str] | None) -> str | None:
    return None if values is None else " | ".join(sorted(values))


__all__ = [
    "KINDS",
    "DiffReport",
    "Difference",
    "Source",
    "classify",
    "diff_contracts",
    "load_wsdl",
]
