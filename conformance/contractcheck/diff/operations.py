"""The operations of a WSDL's SOAP 1.1 binding, as ``conformance diff`` compares them.

Each operation has its soapAction, its style (its own, else the binding's, WSDL 1.1 3.4)
and, for input and output, the ``soap:body use`` and the message parts the body binds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xmlschema.extras.wsdl import Wsdl11Document

from conformance import ns
from conformance.contractcheck.diff.kinds import INPUT, OUTPUT


@dataclass
class Message:
    use: str | None
    parts: list[tuple[str, Any]]  # (part name, XsdElement or XsdType), as bound by soap:body


@dataclass
class Operation:
    name: str
    soap_action: str
    style: str
    messages: dict[str, Message]


def soap11_binding(document: Wsdl11Document, preferred: str | None = None) -> Any:
    bindings = [
        b for b in document.bindings.values()
        if b.soap_binding is not None and b.soap_binding.tag == f"{{{ns.WSDL_SOAP11}}}binding"
    ]
    named = [b for b in bindings if b.local_name == preferred]
    return (named or bindings or [None])[0]


def bound_operations(binding: Any) -> dict[str, Operation]:
    operations = {}
    for (name, _input, _output), op in binding.operations.items():
        messages = {}
        for direction in (INPUT, OUTPUT):
            ref = getattr(op, direction)
            if ref is None:
                continue
            body = ref.soap_body
            parts = list(ref.message.parts.items()) if ref.message is not None else []
            if body is not None and body.elem.get("parts") is not None:
                parts = [(n, p) for n, p in parts if n in body.parts]
            messages[direction] = Message(body.use if body is not None else None, parts)
        # not op.soap_style: it says "document" when soap:operation has no style attribute,
        # where WSDL 1.1 (3.4) takes the style of soap:binding
        own_style = op.soap_operation.get("style") if op.soap_operation is not None else None
        style = own_style or binding.soap_style or "document"
        operations[name] = Operation(name, op.soap_action or "", style, messages)
    return operations
