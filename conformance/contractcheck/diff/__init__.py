"""Compare a target's WSDL with the canonical contract and classify every difference.

The comparison walks the SOAP 1.1 binding: operations (by name), their soapAction and
style, and for the input and output of each, ``soap:body use``, the message parts, and the
element each part references, recursively through complex types (children with their
effective occurrence bounds, attributes) down to simple types (built-in base type,
enumerations, lengths, patterns, bounds, digits).

A difference is **breaking** when an existing client of the canonical contract can fail
against the target. What narrows or widens the accepted values depends on who writes the
message: in a request (``input``) the client writes, so a narrowed type, a raised
``minOccurs`` or a new required element breaks it and a widened one does not; in a
response (``output``) the client reads, so it is the other way round (a widened type or a
new enumeration value breaks it, a narrowed one does not). Removals, renames, incomparable
changes and namespace changes break in both directions. :data:`KINDS` lists every kind.

Elements are matched by local name, so a target that differs only in namespace is still
compared in full; the namespace change itself is reported once per pair of namespaces
(``DiffReport.namespace_only`` tells the suite it can still test such a target).

The pieces are the modules of this package: ``load`` (loading), ``wsdl`` (bindings,
operations, messages) over ``schema`` (elements and types) and ``simple`` (simple types),
which read components with ``components`` and compare them with ``compare``; the kinds are
in ``kinds``, the report in ``report``, the operation model in ``operations``.
"""

from __future__ import annotations

from conformance.contractcheck.diff.kinds import KINDS, classify
from conformance.contractcheck.diff.load import Source, load_wsdl, source_name
from conformance.contractcheck.diff.report import Difference, DiffReport
from conformance.contractcheck.diff.wsdl import Differ


def diff_contracts(canonical_source: Source, target_source: Source) -> DiffReport:
    """Compare two WSDL 1.1 contracts and classify each difference.

    Raises :class:`ContractError` if either cannot be read or is not a usable WSDL.
    """
    target = load_wsdl(target_source)  # first: the target is the one likely to be broken
    canonical = load_wsdl(canonical_source)
    differ = Differ()
    differ.compare(canonical, target)
    return DiffReport(source_name(canonical_source), source_name(target_source), differ.result())


__all__ = [
    "KINDS",
    "DiffReport",
    "Difference",
    "Source",
    "classify",
    "diff_contracts",
    "load_wsdl",
]
