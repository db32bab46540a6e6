"""Hypothesis strategies for schema-valid values of XML Schema components: :func:`from_xsd`.

The approach is hypothesis-jsonschema's: read the schema component, turn its constraints
into strategy arguments, and build valid values directly instead of filtering random ones.

- Elements and complex types become dicts in the form ``XsdElement.decode(...,
  strip_namespaces=True)`` produces and ``XsdElement.encode`` accepts: child elements under
  their local names in model order, a list for an element that may repeat, ``'@name'`` for
  attributes and ``'$'`` for simple content beside attributes. Occurrences honour
  minOccurs/maxOccurs (Structures 3.9), with ``unbounded`` capped; sequences, choices and
  ``all`` groups are followed (3.8); an element with empty content is ``{}``.
- Simple types go through one table, :data:`_BUILTINS`, keyed by the QName of the nearest
  built-in ancestor (Datatypes section 3), with the facets of the whole derivation chain
  (section 4.3) turned into arguments: lengths, bounds, totalDigits/fractionDigits,
  whiteSpace, explicitTimezone. An enumeration becomes ``sampled_from``, a pattern
  ``from_regex(..., fullmatch=True)`` over XML characters, a list type a list of its items,
  a union a ``one_of`` of its members.
- ``xs:string`` and ``xs:anyType`` text comes from :func:`xml_text`: XML 1.0 characters only,
  as hostile as possible otherwise.

Values are meant to be valid for every validator, not only for xmlschema (the tests also
validate them with libxml2): names use characters all XML 1.0 editions agree on, pattern
classes such as ``\\d`` or ``\\p{L}`` draw from characters whose Unicode category is the
same in old and new tables, and numeric or date patterns from ASCII.

Known limits, stated rather than hidden:

- Filtered, not built: the patterns of base types beside a derived type's own, length
  facets beside a pattern (open repeats are first bounded by maxLength), exclusive date
  bounds, bounds on durations, XSD 1.1 assertions on simple types. A pattern whose
  matches rarely meet the other facets can trip Hypothesis's ``filter_too_much`` check.
- Ranges: years 2-9998 without 24:00:00; decimals with at most six fraction digits
  (xmlschema writes ``str(Decimal)``, which turns to exponent form below 1E-6); bounded
  xs:float values are doubles.
- Never drawn: xs:any and anyAttribute content (a required xs:any is unsupported unless
  another choice branch exists), substitution group members, xsi:type, xsi:nil, prefixed
  QNames. Identity constraints (key, unique, keyref) and assertions on complex types are
  not honoured.
- Keys are local names, as ``strip_namespaces=True`` gives them: two children with one
  local name in different namespaces collide, and qualified attributes (``xml:lang``)
  cannot be encoded from them.
- :class:`UnsupportedSchema` (with the reason) for ID, IDREF(S), ENTITY(IES), NOTATION
  without enumeration, xs:error, abstract elements, and types whose every instance would
  contain itself.
"""

from __future__ import annotations

import base64
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Literal, Protocol

from elementpath.regex import translate_pattern
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from xmlschema import XMLSchemaValidationError
from xmlschema.validators import (
    XsdAnyElement,
    XsdAtomicBuiltin,
    XsdAttribute,
    XsdComplexType,
    XsdElement,
    XsdGroup,
    XsdList,
    XsdPatternFacets,
    XsdSimpleType,
    XsdType,
    XsdUnion,
)

from conformance import ns
from conformance.strategies.xmltext import WhiteSpace, xml_characters, xml_text


class UnsupportedSchema(ValueError):
    """A schema component for which :func:`from_xsd` cannot build valid values."""


class TextFactory(Protocol):
    """Makes the strategy for free text; :func:`xml_text` is the default."""

    def __call__(
        self, min_size: int = 0, max_size: int | None = None, *, whitespace: WhiteSpace = ...
    ) -> SearchStrategy[str]: ...


