"""The reference target: a real SOAP server of the ticket port (WSGI app served by
waitress, state in SQLite, mail over SMTP), with switchable implementation faults."""

from __future__ import annotations

from typing import Any

__all__ = ["ReferenceTarget", "TargetConfig"]


def __getattr__(name: str) -> Any:
    """The server's names, imported on first use (PEP 562): ``conformance faults`` reads
    the catalogue without starting waitress, lxml or xmlschema."""
    if name in __all__:
        from conformance.reference import server

        return getattr(server, name)
    raise AttributeError(f"module 'conformance.reference' has no attribute {name!r}")
