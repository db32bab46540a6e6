"""The reference target: a real SOAP server of the ticket port (WSGI app served by
waitress, state in SQLite, mail over SMTP), with switchable implementation faults."""

from conformance.reference.server import ReferenceTarget, TargetConfig

__all__ = ["ReferenceTarget", "TargetConfig"]
