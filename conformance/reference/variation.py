"""The switched-on variants of one reference target, applied at its hooks: one for requests
(after parsing, before the operation is chosen and the body validated), one for response
envelopes (just before serialisation), one at the HTTP level, and once on the seeded store.
With no variant every hook is the identity (the target's own default behaviour)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from conformance import soap
from conformance.contract import Contract
from conformance.reference import _variant_seed, _variant_values, _variant_wire
from conformance.reference._variant_ids import IdCodec
from conformance.reference.store import Store
from conformance.reference.variants import validate_variants

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = (
    "default-namespace", "empty-header", "envelope-prefix", "integer-status", "iso-dates-offset",
    "large-ids", "lenient-extra-elements", "message-ids-newest-first", "omit-empty-optional",
    "soapaction-unchecked", "uuid-ids", "xsi-type-element", "xsi-type-envelope")

ID_SCHEMES = ("large-ids", "uuid-ids")
RESHAPE = {"xsi-type-envelope", "xsi-type-element", "envelope-prefix", "default-namespace",
           "empty-header"}


class Variation:
    def __init__(self, names: list[str] | frozenset[str] | None, contract: Contract) -> None:
        self.names = validate_variants(list(names or ()))
        self.contract = contract
        schemes = self.names & set(ID_SCHEMES)
        self.ids = IdCodec(schemes) if schemes else None
        self.style = _variant_wire.EnvelopeStyle(self.names, contract.namespace)

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def seed(self, store: Store) -> None:
        if self.names:
            _variant_seed.apply(store, self.names)

    # requests ----------------------------------------------------------------------------
    def on_request(self, child: etree._Element, soap_action: str | None
                   ) -> tuple[etree._Element, str | None]:
        """The request wrapper as this target reads it, and the SOAPAction it will judge."""
        if not self.names:
            return child, soap_action
        operation = self.contract.operation_for_element(etree.QName(child).text)
        if operation is None:
            return child, soap_action
        if "soapaction-unchecked" in self.names:
            soap_action = f'"{operation.soap_action}"'  # dispatch on the body element alone
        if "lenient-extra-elements" in self.names:
            _variant_values.drop_unknown_children(child, operation.input_element)
        if self.ids is not None:
            self.ids.map_tree(child, to_wire=False)
        return child, soap_action

    # responses ---------------------------------------------------------------------------
    def serialize(self, operation_name: str, envelope: etree._Element) -> bytes:
        """Response-side variants as a transform of the response envelope, then bytes."""
        if not self.names:
            return soap.serialize(envelope)
        operation = self.contract.operation(operation_name)
        wrapper = envelope[0][0]
        if self.ids is not None:
            self.ids.map_tree(wrapper, to_wire=True)
        if "message-ids-newest-first" in self.names:
            _variant_values.newest_first(wrapper)
        if "integer-status" in self.names:
            _variant_values.integer_status(wrapper)
        if "iso-dates-offset" in self.names:
            _variant_values.iso_dates(wrapper)
        if "omit-empty-optional" in self.names:
            _variant_values.omit_empty_optional(wrapper, operation.output_element)
        if self.names & RESHAPE:
            envelope = self.style.rebuild(envelope, operation.output_element)
        return _variant_wire.serialize(envelope, self.names)

    def http(self, environ: dict[str, Any], body: bytes
             ) -> tuple[list[tuple[str, str]], Iterable[bytes]]:
        """Headers and body chunks of a POST answer (charset, gzip, chunked)."""
        return _variant_wire.http_response(environ, body, soap.CONTENT_TYPE, self.names)
