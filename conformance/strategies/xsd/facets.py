"""Reading a simple type for :func:`~conformance.strategies.xsd.from_xsd`.

Its effective facets along the whole derivation chain (Datatypes 4.3), the built-in it
restricts, the patterns and assertions it declares, and whether a value (drawn or taken
from the schema) survives xmlschema's encoding and stays valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar, cast

from xmlschema import XMLSchemaValidationError
from xmlschema.validators import (
    XsdAtomic,
    XsdAtomicBuiltin,
    XsdComplexType,
    XsdList,
    XsdPatternFacets,
    XsdSimpleType,
    XsdUnion,
)

from conformance.strategies.xmltext import WhiteSpace
from conformance.strategies.xsd.base import xs


@dataclass(frozen=True)
class Facets:
    """The effective facets of a simple type, read along its whole derivation chain."""

    min_length: int = 0
    max_length: int | None = None
    low: Any = None
    high: Any = None
    low_open: bool = False
    high_open: bool = False
    total_digits: int | None = None
    fraction_digits: int | None = None
    white_space: WhiteSpace = "preserve"
    timezone: str = "optional"
    item: bool = False

    @classmethod
    def of(cls, simple_type: XsdSimpleType, item: bool) -> Facets:
        length, min_len, max_len = (
            _facet_value(simple_type, name) for name in ("length", "minLength", "maxLength")
        )
        low, low_open = _bound(simple_type, "min", max)
        high, high_open = _bound(simple_type, "max", min)
        lows = [x for x in (length, min_len) if x is not None]
        highs = [x for x in (length, max_len) if x is not None]
        return cls(
            min_length=max([*lows, 1 if item else 0]),
            max_length=min(highs) if highs else None,
            low=low,
            high=high,
            low_open=low_open,
            high_open=high_open,
            total_digits=_facet_value(simple_type, "totalDigits"),
            fraction_digits=_facet_value(simple_type, "fractionDigits"),
            white_space="none" if item else cast(WhiteSpace, simple_type.white_space or "preserve"),
            timezone=_facet_value(simple_type, "explicitTimezone") or "optional",
            item=item,
        )

    @property
    def bounded(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def sized(self) -> bool:
        return self.min_length > 0 or self.max_length is not None


def _facet_value(simple_type: Any, local: str) -> Any:
    get_facet = getattr(simple_type, "get_facet", None)
    facet = get_facet(xs(local)) if get_facet is not None else None
    return getattr(facet, "value", None)


def _bound(simple_type: XsdSimpleType, side: str, tighter: Callable[..., Any]) -> tuple[Any, bool]:
    inclusive = _facet_value(simple_type, f"{side}Inclusive")
    exclusive = _facet_value(simple_type, f"{side}Exclusive")
    if exclusive is None:
        return inclusive, False
    if inclusive is None or tighter(inclusive, exclusive) == exclusive:
        return exclusive, True
    return inclusive, False


def _chain(simple_type: Any) -> Iterable[Any]:
    """The type and its base types, up to (not including) the built-in it restricts."""
    while isinstance(simple_type, XsdSimpleType) and not isinstance(simple_type, XsdAtomicBuiltin):
        yield simple_type
        base = getattr(simple_type, "base_type", None)
        simple_type = base.content if isinstance(base, XsdComplexType) else base


def builtin_of(simple_type: Any) -> XsdAtomicBuiltin | None:
    while simple_type is not None and not isinstance(simple_type, XsdAtomicBuiltin):
        base = getattr(simple_type, "base_type", None)
        simple_type = base.content if isinstance(base, XsdComplexType) else base
    return simple_type


def user_patterns(simple_type: XsdSimpleType) -> list[XsdPatternFacets]:
    """The pattern facets declared along the chain, the most derived first."""
    found = (level.facets.get(xs("pattern")) for level in _chain(simple_type))
    return [facet for facet in found if isinstance(facet, XsdPatternFacets)]


def has_assertions(simple_type: XsdSimpleType) -> bool:
    return any(xs("assertion") in level.facets for level in _chain(simple_type))


def has_list_member(xsd_type: Any) -> bool:
    """Whether values of ``xsd_type`` may be Python lists though it is no list type.

    xmlschema's encoder reads a list under a child key as repeated elements unless the
    child's type is a list type; a union with a list member is not, so its values are put
    in a list of their own (as if the element repeated) to reach the encoder whole.
    """
    content = xsd_type if xsd_type.is_simple() else xsd_type.content
    if not isinstance(content, XsdSimpleType) or content.is_list() or not content.is_union():
        return False
    union = derived_from(content, XsdUnion)
    return any(member.is_list() or has_list_member(member) for member in union.member_types)


Derived = TypeVar("Derived", XsdList, XsdUnion)


def derived_from(simple_type: XsdSimpleType, kind: type[Derived]) -> Derived:
    """A list or union type itself (``kind``: XsdList or XsdUnion), or the one a
    restriction of it derives from (xmlschema's ``primitive_type``)."""
    if isinstance(simple_type, kind):
        return simple_type
    assert isinstance(simple_type, XsdAtomic)  # a restriction (neither list nor union)
    primitive = simple_type.primitive_type
    assert isinstance(primitive, kind)
    return primitive


def round_trips(simple_type: XsdSimpleType, value: Any) -> bool:
    """Whether xmlschema encodes ``value`` into text that is valid for ``simple_type``."""
    try:
        encoded = simple_type.encode(value)
    except (XMLSchemaValidationError, ValueError, TypeError):
        return False
    return isinstance(encoded, str) and simple_type.is_valid(encoded)


def lexical_or_value(simple_type: XsdSimpleType, lexical: str) -> Any:
    """The decoded value of ``lexical`` if it encodes back validly, else ``lexical``."""
    try:
        value = simple_type.decode(lexical)
    except (XMLSchemaValidationError, ValueError, TypeError):
        return lexical
    if isinstance(value, Decimal) and "E" in str(value):
        return lexical  # xmlschema writes Decimal with str(): exponent form is not xs:decimal
    return value if round_trips(simple_type, value) else lexical


def fits_item(lexical: str, facets: Facets) -> bool:
    return not facets.item or (bool(lexical) and not any(c.isspace() for c in lexical))


def acceptable(simple_type: XsdSimpleType, facets: Facets, value: str) -> bool:
    if not fits_item(value, facets):
        return False
    if facets.white_space in ("replace", "collapse") and simple_type.normalize(value) != value:
        return False  # keep drawn values stable through whiteSpace normalisation
    return round_trips(simple_type, value)
