"""A run in Markdown for a README or a pull-request comment: the verdict and its sentence,
the target and the WSDL hash, the counts and classes, and one row per check that did not
pass (failed, advisory, error, skipped) with its message. Rendered from a Jinja2 template;
every value goes through the ``md`` filter (table pipes, line breaks and Markdown markup
escaped), so a target's message cannot break out of its cell."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2

from conformance.publish.status import CELL_STATUSES, PASSED, cell_status, level, verdict_words

TEMPLATES = Path(__file__).with_name("templates")
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
MAX_MESSAGE = 300


def md(value: Any) -> str:
    """``value`` as inline Markdown text: one line, its markup characters escaped."""
    text = " ".join(str(value if value is not None else "").split())
    return MD_SPECIAL.sub(r"\\\1", text)


def code(value: Any) -> str:
    """``value`` inside a Markdown code span in a table: one line, no backtick, pipes
    escaped (GitHub unescapes ``\\|`` inside table cells)."""
    text = " ".join(str(value if value is not None else "").split())
    return text.replace("`", "'").replace("|", "\\|")


ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                         trim_blocks=True, lstrip_blocks=True,
                         undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
ENV.filters["md"] = md
ENV.filters["code"] = code


def findings(results: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for record in results.get("checks") or []:
        status = cell_status(record)
        if status == PASSED:
            continue
        failure = record.get("failure") or {}
        message = str(failure.get("message") or record.get("reason") or "")
        out.append({"id": str(record["id"]), "level": level(record), "status": status,
                    "message": message[:MAX_MESSAGE]})
    order = {s: i for i, s in enumerate(("failed", "error", "advisory", "skipped"))}
    return sorted(out, key=lambda f: order.get(f["status"], 9))


def summary_markdown(results: dict[str, Any], report_link: str | None = None) -> str:
    from conformance.report.view import verdict as verdict_view

    target = results.get("target") or {}
    statuses = [cell_status(c) for c in results.get("checks") or []]
    return ENV.get_template("summary.md.j2").render(
        verdict=verdict_words(results), sentence=verdict_view(results)["sentence"],
        target=target.get("endpoint") or "-", sha=results.get("contract_sha256") or "-",
        suite=f"addmessage-conformance {results.get('suite_version') or ''}".strip(),
        seed=results.get("seed"), profile=results.get("profile") or "-",
        counts=[(s, statuses.count(s)) for s in CELL_STATUSES if statuses.count(s)],
        classes=list((results.get("classes") or {}).values()),
        findings=findings(results), report=report_link)


def summary_bytes(results: dict[str, Any]) -> bytes:
    return summary_markdown(results, "report.html").encode()


def write_summary(results: dict[str, Any], path: Path, report_link: str | None = None
                  ) -> Path:
    path.write_text(summary_markdown(results, report_link), encoding="utf-8")
    return path
