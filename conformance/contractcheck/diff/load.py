"""Loading the WSDLs ``conformance diff`` compares, with their schemas, through xmlschema.

A source is a path, a URL or an already loaded document; every way loading can fail becomes
one :class:`ContractError` with a readable line.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from xmlschema.extras.wsdl import Wsdl11Document, WsdlParseError

from conformance.contract import ContractError
from conformance.contractcheck.wsi.reader import read_description

LOAD_TIMEOUT = 10.0

Source = str | Path | Wsdl11Document
"""A WSDL given as a path, a URL (e.g. ``<endpoint>?wsdl``) or an already loaded document."""


def source_name(source: Source) -> str:
    if isinstance(source, Wsdl11Document):
        return str(source.url or "<document>")
    return str(source)


def load_wsdl(source: Source) -> Wsdl11Document:
    """Load a WSDL with its schemas, turning every failure into one readable line."""
    if isinstance(source, Wsdl11Document):
        return source
    read_description(source)  # a clear error for unreadable input and non-WSDL documents
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            return _Wsdl11Document(str(source), validation="skip", timeout=LOAD_TIMEOUT)
        except Exception as exc:  # xmlschema raises many kinds; all mean "unusable WSDL"
            hints = [_first_line(w.message) for w in caught]
            reason = "; ".join([_first_line(exc), *hints[:1]])
            raise ContractError(f"cannot load WSDL {source}: {reason}") from None


class _Wsdl11Document(Wsdl11Document):
    """Skips validating the WSDL against the WSDL 1.1 XSD (~40% of the load time; WS-I
    looks at the structure) but still refuses what the model cannot be built from (missing
    messages, elements, types, port types)."""

    def parse_error(self, message: Any) -> None:
        raise WsdlParseError(message)


def _first_line(error: object) -> str:
    text = getattr(error, "reason", None) or getattr(error, "message", None) or str(error)
    line = next((s.strip() for s in str(text).splitlines() if s.strip()), type(error).__name__)
    return line if len(line) <= 240 else line[:237] + "..."
