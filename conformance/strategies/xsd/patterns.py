"""Matches of pattern facets for :func:`~conformance.strategies.xsd.from_xsd`.

An XSD regular expression (Datatypes appendix F) is translated to a Python one and drawn
with ``from_regex(..., fullmatch=True)``, its open repeats bounded by maxLength, over an
alphabet every validator reads the same way: ASCII for numbers and dates, characters of
stable Unicode category where the pattern has a category escape, else any XML character.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Literal

from elementpath.regex import translate_pattern
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from xmlschema.validators import XsdList, XsdPatternFacets, XsdSimpleType, XsdUnion

from conformance.strategies.xmltext import SURROGATES, xml_characters
from conformance.strategies.xsd.builtins import TEXTUAL
from conformance.strategies.xsd.facets import builtin_of

Alphabet = Literal["xml", "stable", "ascii"]  # any XML character; _stable_characters; ASCII


def pattern_strings(
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
    builtin = builtin_of(simple_type)
    return builtin is None or builtin.name in TEXTUAL


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


def _python_regex(xsd_regex: str, xsd_version: str) -> str:
    """An XSD regular expression (Datatypes appendix F) as a Python one, unanchored."""
    return translate_pattern(
        xsd_regex,
        xsd_version=xsd_version,
        back_references=False,
        lazy_quantifiers=False,
        anchors=False,
    )


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
        exclude_categories=SURROGATES,
        exclude_characters="".join(excluded),
    )


_CATEGORY_ESCAPE = re.compile(r"\\[dDwWpPiIcC]")