def from_xsd(
    component: XsdElement | XsdType,
    *,
    text: TextFactory | None = None,
    max_unbounded: int = 3,
    max_recursion: int = 2,
) -> SearchStrategy[Any]:
    """A strategy for values valid against ``component`` (an xmlschema element or type).

    The values are what ``component.encode(value)`` (for an element: its content) accepts
    and ``decode(..., strip_namespaces=True)`` returns, except that empty content is ``''``
    or ``{}`` where decode says ``None``.

    :param text: the factory of free text (``xs:string``, ``xs:anyType`` and their
        derivations), called as ``text(min_size, max_size, whitespace=...)``.
    :param max_unbounded: how many occurrences beyond minOccurs ``maxOccurs="unbounded"``
        (and an unbounded list length) may take.
    :param max_recursion: how often a complex type may nest inside itself before its
        optional content is left out.
    :raises UnsupportedSchema: the component, or a required part of it, has no value this
        module can build (the message says which and why).
    """
    builder = _Builder(text or xml_text, max_unbounded, max_recursion)
    return builder.component(component)


def _xs(local: str) -> str:
    return f"{{{ns.XSD}}}{local}"


# Facets of a derivation chain ==============================================================


@dataclass(frozen=True)
class _Facets:
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
    def of(cls, simple_type: XsdSimpleType, item: bool) -> _Facets:
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
            white_space="none" if item else (simple_type.white_space or "preserve"),
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
    facet = get_facet(_xs(local)) if get_facet is not None else None
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


def _builtin_of(simple_type: Any) -> XsdAtomicBuiltin | None:
    while simple_type is not None and not isinstance(simple_type, XsdAtomicBuiltin):
        base = getattr(simple_type, "base_type", None)
        simple_type = base.content if isinstance(base, XsdComplexType) else base
    return simple_type


def _user_patterns(simple_type: XsdSimpleType) -> list[XsdPatternFacets]:
    """The pattern facets declared along the chain, the most derived first."""
    found = (level.facets.get(_xs("pattern")) for level in _chain(simple_type))
    return [facet for facet in found if isinstance(facet, XsdPatternFacets)]


def _has_assertions(simple_type: XsdSimpleType) -> bool:
    return any(_xs("assertion") in level.facets for level in _chain(simple_type))


def _has_list_member(xsd_type: Any) -> bool:
    """Whether values of ``xsd_type`` may be Python lists though it is no list type.

    xmlschema's encoder reads a list under a child key as repeated elements unless the
    child's type is a list type; a union with a list member is not, so its values are put
    in a list of their own (as if the element repeated) to reach the encoder whole.
    """
    content = xsd_type if xsd_type.is_simple() else xsd_type.content
    if not isinstance(content, XsdSimpleType) or content.is_list() or not content.is_union():
        return False
    union = content if isinstance(content, XsdUnion) else content.primitive_type
    return any(member.is_list() or _has_list_member(member) for member in union.member_types)


def _round_trips(simple_type: XsdSimpleType, value: Any) -> bool:
    """Whether xmlschema encodes ``value`` into text that is valid for ``simple_type``."""
    try:
        encoded = simple_type.encode(value)
    except (XMLSchemaValidationError, ValueError, TypeError):
        return False
    return isinstance(encoded, str) and simple_type.is_valid(encoded)


def _lexical_or_value(simple_type: XsdSimpleType, lexical: str) -> Any:
    """The decoded value of ``lexical`` if it encodes back validly, else ``lexical``."""
    try:
        value = simple_type.decode(lexical)
    except (XMLSchemaValidationError, ValueError, TypeError):
        return lexical
    if isinstance(value, Decimal) and "E" in str(value):
        return lexical  # xmlschema writes Decimal with str(): exponent form is not xs:decimal
    return value if _round_trips(simple_type, value) else lexical


# The builder ==============================================================================

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


