"""Hypothesis strategies for text that XML 1.0 allows but that breaks careless code.

XML 1.0 (Fifth Edition) section 2.2, production [2]::

    Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]

Every string drawn here consists of those characters only, so lxml accepts it as element
text or attribute value; otherwise it is as hostile as it can be: markup characters and
``]]>``, CR (weighted: plain ``st.text()`` almost never produces it, and section 2.11
line-end normalisation makes it the character most often lost), LF, CRLF, tabs, leading
and trailing spaces, non-BMP characters (emoji, U+10000–U+10FFFF), right-to-left scripts
and overrides, combining marks, C1 controls (U+007F–U+009F), U+E000–U+FFFD, and now and
then strings thousands of characters long.

:func:`char_classes` names the kinds of characters a string holds, so a report can show the
mix of inputs a run actually sent (:data:`CHAR_CLASSES` lists the names in report order).
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

WhiteSpace = Literal["preserve", "replace", "collapse", "none"]
"""How a string's XML white space (space, tab, LF, CR) is shaped.

``preserve``, ``replace`` and ``collapse`` are the values of the XSD ``whiteSpace`` facet
(XML Schema Part 2, 4.3.6): a string drawn with ``replace`` has no tab, LF or CR; with
``collapse`` it has in addition no leading, trailing or doubled space. ``none`` has no white
space at all (an item of an XSD list type, which white space would split). Outside
``preserve``, Unicode white space (``str.isspace()``) counts as white space as well.
"""

_XML_WHITESPACE = "\t\n\r "
# Surrogates (Unicode category Cs) are no characters; typed as hypothesis' category names
SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
_ILLEGAL_BELOW_SPACE = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r")
_MARKUP_CHARS = "<>&'\""

CHAR_CLASSES: tuple[str, ...] = (
    "empty",
    "ascii",
    "markup",
    "cdata_end",
    "cr",
    "lf",
    "crlf",
    "tab",
    "edge_space",
    "non_bmp",
    "rtl",
    "combining",
    "c1_control",
    "private_use",
    "high_bmp",
    "long",
)
"""Every name :func:`char_classes` can return, in the order a report should show them."""

LONG_TEXT = 1000
"""A string of at least this many characters counts as ``long``."""


def is_xml_char(char: str) -> bool:
    """Whether ``char`` (one character) is allowed in an XML 1.0 document (production [2])."""
    code = ord(char)
    return (
        char in "\t\n\r"
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def xml_characters(*, whitespace: bool = True) -> SearchStrategy[str]:
    """Single characters legal in XML 1.0, from the whole range (without white space if asked).

    This is a ``characters()`` strategy, so it can serve as the ``alphabet`` of
    ``st.from_regex`` and ``st.text``.
    """
    return st.characters(
        min_codepoint=0x09 if whitespace else 0x21,
        max_codepoint=0x10FFFF,
        exclude_categories=SURROGATES,
        exclude_characters=_ILLEGAL_BELOW_SPACE + "\ufffe\uffff",
    )


def _chars(low: int, high: int) -> SearchStrategy[str]:
    return st.characters(min_codepoint=low, max_codepoint=high, exclude_categories=SURROGATES)


# One "piece" of hostile text; the text is a few pieces joined. Line breaks come twice in
# the one_of so that CR shows up in a good share of the strings.
_BREAKS = st.sampled_from(["\r", "\r\n", "\n", "\r\r\n", "\t", "\n\r", "\r"])
_MARKUP = st.sampled_from(
    ["<", ">", "&", "'", '"', "]]>", "<![CDATA[x]]>", "&amp;", "&#13;", "&lt;", "<!--", "-->"]
    + ["<?xml ?>", "</a>", '<a b="c">', "\\", "%s", "{0}"]
)
_ASCII = st.text(alphabet=_chars(0x20, 0x7E), min_size=1, max_size=12)
_NON_BMP = st.one_of(
    st.sampled_from(["😀", "👍🏽", "🇳🇴", "👩\u200d💻", "𝄞", "𠜎", "\U0010fffd", "\U00010000"]),
    _chars(0x10000, 0x10FFFF),
)
_RTL = st.one_of(
    st.sampled_from(["שלום", "مرحبا", "\u202e", "abc\u202edef", "\u202b", "\u200f", "א1ב2"]),
    _chars(0x0590, 0x06FF),
)
_COMBINING = st.one_of(
    st.sampled_from(["e\u0301", "a\u0308\u0304", "\u0301", "Z\u0335\u0336\u0337"]),
    _chars(0x0300, 0x036F),
)
_C1 = _chars(0x7F, 0x9F)
_HIGH_BMP = st.one_of(
    st.sampled_from(["\ufeff", "\ufffd", "\ue000", "\uf8ff", "\u00a0"]), _chars(0xE000, 0xFFFD)
)
_ANY = st.text(alphabet=xml_characters(), min_size=1, max_size=6)
_PIECE = st.one_of(
    _BREAKS, _MARKUP, _ASCII, _BREAKS, _NON_BMP, _RTL, _COMBINING, _C1, _HIGH_BMP, _ANY, _ASCII
)
_EDGE = st.sampled_from(["", "", "", "", " ", "  ", "\t", " \r\n", "\r", "\n "])
_LONG_SWITCH = st.sampled_from([False] * 14 + [True])
_PAD = xml_characters(whitespace=False)
_PAD_NO_SPACE = _PAD.filter(lambda char: not char.isspace())


def _shape(text: str, whitespace: WhiteSpace) -> str:
    """``text`` in the form the ``whiteSpace`` facet would leave it (XSD Part 2, 4.3.6).

    The facet only concerns space, tab, LF and CR, but xmlschema (like other tools built on
    a regex ``\\s`` or ``str.split()``) also replaces, collapses and splits on Unicode white
    space such as U+00A0 and U+0085; those are treated as spaces too, so that a value drawn
    for a ``replace``/``collapse`` type or a list item is the same after any of them.
    """
    if whitespace == "preserve":
        return text
    replaced = "".join(" " if char.isspace() else char for char in text)
    if whitespace == "replace":
        return replaced
    if whitespace == "collapse":
        return " ".join(part for part in replaced.split(" ") if part)
    return replaced.replace(" ", "")


@st.composite
def _xml_text(draw: st.DrawFn, min_size: int, max_size: int | None, whitespace: WhiteSpace) -> str:
    if max_size == 0:
        return ""
    if draw(_LONG_SWITCH) and (max_size is None or max_size >= LONG_TEXT):
        chunk = "".join(draw(st.lists(_PIECE, min_size=1, max_size=4)))
        length = draw(st.integers(LONG_TEXT, max(LONG_TEXT, min(max_size or 6000, 6000))))
        body = (chunk * (length // len(chunk) + 1))[:length]
    else:
        body = "".join(draw(st.lists(_PIECE, max_size=8)))
    text = _shape(draw(_EDGE) + body + draw(_EDGE), whitespace)
    if max_size is not None and len(text) > max_size:
        text = text[:max_size]
        if whitespace == "collapse":
            text = text.rstrip(" ")
    if len(text) < min_size:
        need = min_size - len(text)
        alphabet = _PAD if whitespace == "preserve" else _PAD_NO_SPACE
        text += draw(st.text(alphabet=alphabet, min_size=need, max_size=need))
    return text


def xml_text(
    min_size: int = 0, max_size: int | None = None, *, whitespace: WhiteSpace = "preserve"
) -> SearchStrategy[str]:
    """Strings of XML 1.0 characters, ``min_size`` to ``max_size`` characters long, mixing
    markup, line breaks (CR weighted), edge spaces, non-BMP, right-to-left, combining, C1
    and high-BMP characters, and sometimes thousands of characters.

    Lengths count characters (code points), as XSD length facets do. ``whitespace`` shapes
    the white space as the XSD ``whiteSpace`` facet would (see :data:`WhiteSpace`), so a
    string drawn for a ``collapse`` type keeps its length through validation.
    """
    if min_size < 0 or (max_size is not None and max_size < min_size):
        raise ValueError(f"invalid sizes min_size={min_size} max_size={max_size}")
    return _xml_text(min_size, max_size, whitespace)


def char_classes(text: str) -> set[str]:
    """The names (from :data:`CHAR_CLASSES`) of the kinds of characters ``text`` holds."""
    found: set[str] = set()
    if not text:
        return {"empty"}
    if len(text) >= LONG_TEXT:
        found.add("long")
    if "]]>" in text:
        found.add("cdata_end")
    if "\r\n" in text:
        found.add("crlf")
    if text[0] in _XML_WHITESPACE or text[-1] in _XML_WHITESPACE:
        found.add("edge_space")
    for char in set(text):
        found.update(_char_class(char))
    return found


_SINGLE = {"\r": "cr", "\n": "lf", "\t": "tab"}
_RTL_BIDI = {"R", "AL", "RLE", "RLO", "RLI"}


def _char_class(char: str) -> set[str]:
    code = ord(char)
    if char in _SINGLE:
        return {_SINGLE[char]}
    if char in _MARKUP_CHARS:
        return {"markup"}
    if 0x21 <= code <= 0x7E:
        return {"ascii"}
    if 0x7F <= code <= 0x9F:
        return {"c1_control"}
    if code > 0xFFFF:
        kinds = {"non_bmp"}
    elif 0xE000 <= code <= 0xF8FF:
        return {"private_use"}
    elif 0xF900 <= code <= 0xFFFD:
        kinds = {"high_bmp"}
    else:
        kinds = set()
    if unicodedata.category(char) == "Co":
        kinds.add("private_use")
    if unicodedata.bidirectional(char) in _RTL_BIDI:
        kinds.add("rtl")
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
        kinds.add("combining")
    return kinds


__all__ = [
    "CHAR_CLASSES",
    "LONG_TEXT",
    "WhiteSpace",
    "char_classes",
    "is_xml_char",
    "xml_characters",
    "xml_text",
]
