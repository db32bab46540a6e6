"""The ticket-port contract: load a WSDL 1.1 (file or URL), find its operations, and
validate, decode and encode operation bodies with xmlschema.

Everything that must agree with the contract (the reference target, the suite's requests,
the strategies) goes through :class:`Contract`, so a target's own WSDL can replace the
canonical one without code changes.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from conformance import codec, ns
from conformance.resources import data_dir

if TYPE_CHECKING:  # xmlschema is imported on first use: `conformance --help` stays quick
    from xmlschema import XMLSchemaValidationError
    from xmlschema.extras.wsdl import Wsdl11Document
    from xmlschema.validators import XsdElement

SCHEMAS_DIR = data_dir("schemas")
CANONICAL_WSDL = SCHEMAS_DIR / "ticket.wsdl"
CANONICAL_XSD = SCHEMAS_DIR / "ticket.xsd"


class ContractError(Exception):
    """The WSDL cannot be read or does not describe a usable ticket port."""


class BodyInvalid(Exception):
    """An operation body does not validate against the contract."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Operation:
    """One operation of the SOAP binding, with its wrapper elements."""

    name: str
    soap_action: str
    style: str
    input_element: XsdElement
    output_element: XsdElement

    @property
    def input_qname(self) -> str:
        return self.input_element.name

    @property
    def output_qname(self) -> str:
        return self.output_element.name

    @property
    def namespace(self) -> str:
        return self.input_element.target_namespace


@dataclass
class Contract:
    """A loaded WSDL: its operations and the schema of their messages."""

    source: str
    document: Wsdl11Document
    binding_qname: str
    operations: dict[str, Operation]
    sha256: str
    _by_element: dict[str, Operation] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_element = {op.input_qname: op for op in self.operations.values()}

    @property
    def namespace(self) -> str:
        return self.document.target_namespace

    @property
    def version(self) -> str:
        """The contract version: the ``version`` attribute of the types schema, if any."""
        schema = self.types_schema
        return schema.version or "unversioned" if schema is not None else "unversioned"

    @cached_property
    def types_schema(self) -> Any:
        """The XSD schema holding the operation elements."""
        schemas = self.document.schema.maps.namespaces.get(self.namespace, [])
        return schemas[0] if schemas else None

    def operation(self, name: str) -> Operation:
        try:
            return self.operations[name]
        except KeyError:
            raise ContractError(f"the contract has no operation {name!r}") from None

    def operation_for_element(self, qname: str) -> Operation | None:
        """The operation whose request wrapper element is ``qname`` (Clark notation)."""
        return self._by_element.get(qname)

    def decode_input(
        self, operation: Operation, element: etree._Element, validate: bool = True
    ) -> dict[str, Any]:
        """Validate and decode a request wrapper element in one pass (``validate=False``
        decodes what it can and ignores errors)."""
        if validate:
            fast = self._fast_decode(operation.input_element, element)
            if fast is not None:
                return Parts(fast)
        return Parts(_decode(operation.input_element, element, validate))

    def decode_output(self, operation: Operation, element: etree._Element) -> dict[str, Any]:
        """Validate and decode a response wrapper element in one pass."""
        fast = self._fast_decode(operation.output_element, element)
        if fast is not None:
            return Parts(fast)
        return Parts(_decode(operation.output_element, element))

    def spelled_input(self, operation: Operation, data: dict[str, Any]) -> dict[str, Any]:
        """Request parameters under the contract's own spelling of each name (see
        :class:`Parts`)."""
        return _respelled(self._names(operation.input_element), data)

    def encode_input(self, operation: Operation, data: dict[str, Any]) -> etree._Element:
        """Encode request parameters (any key order, names matched ignoring case: see
        :class:`Parts`) into the wrapper element."""
        order = self._names(operation.input_element)
        data = _respelled(order, data)
        ordered = {k: data[k] for k in order if k in data}
        ordered.update({k: v for k, v in data.items() if k not in ordered})
        return _encode(operation.input_element, ordered)

    def encode_output(
        self, operation: Operation, data: dict[str, Any], validate: bool = True
    ) -> etree._Element:
        data = _respelled(self._names(operation.output_element), data)
        if validate:
            fast = self._fast_encode(operation.output_element, data)
            if fast is not None:
                return fast
        return _encode(operation.output_element, data, validate)

    def is_valid(self, xsd_element: XsdElement, element: etree._Element) -> str | None:
        """None if ``element`` validates against ``xsd_element``, else the first reason."""
        if self._fast_valid(xsd_element, element):
            return None
        # xmlschema types its sources as xml.etree elements; it reads lxml ones as well.
        for error in xsd_element.iter_errors(element):  # type: ignore[arg-type]
            return _validation_reason(error)
        return None

    # the fast path (codec.py): lxml validation and compiled plans -----------------------
    @cached_property
    def _validator(self) -> codec.Validator | None:
        try:
            wsdl_root = etree.parse(_local_source(self.source)).getroot()
        except (OSError, etree.XMLSyntaxError, codec.Unsupported):
            wsdl_root = None
        try:
            return codec.schema_validator(self.types_schema, wsdl_root)
        except (OSError, etree.LxmlError, codec.Unsupported):
            return None

    @cached_property
    def _plans(self) -> dict[str, codec.Plan]:
        plans: dict[str, codec.Plan] = {}
        for op in self.operations.values():
            for xsd_element in (op.input_element, op.output_element):
                try:
                    plans[xsd_element.name] = codec.compile_plan(xsd_element)
                except codec.Unsupported:
                    pass
        return plans

    @cached_property
    def _child_names_by_element(self) -> dict[str, list[str]]:
        return {xsd_element.name: _child_names(xsd_element)
                for op in self.operations.values()
                for xsd_element in (op.input_element, op.output_element)}

    def _names(self, xsd_element: XsdElement) -> list[str]:
        names = self._child_names_by_element.get(xsd_element.name)
        return names if names is not None else _child_names(xsd_element)

    def _fast_valid(self, xsd_element: XsdElement, element: etree._Element) -> bool:
        """True only when lxml says ``element`` is a valid ``xsd_element`` (False means
        "ask xmlschema", which gives the reason)."""
        validator = self._validator
        return (validator is not None and element.tag == xsd_element.name
                and validator.valid(element))

    def _fast_decode(self, xsd_element: XsdElement, element: etree._Element
                     ) -> dict[str, Any] | None:
        plan = self._plans.get(xsd_element.name)
        if plan is None or not self._fast_valid(xsd_element, element):
            return None
        try:
            decoded = plan.decode(element)
        except (codec.Unsupported, ValueError):
            return None
        return decoded if isinstance(decoded, dict) else {}

    def _fast_encode(self, xsd_element: XsdElement, data: dict[str, Any]
                     ) -> etree._Element | None:
        plan = self._plans.get(xsd_element.name)
        if plan is None:
            return None
        try:
            element = plan.build(data, nsmap={None: xsd_element.target_namespace})
        except (codec.Unsupported, ValueError):
            return None
        return element if self._fast_valid(xsd_element, element) else None


