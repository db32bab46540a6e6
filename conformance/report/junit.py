"""junit.xml from a results.json document (for ``conformance merge``, where there is no
pytest session to write it): the same shape as pytest's xunit2 output of a run, one
``testcase`` per check, built with the standard library's ElementTree. :func:`add_missing`
adds to pytest's own junit.xml of a run the checks that ran after its tests (the
differential oracle's ``AM-REFERENCE-DIFF``), the same way."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

SUITE_NAME = "addmessage-conformance"


def junit_tree(document: dict[str, Any]) -> ET.ElementTree:
    checks = document.get("checks", [])
    counts = document.get("counts", {})
    root = ET.Element("testsuites", name="pytest tests")
    suite = ET.SubElement(root, "testsuite", {
        "name": SUITE_NAME, "errors": str(counts.get("error", 0)),
        "failures": str(sum(1 for c in checks if _failed(c))),
        "skipped": str(sum(1 for c in checks if _skipped(c))),
        "tests": str(len(checks)), "time": f"{document.get('duration_s') or 0:.3f}",
        "timestamp": str(document.get("started_at") or "")})
    for check in checks:
        add_case(suite, check)
    return ET.ElementTree(root)


def add_case(suite: ET.Element, check: dict[str, Any]) -> ET.Element:
    """One ``testcase`` for a check of results.json, as the pytest test of the check."""
    case = ET.SubElement(suite, "testcase", classname="", name=case_name(check["id"]),
                         time=f"{check.get('duration_s') or 0:.3f}")
    detail = _detail(check)
    if _advisory(check):  # a failed SHOULD: shown, not a test failure (as test_conformance)
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="advisory", value=f"SHOULD {detail}")
    elif _failed(check):
        ET.SubElement(case, "failure", message=detail).text = detail
    elif check["status"] == "error":
        ET.SubElement(case, "error", message=detail).text = detail
    elif _skipped(check):
        ET.SubElement(case, "skipped", type="pytest.skip", message=detail).text = detail
    return case


def case_name(check_id: str) -> str:
    return f"test_check[{check_id}]"


def add_missing(document: dict[str, Any], path: Path) -> list[str]:
    """Add to a run's junit.xml (written by pytest) a testcase for each check of results.json
    that has none (one that ran after pytest's tests); returns the ids added."""
    tree = ET.parse(path)
    suite = tree.getroot() if tree.getroot().tag == "testsuite" else tree.getroot().find(
        "testsuite")
    if suite is None:
        return []
    present = {case.get("name") for case in suite.iter("testcase")}
    added = [c for c in document.get("checks", []) if case_name(c["id"]) not in present]
    for check in added:
        add_case(suite, check)
        counter = ("failures" if _failed(check) else "errors" if check["status"] == "error"
                   else "skipped" if _skipped(check) else None)
        for key in ("tests", counter):
            if key:
                suite.set(key, str(int(suite.get(key) or 0) + 1))
    if added:
        ET.indent(tree)
        tree.write(path, encoding="utf-8", xml_declaration=True)
    return [c["id"] for c in added]


def _waived(check: dict[str, Any]) -> bool:
    waiver = check.get("waived") or {}
    return bool(waiver) and not waiver.get("expired")


def _advisory(check: dict[str, Any]) -> bool:
    return check["status"] == "failed" and check.get("level") == "SHOULD"


def _failed(check: dict[str, Any]) -> bool:
    return check["status"] == "failed" and not _waived(check) and not _advisory(check)


def _skipped(check: dict[str, Any]) -> bool:
    return check["status"] == "skipped" or (check["status"] == "failed" and _waived(check))


def _detail(check: dict[str, Any]) -> str:
    failure = check.get("failure") or {}
    text = f"{check['id']}: {failure.get('message') or check.get('reason') or ''}".strip()
    if _waived(check):
        waiver = check["waived"]
        text = (f"{check['id']}: waived known failure (expires {waiver.get('expires')}: "
                f"{waiver.get('reason') or 'no reason given'}): {failure.get('message')}")
    if failure.get("replay"):
        text += f"\nreplay: {failure['replay']}"
    return text


def write_junit(document: dict[str, Any], path: Path) -> Path:
    tree = junit_tree(document)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path
