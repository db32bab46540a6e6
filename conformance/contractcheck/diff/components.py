"""What ``conformance diff`` reads from xmlschema components, and how it shows them.

Names split into namespace and local part; the children of a content model flattened
with their effective occurrence bounds and enclosing model groups; the built-in type an
atomic type restricts; the effective facets of a user-derived simple type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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

_XSD = f"{{{ns.XSD}}}"


def namespace_of(name: str | None) -> str:
    return name[1:].split("}", 1)[0] if name and name.startswith("{") else ""


def local_part(name: str | None) -> str:
    return (name or "").rsplit("}", 1)[-1]


def show_type(xsd_type: Any) -> str:
    name = getattr(xsd_type, "name", None)
    if not name:
        return "anonymous type"
    return f"xsd:{local_part(name)}" if namespace_of(name) == ns.XSD else local_part(name)


def show_occurs(low: int, high: int | None) -> str:
    return f"{low}..{'unbounded' if high is None else high}"


def show_part(part: Any) -> str:
    if isinstance(part, XsdElement):
        return f"element={part.local_name}"
    return f"type={show_type(part)}"


def show_facet(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, frozenset | set):
        value = " & ".join(sorted(value))
    return f"{name}={value}"


def show_enum(values: set[str] | None) -> str | None:
    return None if values is None else " | ".join(sorted(values))


@dataclass(frozen=True)
class Child:
    name: str
    element: Any
    low: int
    high: int | None
    index: int
    models: tuple[str, ...]  # the model groups that enclose it, outermost first


def content_children(group: Any) -> tuple[dict[str, Child], int]:
    children: dict[str, Child] = {}
    wildcards = 0
    for particle, low, high, models in _flatten(group, 1, 1, ()):
        if isinstance(particle, XsdElement):
            name = particle.local_name
            if name not in children:
                children[name] = Child(name, particle, low, high, len(children), models)
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


def part_type(part: Any) -> Any:
    return part.type if isinstance(part, XsdElement) else part


def is_any_type(xsd_type: Any) -> bool:
    return getattr(xsd_type, "name", None) == f"{_XSD}anyType"


def simple_content(xsd_type: Any) -> Any:
    if isinstance(xsd_type, XsdSimpleType):
        return xsd_type
    if isinstance(xsd_type, XsdComplexType) and xsd_type.has_simple_content():
        return xsd_type.content
    return None


def declared_attributes(xsd_type: Any) -> dict[str, Any]:
    return {n: a for n, a in xsd_type.attributes.items()
            if n is not None and isinstance(a, XsdAttribute)}


def type_signature(element: Any) -> str:
    xsd_type = element.type
    return getattr(xsd_type, "name", None) or repr(builtin_base(xsd_type))


def variety(xsd_type: Any) -> str:
    if isinstance(xsd_type, XsdList):
        return "list"
    if isinstance(xsd_type, XsdUnion):
        return "union"
    return "atomic"


def _is_builtin(xsd_type: Any) -> bool:
    return namespace_of(getattr(xsd_type, "name", None)) == ns.XSD


def builtin_base(xsd_type: Any) -> Any:
    """The built-in type an atomic type restricts (itself if built in)."""
    while isinstance(xsd_type, XsdAtomicRestriction) and not _is_builtin(xsd_type):
        xsd_type = xsd_type.base_type
    return xsd_type


UPPER_LIMITS = ("maxLength", "totalDigits", "fractionDigits")
_RANGE_FACETS = ("length", "minLength", *UPPER_LIMITS, "minInclusive", "minExclusive",
                 "maxInclusive", "maxExclusive")


def effective_facets(xsd_type: Any) -> dict[str, Any]:
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
            local = local_part(name) if name else ""
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