class _Builder:
    """Walks a schema component and returns its strategy; one per :func:`from_xsd` call."""

    def __init__(self, text: TextFactory, max_unbounded: int, max_recursion: int) -> None:
        self.text_factory = text
        self.max_unbounded = max_unbounded
        self.max_recursion = max_recursion
        self._complex: dict[int, SearchStrategy[Any]] = {}
        self._simple: dict[tuple[int, bool], SearchStrategy[Any]] = {}
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
        if element.type.is_simple():
            if element.fixed is not None:
                return st.just(_lexical_or_value(element.type, element.fixed))
            return self.simple(element.type)
        return self.complex(element.type, element.fixed)

    # Complex types ----------------------------------------------------------------------

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
        if ctype.name == _xs("anyType"):
            return self.text()
        attributes = self._attributes(ctype)
        if ctype.has_simple_content():
            if fixed is not None:
                value = st.just(_lexical_or_value(ctype.content, fixed))
            else:
                value = self.simple(ctype.content)
            return st.tuples(attributes, value).map(_with_text)
        return st.tuples(attributes, self._group(ctype.content, False)).map(_with_children)

    def _attributes(self, ctype: XsdComplexType) -> SearchStrategy[dict[str, Any]]:
        required: dict[str, SearchStrategy[Any]] = {}
        optional: dict[str, SearchStrategy[Any]] = {}
        for name, attribute in ctype.attributes.items():
            if name is None or not isinstance(attribute, XsdAttribute):
                continue  # attribute wildcard: nothing is required
            if attribute.use == "prohibited":
                continue
            if attribute.fixed is not None:
                value = st.just(_lexical_or_value(attribute.type, attribute.fixed))
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
        multi = repeated or not particle.is_single() or _has_list_member(particle.type)
        values = st.lists(self.element(particle), min_size=low, max_size=high)
        return values.map(lambda found: [(key, value, multi) for value in found])

    # Simple types -----------------------------------------------------------------------

    def simple(self, simple_type: XsdSimpleType, item: bool = False) -> SearchStrategy[Any]:
        key = (id(simple_type), item)
        if key not in self._simple:
            self._simple[key] = self._simple_values(simple_type, item)
        return self._simple[key]

    def _simple_values(self, simple_type: XsdSimpleType, item: bool) -> SearchStrategy[Any]:
        facets = _Facets.of(simple_type, item)
        enumeration = simple_type.get_facet(_xs("enumeration"))
        if enumeration is not None:
            return self._enumerated(simple_type, enumeration, facets)
        if simple_type.is_list():
            return self._list(simple_type, facets)
        if patterns := _user_patterns(simple_type):
            return self._patterned(simple_type, patterns[0], facets)
        if simple_type.is_union():
            return self._union(simple_type, item)
        builtin = _builtin_of(simple_type)
        if builtin is None:  # xs:anySimpleType, xs:anyAtomicType
            return self.text(facets)
        if builtin.name in _UNSUPPORTED:
            raise UnsupportedSchema(
                f"{simple_type.prefixed_name or simple_type!r} derives from "
                f"{builtin.prefixed_name}: {_UNSUPPORTED[builtin.name]}"
            )
        strategy = _BUILTINS[builtin.name](self, facets)
        if _needs_check(builtin.name, facets) or _has_assertions(simple_type):
            strategy = strategy.filter(partial(_round_trips, simple_type))
        return strategy

    def text(self, facets: _Facets | None = None) -> SearchStrategy[str]:
        facets = facets or _Facets()
        size = facets.min_length, facets.max_length
        return self.text_factory(*size, whitespace=facets.white_space)

    def _enumerated(
        self, simple_type: XsdSimpleType, enumeration: Any, facets: _Facets
    ) -> SearchStrategy[Any]:
        lexicals = [element.get("value", "") for element in enumeration]
        allowed = [
            _lexical_or_value(simple_type, lexical)
            for lexical in lexicals
            if simple_type.is_valid(lexical) and _fits_item(lexical, facets)
        ]
        if not allowed:
            raise UnsupportedSchema(
                f"no enumeration value of {simple_type!r} satisfies its other facets"
            )
        return st.sampled_from(allowed)

    def _list(self, simple_type: XsdSimpleType, facets: _Facets) -> SearchStrategy[list[Any]]:
        list_type = simple_type if isinstance(simple_type, XsdList) else simple_type.primitive_type
        high = facets.max_length
        if high is None:
            high = facets.min_length + self.max_unbounded
        if patterns := _user_patterns(simple_type):
            strategy = _pattern_strings(simple_type, patterns[0], False).map(str.split)
        else:
            items = self.simple(list_type.item_type, item=True)
            strategy = st.lists(items, min_size=facets.min_length, max_size=high)
        if patterns or _has_assertions(simple_type):
            strategy = strategy.filter(partial(_round_trips, simple_type))
        return strategy

    def _union(self, simple_type: XsdSimpleType, item: bool) -> SearchStrategy[Any]:
        union = simple_type if isinstance(simple_type, XsdUnion) else simple_type.primitive_type
        members, reasons = [], []
        for member in union.member_types:
            try:
                members.append(self.simple(member, item))
            except UnsupportedSchema as exc:
                reasons.append(str(exc))
        if not members:
            raise UnsupportedSchema(f"no member of {union!r} is supported: {reasons}")
        strategy = st.one_of(members)
        if _has_assertions(simple_type):
            strategy = strategy.filter(partial(_round_trips, simple_type))
        return strategy

    def _patterned(
        self, simple_type: XsdSimpleType, patterns: XsdPatternFacets, facets: _Facets
    ) -> SearchStrategy[str]:
        """Strings drawn from the most derived pattern; the other facets are then checked."""
        strategy = _pattern_strings(simple_type, patterns, facets.item, facets.max_length)
        return strategy.filter(partial(_acceptable, simple_type, facets))


