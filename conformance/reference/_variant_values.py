"""Variants that change what a response says in ways the reference leaves open (order of
messageIds, the form of a status, a date or a media type, optional elements left out) and
how a request is read (extra elements ignored). Each works on the lxml wrapper element of
one operation, but for the media type, which the service stores in its canonical form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from lxml import etree
from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup

STATUS_IDS = {"open": "1", "closed": "2", "postponed": "3", "deleted": "4"}
OFFSET = timezone(timedelta(hours=1))
STORE_DATETIME = "%Y-%m-%d %H:%M:%S"


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _children(node: etree._Element) -> dict[str, etree._Element]:
    return {_local(c): c for c in node if isinstance(c.tag, str)}


def field_items(wrapper: etree._Element) -> list[dict[str, etree._Element]]:
    """The items of ticketResult / messageResult as {field, type, value} elements."""
    found: list[dict[str, etree._Element]] = []
    for node in wrapper:
        if isinstance(node.tag, str) and _local(node) in ("ticketResult", "messageResult"):
            found.extend(_children(item) for item in node if isinstance(item.tag, str))
    return found


def newest_first(wrapper: etree._Element) -> None:
    for node in wrapper:
        if isinstance(node.tag, str) and _local(node) == "messageIds":
            items = list(node)
            for item in items:
                node.remove(item)
            node.extend(reversed(items))


def integer_status(wrapper: etree._Element) -> None:
    for item in field_items(wrapper):
        if _text(item.get("field")) == "ticket.status" and "value" in item:
            item["value"].text = STATUS_IDS.get(_text(item["value"]), _text(item["value"]))
            if "type" in item:
                item["type"].text = "TypeInteger"


def iso_dates(wrapper: etree._Element) -> None:
    for item in field_items(wrapper):
        if _text(item.get("type")) != "TypeDateTime" or "value" not in item:
            continue
        try:
            stamp = datetime.strptime(_text(item["value"]), STORE_DATETIME)
        except ValueError:
            continue  # empty (a ticket not closed) or already another form
        item["value"].text = stamp.replace(tzinfo=UTC).astimezone(OFFSET).isoformat()


def omit_empty_optional(wrapper: etree._Element, declaration: XsdElement) -> None:
    """Leave out children declared minOccurs=0 that are empty (no text, no children)."""
    optional = {child.local_name for child in _declared_children(declaration)
                if child.min_occurs == 0}
    for node in list(wrapper):
        if (isinstance(node.tag, str) and _local(node) in optional and len(node) == 0
                and not node.text):
            wrapper.remove(node)


def drop_unknown_children(wrapper: etree._Element, declaration: XsdElement) -> None:
    """Lenient reading: children of the request wrapper the contract does not declare are
    ignored, as .NET's XmlSerializer does."""
    known = {child.name for child in _declared_children(declaration)}
    for node in list(wrapper):
        if isinstance(node.tag, str) and node.tag not in known:
            wrapper.remove(node)


def _declared_children(declaration: XsdElement) -> list[Any]:
    """The element particles of a wrapper's sequence (none for a simple type)."""
    xsd_type = declaration.type
    if not isinstance(xsd_type, XsdComplexType) or not isinstance(xsd_type.content, XsdGroup):
        return []
    return list(xsd_type.content.iter_elements())


def _text(node: etree._Element | None) -> str:
    return "" if node is None or node.text is None else node.text


def canonical_media_type(value: str) -> str:
    """Variant "media-type-canonical": a content type as the target stores it, type,
    subtype and parameter names lower-cased, each parameter after "; ", a text/* type
    given its default charset explicitly (RFC 2046 4.1.2: us-ascii)."""
    head, *parts = [p.strip() for p in value.split(";")]
    params = []
    for part in filter(None, parts):
        name, _, raw = (piece.strip() for piece in part.partition("="))
        params.append(f"{name.lower()}={raw.lower() if name.lower() == 'charset' else raw}")
    if head.lower().startswith("text/") and not any(p.startswith("charset=") for p in params):
        params.append("charset=us-ascii")
    return "; ".join([head.lower(), *params])
