"""The leaf elements of an operation's request or response, walked from the contract's XSD.

A leaf is an element of simple type (or simple content), named by its path below the
operation's wrapper element (``attachmentInfo/item/contentType``). The write-to-read table
(``write_read.py``) and the contract coverage of a run (``coverage.py``) are both built on
this walk, so they follow whatever WSDL the run uses rather than a list written by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xmlschema.validators import XsdComplexType, XsdElement, XsdGroup, XsdType

from conformance.contract import Contract

XSD_BOOLEAN = "{http://www.w3.org/2001/XMLSchema}boolean"
XSD = "{http://www.w3.org/2001/XMLSchema}"
# Facets whose value is a boundary an input can sit on.
BOUNDARY_FACETS = ("length", "minLength", "maxLength", "minInclusive", "maxInclusive",
                   "minExclusive", "maxExclusive", "totalDigits")


@dataclass(frozen=True)
class Leaf:
    path: str  # below the wrapper element, "/"-separated
    element: XsdElement
    repeated: bool  # it, or an element above it, may occur more than once

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2]

    @property
    def list_name(self) -> str | None:
        """For ``ids/item``-style list items, the wrapper's name (``ids``)."""
        parts = self.path.split("/")
        return parts[-2] if len(parts) > 1 and self.repeated else None

    def enumeration(self) -> list[str]:
        return [str(v) for v in (getattr(self.element.type, "enumeration", None) or [])]

    def is_boolean(self) -> bool:
        simple: XsdType | None = self.element.type
        while simple is not None:
            if getattr(simple, "name", None) == XSD_BOOLEAN:
                return True
            simple = getattr(simple, "base_type", None)
        return False

    def boundaries(self) -> dict[str, Any]:
        """Boundary facets of the leaf's type (``{"maxLength": 4000}``)."""
        facets = getattr(self.element.type, "facets", None) or {}
        out = {}
        for name in BOUNDARY_FACETS:
            facet = facets.get(f"{XSD}{name}")
            if facet is not None and getattr(facet, "value", None) is not None:
                out[name] = facet.value
        return out


def leaves(element: XsdElement) -> list[Leaf]:
    return list(_walk(element, "", False))


def _walk(element: XsdElement, prefix: str, repeated: bool) -> Iterator[Leaf]:
    kind = element.type
    if (not isinstance(kind, XsdComplexType) or kind.has_simple_content()
            or not isinstance(kind.content, XsdGroup)):  # a simple type or simple content
        yield Leaf(prefix, element, repeated)
        return
    for child in kind.content.iter_elements():
        if not isinstance(child, XsdElement) or child.local_name is None:
            raise TypeError(f"{child!r} is no named element (the WSDL has no wildcards)")
        path = f"{prefix}/{child.local_name}" if prefix else child.local_name
        many = repeated or child.max_occurs is None or child.max_occurs > 1
        yield from _walk(child, path, many)


def input_leaves(contract: Contract, operation: str) -> list[Leaf]:
    return leaves(contract.operation(operation).input_element)


def output_leaves(contract: Contract, operation: str) -> list[Leaf]:
    return leaves(contract.operation(operation).output_element)


def list_elements(contract: Contract, operation: str) -> list[str]:
    """Paths of the input's repeated list items (``attachmentIds/item``)."""
    return [leaf.path for leaf in input_leaves(contract, operation) if leaf.repeated]
