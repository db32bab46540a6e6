"""The comparison matrix as a self-contained HTML page, as Markdown for a pull-request
comment, and as JSON; the page and the Markdown come from Jinja2 templates (the page with
autoescaping, the Markdown through the ``md``/``code`` filters of the run summary). Links
are relative to the comparison's folder, or prefixed by ``link_base`` (a URL where the
folder is published, for a comment that must link somewhere absolute)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2

from conformance import __version__
from conformance.publish.summary import code, md

TEMPLATES = Path(__file__).with_name("templates")
ICONS = {"passed": "✅", "failed": "❌", "advisory": "⚠️", "skipped": "⏭️", "error": "💥",
         "not run": "➖"}
ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",),
                                        default_for_string=False, default=False),
    trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
ENV.filters["md"] = md
ENV.filters["code"] = code
HTML_NAME, MARKDOWN_NAME, JSON_NAME = "compare.html", "compare.md", "compare.json"


def html_page(matrix: dict[str, Any]) -> str:
    return ENV.get_template("compare.html.j2").render(
        matrix=matrix, css=(TEMPLATES / "compare.css").read_text(encoding="utf-8"),
        suite_version=__version__,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"))


def markdown(matrix: dict[str, Any], link_base: str = "") -> str:
    def link(target: str) -> str:
        return (link_base.rstrip("/") + "/" + target if link_base else target).replace(
            " ", "%20").replace(")", "%29")

    return ENV.get_template("compare.md.j2").render(matrix=matrix, icons=ICONS, link=link)


def write_all(matrix: dict[str, Any], folder: Path, link_base: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    outputs = {HTML_NAME: html_page(matrix), MARKDOWN_NAME: markdown(matrix, link_base),
               JSON_NAME: json.dumps(matrix, indent=2, ensure_ascii=False) + "\n"}
    for name, text in outputs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in outputs]
