"""Strategy factories for the textual built-in datatypes (Datatypes 3.2.1, 3.3.1-3.3.8).

Free text (xs:string and its derivations) comes from the builder's text factory; names,
language tags and URIs are built from characters every XML 1.0 edition and every validator
agrees on, to the length facets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from conformance.strategies.xsd.base import Factory, UnsupportedSchema
from conformance.strategies.xsd.facets import Facets

if TYPE_CHECKING:
    from conformance.strategies.xsd.simple import SimpleBuilder


def free_text(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
    return builder.text(facets)


def names(first: SearchStrategy[str], other: SearchStrategy[str]) -> Factory:
    """Names (Name, NCName, NMTOKEN, QName) of the given characters, to the length facets."""

    def make(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
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
NCNAME = names(_NAME_START, _NAME_CHAR)
NMTOKEN = names(_NAME_CHAR, _NAME_CHAR)


_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LANGUAGE_TAGS = st.builds(
    lambda primary, subtags: "-".join([primary, *subtags]),
    st.text(_ASCII_LETTERS, min_size=1, max_size=8),
    st.lists(st.text(_ASCII_LETTERS + "0123456789", min_size=1, max_size=8), max_size=3),
)


def language(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
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


def any_uri(builder: SimpleBuilder, facets: Facets) -> SearchStrategy[str]:
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
