"""XML syntax highlighting for the report, without markup in strings: the text of an
envelope is cut into ``(kind, text)`` tokens here, and the template wraps each token in a
``<span class="x-KIND">`` while Jinja2 escapes the text. Anything that is not well-formed
(a deliberately broken request, a non-XML response) still comes out whole, as plain text
tokens, so the report shows exactly what went over the wire."""

from __future__ import annotations

import re
from typing import NamedTuple

from conformance import soap


class Token(NamedTuple):
    kind: str  # "" (plain text), tag, attr, value, punct, entity, comment, cdata, decl
    text: str


_MARKUP = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|(?P<cdata><!\[CDATA\[.*?\]\]>)"
    r"|(?P<decl><\?.*?\?>|<!DOCTYPE(?:[^>\[]|\[[^\]]*\])*>)"
    r"|(?P<entity>&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_][\w.-]*);)"
    r"|(?P<tag></?[A-Za-z_][\w.:-]*(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>)",
    re.DOTALL,
)
_TAG_PART = re.compile(
    r"(?P<open></?)(?P<name>[A-Za-z_][\w.:-]*)"
    r"|(?P<attr>[^\s=/>]+)(?P<eq>\s*=\s*)(?P<value>\"[^\"]*\"|'[^']*')"
    r"|(?P<close>\s*/?>)|(?P<space>\s+)",
)


def tokens(text: str) -> list[Token]:
    """The highlighting tokens of ``text``; joined, they give ``text`` back unchanged."""
    out: list[Token] = []
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            out.append(Token("", text[position:match.start()]))
        kind = match.lastgroup or ""
        out.extend(_tag_tokens(match.group()) if kind == "tag" else [Token(kind, match.group())])
        position = match.end()
    if position < len(text):
        out.append(Token("", text[position:]))
    return out


def _tag_tokens(tag: str) -> list[Token]:
    out: list[Token] = []
    for part in _TAG_PART.finditer(tag):
        if part.group("open"):
            out += [Token("punct", part.group("open")), Token("tag", part.group("name"))]
        elif part.group("attr"):
            out += [Token("attr", part.group("attr")), Token("punct", part.group("eq")),
                    Token("value", part.group("value"))]
        elif part.group("close"):
            out.append(Token("punct", part.group("close")))
        else:
            out.append(Token("", part.group()))
    return out


def pretty(text: str | None) -> str:
    """``text`` indented when it is one long line of XML (the suite already records its
    envelopes indented; an older or foreign results file may not), else unchanged."""
    if not text or "\n" in text.strip() or len(text) < 120:
        return text or ""
    return soap.pretty(text.encode("utf-8"))


__all__ = ["Token", "pretty", "tokens"]
