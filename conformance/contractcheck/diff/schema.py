"""The schema half of ``conformance diff``: elements and types, compared side by side.

From a message part down: an element's namespace and nillability, its type (anyType,
simple or element content), attributes, and the children of its content model with their
effective occurrence bounds and order; simple types go to :class:`SimpleTypeDiffer`. Each
difference is classified for the direction (request or response) it was found in.
"""

from __future__ import annotations

from typing import Any

from xmlschema.validators import XsdComplexType

from conformance.contractcheck.diff.compare import compare_ranges
from conformance.contractcheck.diff.components import (
    Child,
    content_children,
    declared_attributes,
    is_any_type,
    local_part,
    namespace_of,
    show_occurs,
    show_type,
    simple_content,
    type_signature,
)
from conformance.contractcheck.diff.kinds import INPUT, NARROWED, WIDENED, classify
from conformance.contractcheck.diff.simple import SimpleTypeDiffer

# Names the reference pages spell two ways (ticket-port.md: addMessage's out parameter is
# messageID in the parameter table, messageId in the example): either is the contract's.
REFERENCE_SPELLINGS = {frozenset({"messageId", "messageID"})}

class SchemaDiffer(SimpleTypeDiffer):
    """Compares the elements and types two messages carry."""

    def element(self, path: str, c_el: Any, t_el: Any, direction: str,
                seen: frozenset[tuple[int, int]]) -> None:
        self.namespace(path, namespace_of(c_el.name), namespace_of(t_el.name))
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
        c_any, t_any = is_any_type(c_type), is_any_type(t_type)
        if c_any or t_any:
            if c_any != t_any:
                change = WIDENED if t_any else NARROWED
                self.add_change("type", change, direction, path, show_type(c_type),
                                show_type(t_type), "the element type is (or was) anyType")
            return
        c_simple, t_simple = simple_content(c_type), simple_content(t_type)
        if (c_simple is None) != (t_simple is None):
            self.add("type-changed", path, show_type(c_type), show_type(t_type), True,
                     "simple content became element content, or the reverse")
            return
        if c_simple is not None:
            self.simple(path, c_simple, t_simple, direction)
        if isinstance(c_type, XsdComplexType) and isinstance(t_type, XsdComplexType):
            self.attributes(path, c_type, t_type, direction)
            if c_simple is None:
                self.content(path, c_type.content, t_type.content, direction, seen)

    def attributes(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_attrs, t_attrs = declared_attributes(c_type), declared_attributes(t_type)
        for name, c_attr in c_attrs.items():
            where = f"{path}/@{local_part(name)}"
            t_attr = t_attrs.get(name)
            if t_attr is None:
                self.add("attribute-removed", where, local_part(name), None, True,
                         f"attribute {local_part(name)} is missing")
                continue
            c_req, t_req = c_attr.use == "required", t_attr.use == "required"
            if c_req != t_req:
                self.add_change("occurs", NARROWED if t_req else WIDENED, direction, where,
                                c_attr.use, t_attr.use, "attribute use changed")
            self.simple(where, c_attr.type, t_attr.type, direction)
        for name in [n for n in t_attrs if n not in c_attrs]:
            required = t_attrs[name].use == "required"
            where = f"{path}/@{local_part(name)}"
            if required:
                self.add("required-attribute-added", where, None, local_part(name),
                         direction == INPUT, f"the target requires attribute {local_part(name)}")
            else:
                self.add("optional-attribute-added", where, None, local_part(name), False,
                         f"the target adds optional attribute {local_part(name)}")

    def content(self, path: str, c_group: Any, t_group: Any, direction: str,
                seen: frozenset[tuple[int, int]]) -> None:
        c_model, t_model = getattr(c_group, "model", None), getattr(t_group, "model", None)
        if c_model != t_model:
            self.add("model-changed", path, c_model, t_model, True,
                     "the content model group differs")
        c_children, c_wild = content_children(c_group)
        t_children, t_wild = content_children(t_group)
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

    def added_and_removed(self, path: str, c_children: dict[str, Child],
                          t_children: dict[str, Child], direction: str) -> None:
        removed = [c for n, c in c_children.items() if n not in t_children]
        added = [c for n, c in t_children.items() if n not in c_children]
        renamed: dict[str, Child] = {}
        for old in removed:
            new = next((a for a in added if a.index == old.index and a not in renamed.values()
                        and type_signature(a.element) == type_signature(old.element)), None)
            if new is not None:
                renamed[old.name] = new
        for old in removed:
            if old.name in renamed and frozenset({old.name, renamed[old.name].name}) in (
                    REFERENCE_SPELLINGS):
                self.add("element-respelled", f"{path}/{old.name}", old.name,
                         renamed[old.name].name, False,
                         f"element {old.name} is spelled {renamed[old.name].name} in the "
                         "target, as the reference also spells it")
            elif old.name in renamed:
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
                self.add("required-element-added", where, None, show_occurs(new.low, new.high),
                         direction == INPUT, f"the target requires a new element {new.name}")
            else:
                self.add("optional-element-added", where, None, show_occurs(new.low, new.high),
                         False, f"the target adds an optional element {new.name}")

    def child(self, path: str, c_child: Child, t_child: Child, direction: str,
              seen: frozenset[tuple[int, int]]) -> None:
        if c_child.models[1:] != t_child.models[1:]:  # the outermost group: see content()
            self.add("model-changed", path, "/".join(c_child.models), "/".join(t_child.models),
                     True, "the element sits in another kind of model group")
        c_bounds, t_bounds = (c_child.low, c_child.high), (t_child.low, t_child.high)
        if c_bounds != t_bounds:
            change = compare_ranges(c_bounds, t_bounds)
            self.add_change("occurs", change, direction, path, show_occurs(*c_bounds),
                            show_occurs(*t_bounds), "occurrence bounds changed")
        self.element(path, c_child.element, t_child.element, direction, seen)
