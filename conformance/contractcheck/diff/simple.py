"""Simple types compared for ``conformance diff``: variety, base type and facets.

A list compares its item types, a union its members' built-in types as sets, an atomic
type its built-in base type; then the facets of each derivation chain, the enumeration as
a set of values. Each change is classified for the direction it was found in.
"""

from __future__ import annotations

from typing import Any

from conformance.contractcheck.diff.compare import compare_builtins, compare_facets, compare_sets
from conformance.contractcheck.diff.components import (
    builtin_base,
    effective_facets,
    show_enum,
    show_facet,
    show_type,
    variety,
)
from conformance.contractcheck.diff.kinds import CHANGED, NARROWED, WIDENED
from conformance.contractcheck.diff.report import Recorder


class SimpleTypeDiffer(Recorder):
    """Compares two simple types (or the simple content of two complex types)."""

    def simple(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_variety, t_variety = variety(c_type), variety(t_type)
        if c_variety != t_variety:
            self.add("type-changed", path, show_type(c_type), show_type(t_type), True,
                     f"a {c_variety} type became a {t_variety} type")
            return
        if c_variety == "list":
            self.simple(f"{path}[item]", c_type.item_type, t_type.item_type, direction)
        elif c_variety == "union":
            self.union(path, c_type, t_type, direction)
        else:
            c_base, t_base = builtin_base(c_type), builtin_base(t_type)
            change = compare_builtins(c_base, t_base)
            if change is not None:
                self.add_change("type", change, direction, path, show_type(c_base),
                                show_type(t_base), f"base type {show_type(c_base)} became "
                                f"{show_type(t_base)}")
        self.facets(path, effective_facets(c_type), effective_facets(t_type), direction)

    def union(self, path: str, c_type: Any, t_type: Any, direction: str) -> None:
        c_members = {show_type(builtin_base(m)) for m in c_type.member_types}
        t_members = {show_type(builtin_base(m)) for m in t_type.member_types}
        change = compare_sets(c_members, t_members)
        if change is not None:
            self.add_change("type", change, direction, path, " | ".join(sorted(c_members)),
                            " | ".join(sorted(t_members)), "union member types changed")

    def facets(self, path: str, c_facets: dict[str, Any], t_facets: dict[str, Any],
               direction: str) -> None:
        c_enum, t_enum = c_facets.pop("enumeration", None), t_facets.pop("enumeration", None)
        self.enumeration(path, c_enum, t_enum, direction)
        for name, change in compare_facets(c_facets, t_facets):
            c_value, t_value = c_facets.get(name), t_facets.get(name)
            self.add_change("facet", change, direction, path, show_facet(name, c_value),
                            show_facet(name, t_value),
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
            change = compare_sets(c_enum, t_enum) or CHANGED
            parts = [f"{label}: {', '.join(sorted(values))}" for label, values in
                     (("removed", c_enum - t_enum), ("added", t_enum - c_enum)) if values]
            message = "enumeration values " + "; ".join(parts)
        self.add_change("enumeration", change, direction, path, show_enum(c_enum),
                        show_enum(t_enum), message)