def _pattern_strings(
    simple_type: XsdSimpleType,
    patterns: XsdPatternFacets,
    item: bool,
    max_length: int | None = None,
) -> SearchStrategy[str]:
    """Matches of any of the patterns of one derivation step (they are alternatives)."""
    version = simple_type.xsd_version
    regexps = patterns.regexps
    if max_length is not None:
        regexps = [_bound_repeats(regexp, max_length) for regexp in regexps]
    return st.one_of(
        [
            _regex_strings(_python_regex(regexp, version), item, _alphabet(simple_type, regexp))
            for regexp in regexps
        ]
    )


def _alphabet(simple_type: XsdSimpleType, xsd_regex: str) -> Alphabet:
    """The characters to draw a pattern's matches from.

    ASCII when no value of the type can be anything else (numbers, dates, booleans, binary:
    xmlschema reads ``int('٣')`` as 3, other validators reject it); else the stable
    characters when the pattern has a category escape, else any XML character.
    """
    if not _textual(simple_type):
        return "ascii"
    return "stable" if _CATEGORY_ESCAPE.search(xsd_regex) else "xml"


def _textual(simple_type: Any) -> bool:
    """Whether values of ``simple_type`` may hold characters beyond ASCII."""
    if simple_type.is_list():
        base = simple_type if isinstance(simple_type, XsdList) else simple_type.primitive_type
        return _textual(base.item_type)
    if simple_type.is_union():
        union = simple_type if isinstance(simple_type, XsdUnion) else simple_type.primitive_type
        return any(_textual(member) for member in union.member_types)
    builtin = _builtin_of(simple_type)
    return builtin is None or builtin.name in _TEXTUAL


def _bound_repeats(xsd_regex: str, limit: int) -> str:
    """``xsd_regex`` with ``*``, ``+`` and ``{n,}`` bounded by ``limit`` repetitions.

    A maxLength facet beside a pattern would otherwise reject most long matches; bounding
    each open quantifier keeps the regex's language within the limit's reach (lengths are
    still checked after). XSD regexes (Datatypes appendix F) have no lazy quantifiers, so
    outside character classes and escapes these characters are always quantifiers.
    """
    out: list[str] = []
    position, depth = 0, 0
    while position < len(xsd_regex):
        char = xsd_regex[position]
        if char == "\\":
            end = position + 2
            if xsd_regex[position + 1 : end] in ("p", "P") and xsd_regex[end : end + 1] == "{":
                end = xsd_regex.index("}", end) + 1
            out.append(xsd_regex[position:end])
            position = end
            continue
        if char == "[":
            depth += 1
        elif char == "]" and depth:
            depth -= 1
        elif depth == 0 and char in "*+":
            char = f"{{{0 if char == '*' else 1},{limit}}}"
        elif depth == 0 and char == "{":
            end = xsd_regex.index("}", position)
            low, comma, high = xsd_regex[position + 1 : end].partition(",")
            if comma and not high:
                char = f"{{{low},{max(int(low), limit)}}}"
                position = end
        out.append(char)
        position += 1
    return "".join(out)


def _fits_item(lexical: str, facets: _Facets) -> bool:
    return not facets.item or (bool(lexical) and not any(c.isspace() for c in lexical))


def _acceptable(simple_type: XsdSimpleType, facets: _Facets, value: str) -> bool:
    if not _fits_item(value, facets):
        return False
    if facets.white_space in ("replace", "collapse") and simple_type.normalize(value) != value:
        return False  # keep drawn values stable through whiteSpace normalisation
    return _round_trips(simple_type, value)