class Parts(dict[str, Any]):
    """The parts of a decoded wrapper element, by the contract's names; a part is also
    found by a name that differs in case only. The reference spells addMessage's out
    parameter ``messageID`` in its parameter table and ``messageId`` in its example
    (ticket-port.md), so a WSDL may use either; the suite and the reference target name
    it once, and read it under either spelling."""

    def _key(self, key: str) -> str:
        if dict.__contains__(self, key) or not isinstance(key, str):
            return key
        folded = key.casefold()
        return next((k for k in self if isinstance(k, str) and k.casefold() == folded), key)

    def __getitem__(self, key: str) -> Any:
        return dict.__getitem__(self, self._key(key))

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, self._key(key) if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self, self._key(key), default)


def _respelled(names: list[str], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each key the contract spells otherwise in case only (see
    :class:`Parts`) renamed to the contract's spelling."""
    folded = {name.casefold(): name for name in names}
    if all(key in folded.values() or key.casefold() not in folded for key in data):
        return data
    return {(key if key in names else folded.get(key.casefold(), key)): value
            for key, value in data.items()}


def _child_names(xsd_element: XsdElement) -> list[str]:
    """The local names of the elements a complex type's content model allows, in order."""
    from xmlschema.validators import XsdComplexType, XsdGroup

    xsd_type = xsd_element.type
    if not isinstance(xsd_type, XsdComplexType) or not isinstance(xsd_type.content, XsdGroup):
        return []
    return [child.local_name for child in xsd_type.content.iter_elements()
            if child.local_name is not None]  # None: a wildcard (xsd:any)


def _decode(xsd_element: XsdElement, element: etree._Element, validate: bool = True
            ) -> dict[str, Any]:
    from xmlschema import XMLSchemaValidationError

    # Prefixes declared above the element (on the Envelope, say) are in scope for the
    # QNames of xsi:type values too. xmlschema types its sources as xml.etree elements;
    # it reads lxml ones as well.
    scope = {prefix or "": uri for prefix, uri in element.nsmap.items()}
    try:
        if validate:
            decoded = xsd_element.decode(element, strip_namespaces=True,  # type: ignore[arg-type]
                                         namespaces=scope)
        else:
            result = xsd_element.decode(element, validation="lax",  # type: ignore[arg-type]
                                        strip_namespaces=True, namespaces=scope)
            decoded = result[0] if isinstance(result, tuple) else result  # lax: (data, errors)
    except XMLSchemaValidationError as exc:
        raise BodyInvalid(_validation_reason(exc)) from None
    if _HAS_XSI_ATTRIBUTE(element):
        decoded = _without_xsi(decoded)
    return decoded if isinstance(decoded, dict) else {}


# xsi:type and friends are validated (a type not derived from the declared one is refused)
# but never change a value: an element with an xsi attribute decodes as one without it.
_HAS_XSI_ATTRIBUTE = etree.XPath(
    f"boolean(descendant-or-self::*/@*[namespace-uri()='{ns.XSI}'])")
_XSI_KEYS = {"@type", "@nil", "@schemaLocation", "@noNamespaceSchemaLocation"}


def _without_xsi(value: Any) -> Any:
    """The decoded value with the xsi attributes taken out (the contract declares no
    attributes of its own, so these are the only ones xmlschema lets through)."""
    if isinstance(value, list):
        return [_without_xsi(v) for v in value]
    if not isinstance(value, dict):
        return value
    kept = {k: _without_xsi(v) for k, v in value.items() if k not in _XSI_KEYS}
    if set(kept) == {"$"}:
        return kept["$"]
    return kept or None


def _encode(xsd_element: XsdElement, data: dict[str, Any], validate: bool = True
            ) -> etree._Element:
    from xmlschema import XMLSchemaValidationError

    namespace = xsd_element.target_namespace
    try:
        result = xsd_element.encode(
            data,
            validation="strict" if validate else "lax",
            etree_element_class=etree.Element,
            namespaces={"": namespace},
            indent=0,
        )
    except XMLSchemaValidationError as exc:
        raise BodyInvalid(_validation_reason(exc)) from None
    encoded = result[0] if isinstance(result, tuple) else result  # lax: (element, errors)
    if not isinstance(encoded, etree._Element):
        raise BodyInvalid(f"{xsd_element.name} did not encode to an element")
    return encoded


def _validation_reason(exc: XMLSchemaValidationError) -> str:
    where = exc.path or ""
    reason = exc.reason or str(exc.message)
    return f"{reason} (at {where})" if where else reason


def _local_source(source: str) -> str:
    if source.startswith(("http://", "https://")):
        raise codec.Unsupported("remote WSDL")
    return source.removeprefix("file://")


def read_source(source: str | Path, timeout: float = 10.0) -> bytes:
    """The bytes of a WSDL given as a path or an http(s)/file URL."""
    import urllib.request

    text = str(source)
    try:
        if text.startswith(("http://", "https://", "file://")):
            with urllib.request.urlopen(text, timeout=timeout) as response:
                body: bytes = response.read()
                return body
        return Path(text).read_bytes()
    except (OSError, ValueError) as exc:
        raise ContractError(f"cannot read WSDL {text}: {exc}") from None


def load_contract(source: str | Path | None = None) -> Contract:
    """Load a WSDL 1.1 with its imported schemas; the canonical contract by default.

    A local file is loaded once per process and version of the file (the embedded target,
    the suite and every run of the fault catalogue share it; contracts are read-only)."""
    source = source if source is not None else CANONICAL_WSDL
    text = str(source)
    if not text.startswith(("http://", "https://", "file://")):
        try:
            stat = Path(text).stat()
        except OSError as exc:
            raise ContractError(f"cannot read WSDL {text}: {exc}") from None
        return _load_file(str(Path(text).resolve()), stat.st_mtime_ns, stat.st_size)
    return _load(source)


@functools.lru_cache(maxsize=16)
def _load_file(path: str, _mtime_ns: int, _size: int) -> Contract:
    return _load(path)


def _load(source: str | Path) -> Contract:
    from xmlschema.extras.wsdl import Wsdl11Document

    raw = read_source(source)
    try:
        document = Wsdl11Document(str(source))
    except Exception as exc:  # xmlschema raises many kinds; all mean "unusable WSDL"
        raise ContractError(f"cannot load WSDL {source}: {exc}") from None
    binding_qname, operations = _soap11_operations(document)
    return Contract(
        source=str(source),
        document=document,
        binding_qname=binding_qname,
        operations=operations,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _soap11_operations(document: Wsdl11Document) -> tuple[str, dict[str, Operation]]:
    from xmlschema.validators import XsdElement

    for qname, binding in document.bindings.items():
        soap_binding = binding.soap_binding
        if soap_binding is None or soap_binding.tag != f"{{{ns.WSDL_SOAP11}}}binding":
            continue
        operations: dict[str, Operation] = {}
        for (name, _input, _output), op in binding.operations.items():
            try:
                in_el = op.input.message.parts["parameters"]
                out_el = op.output.message.parts["parameters"]
            except (AttributeError, KeyError):
                in_el = _only_part(op.input)
                out_el = _only_part(op.output)
            if not isinstance(in_el, XsdElement) or not isinstance(out_el, XsdElement):
                raise ContractError(f"operation {name} is not document/literal wrapped")
            operations[name] = Operation(
                name=name,
                soap_action=op.soap_action or "",
                style=op.soap_style or binding.soap_style or "document",
                input_element=in_el,
                output_element=out_el,
            )
        return qname, operations
    raise ContractError("the WSDL has no SOAP 1.1 binding over HTTP")


def _only_part(message_ref: Any) -> Any:
    parts = list(getattr(getattr(message_ref, "message", None), "parts", {}).values())
    return parts[0] if len(parts) == 1 else None


__all__ = [
    "CANONICAL_WSDL",
    "BodyInvalid",
    "Contract",
    "ContractError",
    "Operation",
    "load_contract",
    "ns",
]
