"""The element and complex-type half of :func:`~conformance.strategies.xsd.from_xsd`.

Elements and complex types become dicts in the form ``XsdElement.decode(...,
strip_namespaces=True)`` gives: attributes under ``'@name'``, simple content under ``'$'``,
children under their local names (a list where one may repeat). Particles honour
minOccurs/maxOccurs (Structures 3.9) and sequences, choices and ``all`` groups (3.8);
recursion through a type is cut after ``max_recursion`` levels.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from xmlschema.validators import (
    XsdAnyElement,
    XsdAttribute,
    XsdComplexType,
    XsdElement,
    XsdGroup,
    XsdSimpleType,
)

from conformance.strategies.xsd.base import TextFactory, UnsupportedSchema, xs
from conformance.strategies.xsd.facets import has_list_member, lexical_or_value
from conformance.strategies.xsd.simple import SimpleBuilder

Pair = tuple[str, Any, bool]  # child key, value, whether the key holds a list


def _concat(parts: Iterable[list[Pair]]) -> list[Pair]:
    return list(itertools.chain.from_iterable(parts))


def _with_children(parts: tuple[dict[str, Any], list[Pair]]) -> dict[str, Any]:
    attributes, pairs = parts
    grouped: dict[str, list[Any]] = {}
    multiple: set[str] = set()
    for key, value, multi in pairs:
        grouped.setdefault(key, []).append(value)
        if multi:
            multiple.add(key)
    content = dict(attributes)
    for key, values in grouped.items():
        content[key] = values if key in multiple or len(values) > 1 else values[0]
    return content


def _with_text(parts: tuple[dict[str, Any], Any]) -> Any:
    attributes, value = parts
    return {**attributes, "$": value} if attributes else value


class Builder(SimpleBuilder):
    """Walks a schema component and returns its strategy; one per :func:`from_xsd` call."""

    def __init__(self, text: TextFactory, max_unbounded: int, max_recursion: int) -> None:
        super().__init__(text, max_unbounded)
        self.max_recursion = max_recursion
        self._complex: dict[int, SearchStrategy[Any]] = {}
        self._stack: list[int] = []
        self._cyclic: set[int] = set()
        self._capped = 0

    def component(self, component: Any) -> SearchStrategy[Any]:
        if isinstance(component, XsdElement):
            return self.element(component)
        if isinstance(component, XsdComplexType):
            return self.complex(component)
        if isinstance(component, XsdSimpleType):
            return self.simple(component)
        raise UnsupportedSchema(f"{component!r} is neither an XSD element nor an XSD type")

    def element(self, element: XsdElement) -> SearchStrategy[Any]:
        if element.abstract:
            raise UnsupportedSchema(
                f"element {element.prefixed_name} is abstract (substitution groups are "
                "not followed)"
            )
        xsd_type = element.type
        if isinstance(xsd_type, XsdSimpleType):
            if element.fixed is not None:
                return st.just(lexical_or_value(xsd_type, element.fixed))
            return self.simple(xsd_type)
        return self.complex(xsd_type, element.fixed)

    def complex(self, ctype: XsdComplexType, fixed: str | None = None) -> SearchStrategy[Any]:
        key = id(ctype)
        if fixed is None and key in self._complex:
            return self._complex[key]
        depth = self._stack.count(key)
        if depth:
            self._cyclic.update(self._stack[self._stack.index(key) :])
        if depth > self.max_recursion:
            raise UnsupportedSchema(
                f"{ctype!r} contains itself through required content only, so it has no "
                "finite instance"
            )
        capped = depth >= self.max_recursion
        self._stack.append(key)
        self._capped += capped
        try:
            strategy = self._complex_content(ctype, fixed)
        finally:
            self._stack.pop()
            self._capped -= capped
        if fixed is None and not self._capped and key not in self._cyclic:
            self._complex[key] = strategy
        return strategy

    def _complex_content(self, ctype: XsdComplexType, fixed: str | None) -> SearchStrategy[Any]:
        if ctype.name == xs("anyType"):
            return self.text()
        attributes = self._attributes(ctype)
        content = ctype.content
        if ctype.has_simple_content():
            if not isinstance(content, XsdSimpleType):  # an empty group over a simple base
                raise UnsupportedSchema(f"{ctype!r} has simple content but no simple type")
            if fixed is not None:
                value = st.just(lexical_or_value(content, fixed))
            else:
                value = self.simple(content)
            return st.tuples(attributes, value).map(_with_text)
        if not isinstance(content, XsdGroup):  # an empty simple type
            raise UnsupportedSchema(f"{ctype!r} has neither simple content nor a model group")
        return st.tuples(attributes, self._group(content, False)).map(_with_children)

    def _attributes(self, ctype: XsdComplexType) -> SearchStrategy[dict[str, Any]]:
        required: dict[str, SearchStrategy[Any]] = {}
        optional: dict[str, SearchStrategy[Any]] = {}
        for name, attribute in ctype.attributes.items():
            if name is None or not isinstance(attribute, XsdAttribute):
                continue  # attribute wildcard: nothing is required
            if attribute.use == "prohibited":
                continue
            if attribute.fixed is not None:
                value = st.just(lexical_or_value(attribute.type, attribute.fixed))
            else:
                value = self.simple(attribute.type)
            target = required if attribute.use == "required" else optional
            target["@" + attribute.local_name] = value
        return st.fixed_dictionaries(required, optional=optional)

    def _occurs(self, particle: Any) -> tuple[int, int]:
        low = particle.min_occurs
        if self._capped:
            return low, low
        high = particle.max_occurs
        return low, low + self.max_unbounded if high is None else high

    def _group(self, group: XsdGroup, repeated: bool) -> SearchStrategy[list[Pair]]:
        low, high = self._occurs(group)
        if high == 0:
            return st.just([])
        repeated = repeated or high > 1
        if group.model == "choice":
            once = self._choice(group, low, repeated)
        else:
            parts = [self._particle(particle, repeated) for particle in group]
            once = st.tuples(*parts).map(_concat)
        if low == high == 1:
            return once
        return st.lists(once, min_size=low, max_size=high).map(_concat)

    def _choice(self, group: XsdGroup, low: int, repeated: bool) -> SearchStrategy[list[Pair]]:
        """One branch of a choice; branches that cannot be built are left out."""
        branches, reasons = [], []
        for particle in group:
            try:
                branches.append(self._particle(particle, repeated))
            except UnsupportedSchema as exc:
                reasons.append(str(exc))
        if branches:
            return st.one_of(branches)
        if low == 0 and not reasons:
            return st.just([])  # an empty choice: only its absence is valid
        raise UnsupportedSchema(f"no branch of {group!r} can be built: {reasons}")

    def _particle(self, particle: Any, repeated: bool) -> SearchStrategy[list[Pair]]:
        if isinstance(particle, XsdGroup):
            return self._group(particle, repeated)
        if isinstance(particle, XsdAnyElement):
            if particle.min_occurs == 0:
                return st.just([])
            raise UnsupportedSchema(f"{particle!r}: required xs:any wildcards are not built")
        if not isinstance(particle, XsdElement):
            raise UnsupportedSchema(f"{particle!r} is not an element, group or wildcard")
        low, high = self._occurs(particle)
        if high == 0:
            return st.just([])
        key = particle.local_name
        multi = repeated or not particle.is_single() or has_list_member(particle.type)
        values = st.lists(self.element(particle), min_size=low, max_size=high)
        return values.map(lambda found: [(key, value, multi) for value in found])