def _python_regex(xsd_regex: str, xsd_version: str) -> str:
    """An XSD regular expression (Datatypes appendix F) as a Python one, unanchored."""
    return translate_pattern(
        xsd_regex,
        xsd_version=xsd_version,
        back_references=False,
        lazy_quantifiers=False,
        anchors=False,
    )


# Built-in datatypes =======================================================================

Factory = Callable[[_Builder, _Facets], SearchStrategy[Any]]


def _text(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
    return builder.text(facets)


def _name(first: SearchStrategy[str], other: SearchStrategy[str]) -> Factory:
    """Names (Name, NCName, NMTOKEN, QName) of the given characters, to the length facets."""

    def make(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
        low = max(facets.min_length, 1)
        high = facets.max_length if facets.max_length is not None else low + 12
        if high < low:
            raise UnsupportedSchema(f"no name is {low} to {high} characters long")
        tail = st.lists(other, min_size=low - 1, max_size=high - 1).map("".join)
        return st.tuples(first, tail).map("".join)

    return make


def _ranges(*ranges: tuple[int, int]) -> list[SearchStrategy[str]]:
    return [st.characters(min_codepoint=low, max_codepoint=high) for low, high in ranges]


# Name characters every XML 1.0 edition and validator agrees on: letters of XML 1.0 4th
# edition's BaseChar/Ideographic classes (libxml2 still uses those; the 5th edition and
# elementpath's \i and \c are wider) in Latin, Greek, Cyrillic, Hebrew, Arabic, Hiragana
# and CJK, and ASCII and Arabic-Indic digits. They also pass the \w-based expression
# xmlschema checks an xs:QName with.
_NAME_LETTERS = (
    (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0xFF), (0x3A3, 0x3CE),
    (0x410, 0x44F), (0x5D0, 0x5EA), (0x621, 0x63A), (0x3041, 0x3094), (0x4E00, 0x9FA5),
)  # fmt: skip
_NAME_START = st.one_of(st.just("_"), *_ranges(*_NAME_LETTERS))
_NAME_CHAR = st.one_of(
    _NAME_START, st.sampled_from("-.\u00b7"), *_ranges((0x30, 0x39), (0x660, 0x669))
)


Alphabet = Literal["xml", "stable", "ascii"]  # any XML character; _stable_characters; ASCII


@functools.cache
def _regex_strings(regex: str, item: bool, alphabet: Alphabet = "xml") -> SearchStrategy[str]:
    """Full matches of a Python ``regex`` (no white space for an item), in an alphabet.

    Cached: hypothesis takes a good part of a second to prepare a regex whose classes span
    Unicode, and the same ones recur across types.
    """
    if alphabet == "ascii":
        characters = st.characters(min_codepoint=0x21 if item else 0x20, max_codepoint=0x7E)
    elif alphabet == "stable":
        characters = _stable_characters(item)
    else:
        characters = xml_characters(whitespace=not item)
    return st.from_regex(regex, fullmatch=True, alphabet=characters)


# Blocks UnicodeData.txt gives as First/Last ranges, which libxml2's category tables miss
# (its \p{L} has no CJK ideograph or Hangul syllable), and the private use area.
_RANGE_BLOCKS = ((0x3400, 0x4DB5), (0x4E00, 0x9FA5), (0xAC00, 0xD7A3), (0xE000, 0xF8FF))


@functools.cache
def _stable_characters(item: bool) -> SearchStrategy[str]:
    """BMP characters every validator puts in the same Unicode category.

    Category escapes (``\\d``, ``\\w``, ``\\p{L}``...) follow each validator's Unicode
    tables, and Python's are far newer than libxml2's: keep to characters whose category
    has not changed since Unicode 3.2, outside the range-defined blocks.
    """
    excluded = [chr(code) for code in range(0x20) if code not in (9, 10, 13)]
    excluded += (
        chr(code)
        for code in range(0x20, 0xFFFE)
        if unicodedata.ucd_3_2_0.category(chr(code)) != unicodedata.category(chr(code))
    )
    excluded += (chr(code) for low, high in _RANGE_BLOCKS for code in range(low, high + 1))
    return st.characters(
        min_codepoint=0x21 if item else 0x09,
        max_codepoint=0xFFFD,
        exclude_categories=("Cs",),
        exclude_characters="".join(excluded),
    )


_CATEGORY_ESCAPE = re.compile(r"\\[dDwWpPiIcC]")


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LANGUAGE_TAGS = st.builds(
    lambda primary, subtags: "-".join([primary, *subtags]),
    st.text(_ASCII_LETTERS, min_size=1, max_size=8),
    st.lists(st.text(_ASCII_LETTERS + "0123456789", min_size=1, max_size=8), max_size=3),
)


def _language(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
    """Tags matching ``[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*`` (xs:language's pattern facet)."""
    if facets.max_length is None:
        return _LANGUAGE_TAGS
    return _LANGUAGE_TAGS.map(lambda tag: tag[: facets.max_length].rstrip("-"))


# Characters of one path segment (RFC 3986 pchar, less ":" which would make a relative
# reference's first segment read as a scheme), and of a query or fragment.
_URI_SEGMENT = st.characters(
    categories=("L", "N"), include_characters="-._~!$&'()*+,;=@", max_codepoint=0x2FFFF
)
_URI_TEXT = st.text(alphabet=_URI_SEGMENT, max_size=20)
_URI_QUERY = st.text(
    alphabet=st.characters(categories=("L", "N"), include_characters="-._~!$&'()*+,;=:@/?"),
    max_size=20,
)


def _any_uri(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
    """URI references (RFC 3986) and IRIs: absolute, URN, relative, empty.

    Not free text: xmlschema takes almost any string as xs:anyURI, but libxml2 and others
    parse it as a URI, so unescaped ``%``, ``\\`` or ``]`` would make validators disagree.
    With length facets, relative references (one path segment) of the right length.
    """
    if facets.sized:
        return st.text(_URI_SEGMENT, min_size=facets.min_length, max_size=facets.max_length)
    return st.one_of(
        st.builds("https://example.com/{}?q={}#{}".format, _URI_TEXT, _URI_QUERY, _URI_QUERY),
        _URI_TEXT.map("urn:example:{}".format),
        _URI_TEXT,
        st.sampled_from(["", "http://例え.jp/ü", "mailto:a@b.c", "#frag", "../a%20b"]),
    )


def _boolean(builder: _Builder, facets: _Facets) -> SearchStrategy[bool]:
    return st.booleans()


def _integer(builder: _Builder, facets: _Facets) -> SearchStrategy[int]:
    low, high = _integer_bounds(facets, 1)
    return st.integers(low, high)


def _integer_bounds(facets: _Facets, scale: int) -> tuple[int | None, int | None]:
    """The integer bounds of ``value * scale`` for the bound and digit facets."""
    low = high = None
    if facets.low is not None:
        scaled = facets.low * scale
        low = math.floor(scaled) + 1 if facets.low_open else math.ceil(scaled)
    if facets.high is not None:
        scaled = facets.high * scale
        high = math.ceil(scaled) - 1 if facets.high_open else math.floor(scaled)
    if facets.total_digits is not None:
        limit = 10**facets.total_digits - 1
        low = -limit if low is None else max(low, -limit)
        high = limit if high is None else min(high, limit)
    if low is not None and high is not None and low > high:
        raise UnsupportedSchema(f"the bounds of {facets} leave no value")
    return low, high


_DECIMAL_PLACES = 6  # str(Decimal) switches to exponent form (not xs:decimal) below 1E-6


def _decimal(builder: _Builder, facets: _Facets) -> SearchStrategy[Decimal]:
    limits = [_DECIMAL_PLACES, facets.fraction_digits, facets.total_digits]
    places = min(x for x in limits if x is not None)
    options = []
    for place in range(places + 1):
        try:
            low, high = _integer_bounds(facets, 10**place)
        except UnsupportedSchema:
            continue
        options.append(st.integers(low, high).map(partial(_scaled, place)))
    if not options:
        raise UnsupportedSchema(f"no decimal with at most {places} places fits {facets}")
    return st.one_of(options)


def _scaled(places: int, digits: int) -> Decimal:
    return Decimal(f"{digits}e-{places}")


_FLOAT32_MAX = 3.4028234663852886e38


def _float(width: int) -> Factory:
    def make(builder: _Builder, facets: _Facets) -> SearchStrategy[float]:
        low = None if facets.low is None else float(facets.low)
        high = None if facets.high is None else float(facets.high)
        if width == 32 and facets.bounded:
            low = None if low is None else max(low, -_FLOAT32_MAX)
            high = None if high is None else min(high, _FLOAT32_MAX)
        return st.floats(
            min_value=low,
            max_value=high,
            exclude_min=facets.low_open and low is not None,
            exclude_max=facets.high_open and high is not None,
            allow_nan=not facets.bounded,
            width=64 if facets.bounded else width,
        )

    return make


def _binary(encode: Callable[[bytes], str]) -> Factory:
    """Binary types: length facets count octets (Datatypes 4.3.1.3)."""

    def make(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
        high = facets.max_length if facets.max_length is not None else facets.min_length + 64
        return st.binary(min_size=facets.min_length, max_size=high).map(encode)

    return make


def _base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _hex(data: bytes) -> str:
    return data.hex().upper()


_DATETIME_MIN, _DATETIME_MAX = datetime(2, 1, 1), datetime(9998, 12, 31)
_DATETIMES = st.datetimes(min_value=_DATETIME_MIN, max_value=_DATETIME_MAX)


def _offset(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def _timezones(facets: _Facets) -> SearchStrategy[str]:
    zoned = st.one_of(st.just("Z"), st.integers(-14 * 60, 14 * 60).map(_offset))
    if facets.timezone == "required":
        return zoned
    if facets.timezone == "prohibited":
        return st.just("")
    return st.one_of(st.just(""), zoned)


def _temporal(form: Callable[[datetime], str], timezone: str | None = None) -> Factory:
    """Date and time types (Datatypes 3.2.7-3.2.14) as lexical strings, years 2-9998.

    Each is a datetime cut to the type's fields (a time on 2000-01-01, a gMonth in 2000, as
    elementpath orders them), so bounds become a datetime range; a zoned bound makes the
    values UTC (``Z``), an unzoned one makes them unzoned, since zoned and unzoned values
    are only partially ordered (3.2.7.4). Exclusive bounds are then checked by filtering.
    """

    def make(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
        if timezone is not None:
            facets = replace(facets, timezone=timezone)
        if not facets.bounded:
            return st.tuples(_DATETIMES.map(form), _timezones(facets)).map("".join)
        low, high, zoned = _datetime_range(facets)
        if zoned:
            zones = st.just("Z")
        else:
            zones = _timezones(facets) if facets.timezone == "required" else st.just("")
        moments = st.datetimes(min_value=low, max_value=high)
        return st.tuples(moments.map(form), zones).map("".join)

    return make


def _datetime_range(facets: _Facets) -> tuple[datetime, datetime, bool]:
    low = high = None
    zoned = False
    if facets.low is not None:
        low, zoned = _as_datetime(facets.low)
    if facets.high is not None:
        high, high_zoned = _as_datetime(facets.high)
        zoned = zoned or high_zoned
    low = low or _DATETIME_MIN
    high = high or _DATETIME_MAX
    if low > high:
        raise UnsupportedSchema(f"no date or time lies between {facets.low} and {facets.high}")
    return low, high, zoned


def _as_datetime(value: Any) -> tuple[datetime, bool]:
    """An elementpath date/time value as a naive datetime (in UTC if it has a timezone)."""
    year = min(max(value.year, _DATETIME_MIN.year), _DATETIME_MAX.year)
    fields = (value.hour, value.minute, value.second, value.microsecond)
    try:
        moment = datetime(year, value.month, value.day, *fields)
    except ValueError:  # 29 February of a year moved into the drawable range
        moment = datetime(year, value.month, 28, *fields)
    if value.tzinfo is None:
        return moment, False
    return moment - value.tzinfo.utcoffset(None), True


_SECONDS = st.one_of(
    st.integers(0, 10**5).map(str), st.decimals(0, 10**5, places=3).map(lambda d: f"{d:f}")
)
_AMOUNT = st.none() | st.integers(0, 10**4)


def _duration(date_parts: str, time_parts: bool) -> Factory:
    """Durations (Datatypes 3.2.6) as ``PnYnMnDTnHnMnS``, with the parts a subtype allows."""

    def make(builder: _Builder, facets: _Facets) -> SearchStrategy[str]:
        date = st.tuples(*[_AMOUNT.map(partial(_part, unit)) for unit in date_parts])
        time = st.tuples(
            _AMOUNT.map(partial(_part, "H")),
            _AMOUNT.map(partial(_part, "M")),
            (st.none() | _SECONDS).map(partial(_part, "S")),
        )
        time = time if time_parts else st.just(("",))
        return st.builds(_join_duration, st.booleans(), date, time, st.just(date_parts))

    return make


def _part(unit: str, amount: Any) -> str:
    return "" if amount is None else f"{amount}{unit}"


def _join_duration(
    negative: bool, date: tuple[str, ...], time: tuple[str, ...], date_parts: str
) -> str:
    date_text, time_text = "".join(date), "".join(time)
    if not date_text and not time_text:
        date_text = f"0{date_parts[-1]}" if date_parts else ""
        time_text = "" if date_parts else "0S"
    return f"{'-' if negative else ''}P{date_text}{'T' + time_text if time_text else ''}"


_NCNAME = _name(_NAME_START, _NAME_CHAR)
_INTEGER_TYPES = (
    "integer long int short byte nonNegativeInteger positiveInteger nonPositiveInteger "
    "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
).split()

_BUILTINS: dict[str, Factory] = {
    _xs("string"): _text,
    _xs("normalizedString"): _text,
    _xs("token"): _text,
    _xs("language"): _language,
    _xs("Name"): _NCNAME,
    _xs("NCName"): _NCNAME,
    _xs("NMTOKEN"): _name(_NAME_CHAR, _NAME_CHAR),
    _xs("QName"): _NCNAME,  # unprefixed: valid whatever namespaces are in scope
    _xs("anyURI"): _any_uri,
    _xs("boolean"): _boolean,
    _xs("decimal"): _decimal,
    **{_xs(name): _integer for name in _INTEGER_TYPES},
    _xs("float"): _float(32),
    _xs("double"): _float(64),
    _xs("base64Binary"): _binary(_base64),
    _xs("hexBinary"): _binary(_hex),
    _xs("dateTime"): _temporal(lambda d: d.isoformat()),
    _xs("dateTimeStamp"): _temporal(lambda d: d.isoformat(), timezone="required"),
    _xs("date"): _temporal(lambda d: d.date().isoformat()),
    _xs("time"): _temporal(lambda d: d.time().isoformat()),
    _xs("gYear"): _temporal(lambda d: f"{d.year:04d}"),
    _xs("gYearMonth"): _temporal(lambda d: f"{d.year:04d}-{d.month:02d}"),
    _xs("gMonth"): _temporal(lambda d: f"--{d.month:02d}"),
    _xs("gMonthDay"): _temporal(lambda d: f"--{d.month:02d}-{d.day:02d}"),
    _xs("gDay"): _temporal(lambda d: f"---{d.day:02d}"),
    _xs("duration"): _duration("YMD", True),
    _xs("dayTimeDuration"): _duration("D", True),
    _xs("yearMonthDuration"): _duration("YM", False),
}
"""One strategy factory per built-in atomic datatype, keyed by its QName."""

_UNSUPPORTED: dict[str, str] = {
    _xs("ID"): "an xs:ID must be unique in its document, which a single value cannot know",
    _xs("IDREF"): "an xs:IDREF must name an xs:ID of the same document",
    _xs("ENTITY"): "an xs:ENTITY must name an unparsed entity declared in a DTD",
    _xs("NOTATION"): "an xs:NOTATION must name a declared notation (restrict by enumeration)",
    _xs("error"): "xs:error has an empty value space",
}
"""Built-in atomic datatypes with no value valid on its own, and why."""

_TEMPORAL = {
    _xs(name)
    for name in (
        "dateTime dateTimeStamp date time gYear gYearMonth gMonth gMonthDay gDay duration "
        "dayTimeDuration yearMonthDuration"
    ).split()
}
_TEXTUAL = {
    _xs(name)
    for name in (
        "string normalizedString token language Name NCName NMTOKEN QName anyURI ID IDREF "
        "ENTITY NOTATION"
    ).split()
}
_SIZED_BY_FILTER = {_xs("language")}  # minLength is checked, maxLength is built in


def _needs_check(builtin: str, facets: _Facets) -> bool:
    """Whether facets the factory does not build in apply (they are then filtered for)."""
    return (builtin in _TEMPORAL and facets.bounded) or (
        builtin in _SIZED_BY_FILTER and facets.sized
    )


__all__ = ["TextFactory", "UnsupportedSchema", "from_xsd"]
