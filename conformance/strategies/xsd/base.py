"""What every part of :func:`~conformance.strategies.xsd.from_xsd` shares.

The error it raises for a component it cannot build values for, the protocol of the free
text factory it is given, the signature of a built-in datatype's strategy factory, and the
spelling of XSD QNames in Clark notation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from hypothesis.strategies import SearchStrategy

from conformance import ns
from conformance.strategies.xmltext import WhiteSpace

if TYPE_CHECKING:
    from conformance.strategies.xsd.facets import Facets
    from conformance.strategies.xsd.simple import SimpleBuilder


class UnsupportedSchema(ValueError):
    """A schema component for which :func:`from_xsd` cannot build valid values."""


class TextFactory(Protocol):
    """Makes the strategy for free text; :func:`xml_text` is the default."""

    def __call__(
        self, min_size: int = 0, max_size: int | None = None, *, whitespace: WhiteSpace = ...
    ) -> SearchStrategy[str]: ...


Factory = Callable[["SimpleBuilder", "Facets"], SearchStrategy[Any]]
"""The strategy factory of one built-in datatype: the builder (for free text) and facets."""


def xs(local: str) -> str:
    """The QName of an XSD component in Clark notation, e.g. ``{...XMLSchema}string``."""
    return f"{{{ns.XSD}}}{local}"
