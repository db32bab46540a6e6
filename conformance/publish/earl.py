"""A run's results as W3C EARL 1.0 (Evaluation and Report Language) in JSON-LD.

One ``earl:Assertion`` per check of the registry, asserted by the suite (``earl:Software``
with its name and version, DOAP) about the target (``earl:TestSubject``: its endpoint, and
the WSDL the run used with its SHA-256 as an SPDX checksum), for the test (the check as an
``earl:TestCase`` with its statement, the clause it quotes and its level). Outcomes
(https://www.w3.org/TR/EARL10-Schema/#OutcomeValue):

- ``earl:passed`` / ``earl:failed``: the check passed / failed (a failed SHOULD check is
  still ``earl:failed``; its level, and ``advisory`` in the description, say it is not part
  of the verdict);
- ``earl:cantTell``: the check ended in error (the target could not be judged);
- ``earl:untested``: skipped because of how the suite was run (no SMTP capture), or not
  selected for this run;
- ``earl:inapplicable``: skipped because the target offers nothing to test (no usable WSDL,
  a reply template without ``%message.body%``).

The document is plain JSON (no RDF library needed to write it); the project's tests parse it
with rdflib's JSON-LD parser. Only the results document is read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conformance import __version__
from conformance.publish.status import ERROR, FAILED, PASSED, SKIPPED, level

SUITE_NAME = "addmessage-conformance"
SUITE_IRI = f"urn:{SUITE_NAME}:suite"
CHECK_IRI = f"urn:{SUITE_NAME}:check:"
CONTEXT = {
    "earl": "http://www.w3.org/ns/earl#",
    "dct": "http://purl.org/dc/terms/",
    "doap": "http://usefulinc.com/ns/doap#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "conf": f"urn:{SUITE_NAME}:vocab#",
    "dct:date": {"@type": "xsd:dateTime"},
    "earl:assertedBy": {"@type": "@id"},
    "earl:subject": {"@type": "@id"},
    "earl:test": {"@type": "@id"},
    "earl:outcome": {"@type": "@id"},
    "earl:mode": {"@type": "@id"},
    "spdx:algorithm": {"@type": "@id"},
}
OUTCOMES = {PASSED: "earl:passed", FAILED: "earl:failed", ERROR: "earl:cantTell"}
UNTESTED_SKIPS = ("no SMTP capture", "--smtp-capture")


def outcome(record: dict[str, Any] | None) -> str:
    """The EARL outcome of one check record (None: the check was not selected)."""
    if record is None:
        return "earl:untested"
    status = record.get("status")
    if status == SKIPPED:
        reason = str(record.get("reason") or "")
        return ("earl:untested" if any(s in reason for s in UNTESTED_SKIPS)
                else "earl:inapplicable")
    return OUTCOMES.get(str(status), "earl:cantTell")


def subject_iri(results: dict[str, Any]) -> str:
    target = results.get("target") or {}
    return str(target.get("endpoint") or f"urn:{SUITE_NAME}:target:unknown")


def earl_document(results: dict[str, Any], registry: list[dict[str, Any]] | None = None
                  ) -> dict[str, Any]:
    """The EARL JSON-LD document of ``results``; ``registry`` (records of every known check,
    default: this suite's registry) adds the checks the run did not select as untested."""
    records = {str(c["id"]): c for c in results.get("checks") or []}
    known = registry if registry is not None else registry_records()
    tests = {**{str(c["id"]): c for c in known}, **records}
    subject = subject_iri(results)
    date = str(results.get("started_at") or "")
    graph: list[dict[str, Any]] = [assertor(results), test_subject(results, subject)]
    for check_id, check in tests.items():
        graph.append(test_case(check))
        graph.append(assertion(check_id, records.get(check_id), subject, date))
    return {"@context": CONTEXT, "@graph": graph}


def assertor(results: dict[str, Any]) -> dict[str, Any]:
    version = str(results.get("suite_version") or __version__)
    return {"@id": SUITE_IRI, "@type": ["earl:Assertor", "earl:Software", "doap:Project"],
            "doap:name": SUITE_NAME, "dct:title": "addMessage conformance suite",
            "doap:release": {"@type": "doap:Version", "doap:revision": version}}


def test_subject(results: dict[str, Any], iri: str) -> dict[str, Any]:
    target = results.get("target") or {}
    contract = results.get("contract") or {}
    node: dict[str, Any] = {"@id": iri, "@type": ["earl:TestSubject", "doap:Project"],
                            "dct:source": iri,
                            "conf:embeddedReference": bool(target.get("embedded")),
                            "conf:faults": list(target.get("faults") or [])}
    sha = results.get("contract_sha256") or contract.get("sha256")
    if sha:
        node["dct:requires"] = {
            "@id": f"urn:sha256:{sha}", "@type": "conf:Wsdl",
            "dct:source": str(contract.get("source") or target.get("wsdl") or ""),
            "dct:hasVersion": str(contract.get("version") or ""),
            "spdx:checksum": {"@type": "spdx:Checksum",
                              "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                              "spdx:checksumValue": sha}}
    return node


def test_case(check: dict[str, Any]) -> dict[str, Any]:
    return {"@id": CHECK_IRI + str(check["id"]), "@type": ["earl:TestCriterion",
                                                           "earl:TestCase"],
            "dct:identifier": str(check["id"]), "dct:title": str(check.get("title") or ""),
            "dct:source": str(check.get("clause") or ""), "conf:level": level(check)}


def assertion(check_id: str, record: dict[str, Any] | None, subject: str, date: str
              ) -> dict[str, Any]:
    result: dict[str, Any] = {"@type": "earl:TestResult", "earl:outcome": outcome(record)}
    if date:
        result["dct:date"] = date
    description = description_of(record)
    if description:
        result["dct:description"] = description
    return {"@type": "earl:Assertion", "earl:assertedBy": SUITE_IRI, "earl:subject": subject,
            "earl:test": CHECK_IRI + check_id, "earl:mode": "earl:automatic",
            "earl:result": result}


def description_of(record: dict[str, Any] | None) -> str:
    if record is None:
        return "not selected for this run"
    failure = record.get("failure") or {}
    text = str(failure.get("message") or record.get("reason") or "")
    if record.get("status") == FAILED and level(record) != "MUST":
        text = f"advisory ({level(record)}): {text}".strip()
    return text


def registry_records() -> list[dict[str, Any]]:
    from conformance.suite.registry import all_checks

    return [{"id": c.id, "title": c.title, "clause": c.clause, "level": c.level}
            for c in all_checks()]


def earl_bytes(results: dict[str, Any]) -> bytes:
    return (json.dumps(earl_document(results), indent=2, ensure_ascii=False) + "\n").encode()


def write_earl(results: dict[str, Any], path: Path) -> Path:
    path.write_bytes(earl_bytes(results))
    return path
