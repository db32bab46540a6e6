"""The simple-type half of :func:`~conformance.strategies.xsd.from_xsd`'s builder.

A simple type's strategy, in order of precedence: ``sampled_from`` its enumeration, a list
of its items, matches of its most derived pattern, ``one_of`` its union members, or the
factory of the built-in it restricts (from :data:`BUILTINS`) given its effective facets.
What the strategy cannot build in is filtered for with xmlschema itself.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from xmlschema.validators import XsdList, XsdPatternFacets, XsdSimpleType, XsdUnion

from conformance.strategies.xsd.base import TextFactory, UnsupportedSchema, xs
from conformance.strategies.xsd.builtins import BUILTINS, UNSUPPORTED, needs_check
from conformance.strategies.xsd.facets import (
    Facets,
    acceptable,
    builtin_of,
    derived_from,
    fits_item,
    has_assertions,
    lexical_or_value,
    round_trips,
    user_patterns,
)
from conformance.strategies.xsd.patterns import pattern_strings


class SimpleBuilder:
    """Returns the strategy of simple types and free text, each built once."""

    def __init__(self, text: TextFactory, max_unbounded: int) -> None:
        self.text_factory = text
        self.max_unbounded = max_unbounded
        self._simple: dict[tuple[int, bool], SearchStrategy[Any]] = {}

    def simple(self, simple_type: XsdSimpleType, item: bool = False) -> SearchStrategy[Any]:
        key = (id(simple_type), item)
        if key not in self._simple:
            self._simple[key] = self._simple_values(simple_type, item)
        return self._simple[key]

    def _simple_values(self, simple_type: XsdSimpleType, item: bool) -> SearchStrategy[Any]:
        facets = Facets.of(simple_type, item)
        enumeration = simple_type.get_facet(xs("enumeration"))
        if enumeration is not None:
            return self._enumerated(simple_type, enumeration, facets)
        if simple_type.is_list():
            return self._list(simple_type, facets)
        if patterns := user_patterns(simple_type):
            return self._patterned(simple_type, patterns[0], facets)
        if simple_type.is_union():
            return self._union(simple_type, item)
        builtin = builtin_of(simple_type)
        if builtin is None:  # xs:anySimpleType, xs:anyAtomicType
            return self.text(facets)
        assert builtin.name is not None  # every built-in type is named
        if builtin.name in UNSUPPORTED:
            raise UnsupportedSchema(
                f"{simple_type.prefixed_name or simple_type!r} derives from "
                f"{builtin.prefixed_name}: {UNSUPPORTED[builtin.name]}"
            )
        strategy = BUILTINS[builtin.name](self, facets)
        if needs_check(builtin.name, facets) or has_assertions(simple_type):
            strategy = strategy.filter(partial(round_trips, simple_type))
        return strategy

    def text(self, facets: Facets | None = None) -> SearchStrategy[str]:
        facets = facets or Facets()
        size = facets.min_length, facets.max_length
        return self.text_factory(*size, whitespace=facets.white_space)

    def _enumerated(
        self, simple_type: XsdSimpleType, enumeration: Any, facets: Facets
    ) -> SearchStrategy[Any]:
        lexicals = [element.get("value", "") for element in enumeration]
        allowed = [
            lexical_or_value(simple_type, lexical)
            for lexical in lexicals
            if simple_type.is_valid(lexical) and fits_item(lexical, facets)
        ]
        if not allowed:
            raise UnsupportedSchema(
                f"no enumeration value of {simple_type!r} satisfies its other facets"
            )
        return st.sampled_from(allowed)

    def _list(self, simple_type: XsdSimpleType, facets: Facets) -> SearchStrategy[list[Any]]:
        list_type = derived_from(simple_type, XsdList)
        high = facets.max_length
        if high is None:
            high = facets.min_length + self.max_unbounded
        if patterns := user_patterns(simple_type):
            strategy = pattern_strings(simple_type, patterns[0], False).map(str.split)
        else:
            items = self.simple(list_type.item_type, item=True)
            strategy = st.lists(items, min_size=facets.min_length, max_size=high)
        if patterns or has_assertions(simple_type):
            strategy = strategy.filter(partial(round_trips, simple_type))
        return strategy

    def _union(self, simple_type: XsdSimpleType, item: bool) -> SearchStrategy[Any]:
        union = derived_from(simple_type, XsdUnion)
        members, reasons = [], []
        for member in union.member_types:
            try:
                members.append(self.simple(member, item))
            except UnsupportedSchema as exc:
                reasons.append(str(exc))
        if not members:
            raise UnsupportedSchema(f"no member of {union!r} is supported: {reasons}")
        strategy = st.one_of(members)
        if has_assertions(simple_type):
            strategy = strategy.filter(partial(round_trips, simple_type))
        return strategy

    def _patterned(
        self, simple_type: XsdSimpleType, patterns: XsdPatternFacets, facets: Facets
    ) -> SearchStrategy[str]:
        """Strings drawn from the most derived pattern; the other facets are then checked."""
        strategy = pattern_strings(simple_type, patterns, facets.item, facets.max_length)
        return strategy.filter(partial(acceptable, simple_type, facets))
