"""WS-I Basic Profile 1.1 assertions applied to a WSDL 1.1 description.

The checks read the raw description with lxml (hardened: no DTD, no entities, no network
from the parser itself), because they are about how the WSDL is written (``soap:body
use``, parts declared with ``type=`` or ``element=``, ``soapenc:Array`` restrictions),
which a schema-level model hides. Imported WSDL and XSD documents are followed through
``wsdl:import/@location`` and ``xsd:import|include|redefine/@schemaLocation``.

Only SOAP 1.1 bindings are in the scope of BP 1.1; SOAP 1.2 bindings are left alone (the
Profile ignores them, R2401 says so in its details). Each assertion keeps the requirement
number of the Profile as its id, e.g. ``R2204``; ``check_wsi`` runs all of them.

The pieces are the modules of this package: ``reader`` (reading), ``model`` (the
bindings), ``registry`` (the registry), and the assertions by subject in ``description``,
``schemas``, ``binding``, ``messages`` and ``endpoints``, imported below in the order they
register.
"""

from __future__ import annotations

from pathlib import Path

from conformance.contractcheck.wsi.model import Model
from conformance.contractcheck.wsi.reader import Description, parse_xml, read_description
from conformance.contractcheck.wsi.registry import ASSERTIONS, Assertion, WsiResult

# Importing the assertion modules registers their assertions, in this order.
from conformance.contractcheck.wsi import description  # isort: skip
from conformance.contractcheck.wsi import schemas  # isort: skip
from conformance.contractcheck.wsi import binding  # isort: skip
from conformance.contractcheck.wsi import messages  # isort: skip
from conformance.contractcheck.wsi import endpoints  # isort: skip

_SUBJECTS = (description, schemas, binding, messages, endpoints)
"""The modules of assertions, one per subject of the Profile."""


def check_wsi(source: str | Path | Description) -> list[WsiResult]:
    """Apply every WS-I BP 1.1 assertion of :data:`ASSERTIONS` to a description.

    ``source`` is a path, a URL or an already read :class:`Description`. Raises
    :class:`ContractError` if it cannot be read or is not a WSDL 1.1 document.
    """
    description = source if isinstance(source, Description) else read_description(source)
    model = Model(description)
    results = []
    for assertion in sorted(ASSERTIONS.values(), key=lambda a: a.id):
        problems = assertion.check(model)
        results.append(WsiResult(assertion.id, assertion.title, assertion.level,
                                 not problems, tuple(problems)))
    return results


def failed_must(results: list[WsiResult]) -> list[WsiResult]:
    return [r for r in results if not r.passed and r.level == "MUST"]


__all__ = [
    "ASSERTIONS",
    "Assertion",
    "Description",
    "WsiResult",
    "check_wsi",
    "failed_must",
    "parse_xml",
    "read_description",
]
