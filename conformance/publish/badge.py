"""An SVG badge of a run, in the style of shields.io: on the left "addMessage conformance",
on the right the verdict and the conformance classes that passed (``conformant · 4/4
classes``), coloured green (conformant), red (not conformant) or grey (error). Built as an
lxml element tree (text is escaped by lxml, never concatenated), with a ``<title>`` for
screen readers and no script, font download or external reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from conformance.publish.status import classes_passed, verdict_words

SVG_NS = "http://www.w3.org/2000/svg"
LABEL = "addMessage conformance"
COLOURS = {"conformant": "#2e7d32", "nonconformant": "#c62828", "error": "#6b6b6b"}
CHAR_WIDTH = 6.6  # Verdana 11px, an average advance wide enough for digits and capitals
PADDING = 10
HEIGHT = 20


def badge_text(results: dict[str, Any]) -> str:
    passed, titles = classes_passed(results)
    text = verdict_words(results)
    return f"{text} · {len(passed)}/{len(titles)} classes" if titles else text


def _width(text: str) -> int:
    return int(round(len(text) * CHAR_WIDTH)) + 2 * PADDING


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: Any
         ) -> etree._Element:
    element = etree.SubElement(parent, f"{{{SVG_NS}}}{tag}",
                               {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    element.text = text
    return element


def badge_svg(results: dict[str, Any]) -> etree._Element:
    """The badge of ``results`` as an ``<svg>`` element."""
    value = badge_text(results)
    colour = COLOURS.get(str(results.get("verdict")), COLOURS["error"])
    left, right = _width(LABEL), _width(value)
    svg = etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS}, width=str(left + right),
                        height=str(HEIGHT), role="img")
    svg.set("aria-label", f"{LABEL}: {value}")
    svg.set("data-verdict", str(results.get("verdict")))
    _sub(svg, "title", f"{LABEL}: {value}")
    _sub(svg, "rect", width=left, height=HEIGHT, fill="#555", rx=3)
    _sub(svg, "rect", x=left, width=right, height=HEIGHT, fill=colour, rx=3)
    _sub(svg, "rect", x=left, width=4, height=HEIGHT, fill=colour)  # square inner corner
    text = _sub(svg, "g", fill="#fff", text_anchor="middle", font_size=11,
                font_family="Verdana,DejaVu Sans,sans-serif")
    _sub(text, "text", LABEL, x=left / 2, y=14)
    _sub(text, "text", value, x=left + right / 2, y=14, id="badge-value")
    return svg


def badge_bytes(results: dict[str, Any]) -> bytes:
    return etree.tostring(badge_svg(results), xml_declaration=True, encoding="utf-8",
                          pretty_print=True)


def write_badge(results: dict[str, Any], path: Path) -> Path:
    path.write_bytes(badge_bytes(results))
    return path
