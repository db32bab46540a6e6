"""junit.xml from a results.json document (for ``conformance merge``, where there is no
pytest session to write it): the same shape as pytest's xunit2 output of a run, one
``testcase`` per check, built with the standard library's ElementTree."""

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
        case = ET.SubElement(suite, "testcase", classname="",
                             name=f"test_check[{check['id']}]",
                             time=f"{check.get('duration_s') or 0:.3f}")
        detail = _detail(check)
        if _failed(check):
            ET.SubElement(case, "failure", message=detail).text = detail
        elif check["status"] == "error":
            ET.SubElement(case, "error", message=detail).text = detail
        elif _skipped(check):
            ET.SubElement(case, "skipped", type="pytest.skip", message=detail).text = detail
    return ET.ElementTree(root)


def _waived(check: dict[str, Any]) -> bool:
    waiver = check.get("waived")
    return bool(waiver) and not waiver.get("expired")


def _failed(check: dict[str, Any]) -> bool:
    return check["status"] == "failed" and not _waived(check)


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
