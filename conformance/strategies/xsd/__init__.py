"""Hypothesis strategies for schema-valid values of XML Schema components: :func:`from_xsd`.

The approach is hypothesis-jsonschema's: read the schema component, turn its constraints
into strategy arguments, and build valid values directly instead of filtering random ones.

- Elements and complex types become dicts in the form ``XsdElement.decode(...,
  strip_namespaces=True)`` produces and ``XsdElement.encode`` accepts: child elements under
  their local names in model order, a list for an element that may repeat, ``'@name'`` for
  attributes and ``'$'`` for simple content beside attributes. Occurrences honour
  minOccurs/maxOccurs (Structures 3.9), with ``unbounded`` capped; sequences, choices and
  ``all`` groups are followed (3.8); an element with empty content is ``{}``.
- Simple types go through one table, ``builtins.BUILTINS``, keyed by the QName of
  the nearest built-in ancestor (Datatypes section 3), with the facets of the whole
  derivation chain (section 4.3) turned into arguments: lengths, bounds,
  totalDigits/fractionDigits, whiteSpace, explicitTimezone. An enumeration becomes
  ``sampled_from``, a pattern ``from_regex(..., fullmatch=True)`` over XML characters, a
  list type a list of its items, a union a ``one_of`` of its members.
- ``xs:string`` and ``xs:anyType`` text comes from :func:`xml_text`: XML 1.0 characters only,
  as hostile as possible otherwise.

Values are meant to be valid for every validator, not only for xmlschema (the tests also
validate them with libxml2): names use characters all XML 1.0 editions agree on, pattern
classes such as ``\\d`` or ``\\p{L}`` draw from characters whose Unicode category is the
same in old and new tables, and numeric or date patterns from ASCII.

This package's one public entry point is this module (``from_xsd``, ``TextFactory``,
``UnsupportedSchema``). Its modules import one way, bottom to top (tests/architecture.py
holds them to it): ``base`` (shared types), ``facets`` (reading facets), the factories of
``strings``, ``numeric`` and ``temporal``, ``builtins`` (the table), ``patterns`` (pattern
facets), ``simple`` (simple types), ``content`` (elements, complex types, particles).

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

from typing import Any

from hypothesis.strategies import SearchStrategy
from xmlschema.validators import XsdElement, XsdType

from conformance.strategies.xmltext import xml_text
from conformance.strategies.xsd.base import TextFactory, UnsupportedSchema
from conformance.strategies.xsd.content import Builder


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
    builder = Builder(text or xml_text, max_unbounded, max_recursion)
    return builder.component(component)


__all__ = ["TextFactory", "UnsupportedSchema", "from_xsd"]
