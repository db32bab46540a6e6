"""The tests that pytest-html reports on when a results.json is rendered: one per check
record (parametrized by :class:`conformance.report.html_plugin.ReportPlugin`), passing,
failing or skipping as the record says. A check that could not be judged fails in setup, so
pytest-html shows it as an Error. Nothing here talks to a target: the run is over."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def record(request: pytest.FixtureRequest) -> dict[str, Any]:
    data: dict[str, Any] = request.param
    if data.get("status") == "error":
        pytest.fail(f"ERROR: {data.get('reason') or 'the check could not be judged'}",
                    pytrace=False)
    return data


def test_check(record: dict[str, Any]) -> None:
    status = record.get("status")
    if status == "skipped":
        pytest.skip(str(record.get("reason") or "skipped"))
    if status == "failed":
        pytest.fail(waiver_note(record) + str((record.get("failure") or {}).get("message")
                                              or record.get("reason") or "failed"),
                    pytrace=False)
    if status != "passed":
        pytest.fail(f"ERROR: unknown status {status!r}", pytrace=False)


def waiver_note(record: dict[str, Any]) -> str:
    """A failure a --baseline waives stays a failure here, marked as such."""
    waiver = record.get("waived")
    if not waiver:
        return ""
    if waiver.get("expired"):
        return f"[waiver EXPIRED on {waiver.get('expires')}] "
    return (f"[waived known failure until {waiver.get('expires')}: "
            f"{waiver.get('reason') or 'no reason given'}] ")
