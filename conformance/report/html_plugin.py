"""The pytest plugin that turns pytest-html's report into the certification report.

It is passed to ``pytest.main(plugins=[...])`` by :func:`conformance.report.render_report`
for the replay of one results.json (``replay_results.py``: one test per check record). It
implements pytest-html's hooks and nothing else of the page is hand-built: the title, the
summary (verdict, facts, counts, pictures, evidence; Jinja2 templates with autoescaping), the
table's columns (check, level, family, examples, clause), and each row's extra HTML (the
statement; for a failure the minimal envelopes, highlighted, the assertion in plain words and
the replay command). The rows keep the family order of the results (``initial_sort =
original``), and each check's own duration replaces the replay's."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from conformance.report import coverage_view, view

TEMPLATES = Path(__file__).with_name("templates")
CSS = TEMPLATES / "report.css"
COLUMNS = (("Check", "testId", True), ("Level", "level", True), ("Family", "family", True),
           ("Examples", "examples", False), ("Clause", "clause", False))

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
    lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def script_json(text: str) -> Markup:
    """JSON text made safe inside ``<script>``: ``<``, ``>`` and ``&`` only occur in JSON
    strings, where their ``\\u`` escapes mean the same; U+2028/9 for old parsers."""
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return Markup(text)  # safe: escaped for the script context just above


class ReportPlugin:
    """pytest-html hooks over one (already scrubbed) results document."""

    def __init__(self, results: dict[str, Any], results_sha256: str, embedded_text: str,
                 redactions: int = 0) -> None:
        self.results = results
        self.records = view.ordered_checks(list(results.get("checks") or []))
        self.results_sha256 = results_sha256
        self.embedded_text = embedded_text
        self.redactions = redactions
        self.by_nodeid: dict[str, dict[str, Any]] = {}
        families = [str(r.get("family") or "other") for r in self.records]
        self.group_starts = {r.get("id") for i, r in enumerate(self.records)
                             if i == 0 or families[i] != families[i - 1]}

    # -- the replayed tests -------------------------------------------------------------
    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "record" in metafunc.fixturenames:
            metafunc.parametrize("record", self.records, indirect=True,
                                 ids=[str(r.get("id")) for r in self.records])

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and isinstance(callspec.params.get("record"), dict):
            self.by_nodeid[item.nodeid] = callspec.params["record"]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """No check records (an aborted run): no test, rather than pytest's empty-set skip."""
        items[:] = [item for item in items if item.nodeid in self.by_nodeid]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]
                                  ) -> Generator[None, Any, pytest.TestReport]:
        report: pytest.TestReport = yield
        record = self.by_nodeid.get(item.nodeid)
        if record is None:
            return report
        shown = report.when == "call" or (report.when == "setup" and report.failed)
        report.duration = float(record.get("duration_s") or 0.0) if shown else 0.0
        if shown:
            from pytest_html import extras

            html = ENV.get_template("details.html.j2").render(
                record=record, failure=view.failure(record))
            # pytest-html's own attribute on the report, which pytest's TestReport type
            # does not declare
            report.extras = [  # type: ignore[attr-defined]
                *getattr(report, "extras", []), extras.html(html)]
        return report

    # -- pytest-html --------------------------------------------------------------------
    def pytest_metadata(self, metadata: dict[str, Any]) -> None:
        """The renderer's environment is not the run's: the report's header says that."""
        metadata.clear()

    def pytest_html_duration_format(self, duration: float) -> str:
        """Milliseconds always: pytest-html's sort reads "N ms" (and "HH:MM:SS")."""
        return f"{round(duration * 1000)} ms"

    def pytest_html_report_title(self, report: Any) -> None:
        endpoint = (self.results.get("target") or {}).get("endpoint") or "unknown target"
        report.title = f"addMessage conformance report: {endpoint}"

    def pytest_html_results_summary(self, prefix: list[str], summary: list[str],
                                    postfix: list[str]) -> None:
        prefix.extend(ENV.get_template(name).render(**self.context())
                      for name in ("header.html.j2", "pictures.html.j2", "coverage.html.j2",
                                   "evidence.html.j2"))

    def context(self) -> dict[str, Any]:
        results = self.results
        created = results.get("created") or {}
        tickets, attachments = created.get("tickets") or [], created.get("attachments") or []
        return {
            "verdict": view.verdict(results), "facts": view.facts(results, self.results_sha256),
            "counts": view.counts(results), "detection": results.get("detection"),
            "redactions": self.redactions,
            "embedded_sha256": hashlib.sha256(self.embedded_text.encode()).hexdigest(),
            "results_sha256": self.results_sha256,
            "results_json": script_json(self.embedded_text),
            "created": {"tickets": tickets, "attachments": attachments,
                        "ticket_ranges": view.ranges(tickets),
                        "attachment_ranges": view.ranges(attachments)},
            "contract": view.contract_check(results),
            "sessions": results.get("sessions"), "discovery": results.get("discovery"),
            "request_total": (results.get("requests") or {}).get("total", 0),
            **view.pictures(results),
            "coverage": coverage_view.coverage(results),
        }

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        macros: Any = ENV.get_template("cells.html.j2").module
        result, _test, duration, _links = cells
        cells[:] = [result, *(str(macros.header(*column)) for column in COLUMNS), duration]

    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]
                                      ) -> None:
        record = self.by_nodeid.get(report.nodeid)
        if record is None:
            return
        macros: Any = ENV.get_template("cells.html.j2").module
        result, _test, duration, _links = cells
        family = record.get("family") or "other"
        cells[:] = [result, str(macros.check(record)),
                    str(macros.cell("level", record.get("level", "MUST"))),
                    str(macros.cell("family", family, record.get("id") in self.group_starts)),
                    str(macros.cell("examples", record.get("examples", 0))),
                    str(macros.cell("clause", record.get("clause") or "-")), duration]

    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]
                                       ) -> None:
        """No pytest log under a row: the row's own extra says it in plain words."""
        if report.nodeid in self.by_nodeid:
            data.clear()


def dumps(results: dict[str, Any]) -> str:
    return json.dumps(results, indent=2, ensure_ascii=False) + "\n"


__all__ = ["CSS", "ReportPlugin", "dumps", "script_json"]
