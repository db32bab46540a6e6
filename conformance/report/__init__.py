"""The certification report: one self-contained HTML page, rendered from a results.json.

There is one rendering path. :func:`render_report` reads a results file, checks it is one
(and scrubs secrets again, see :mod:`conformance.report.redact`), then runs pytest-html
in-process over ``replay_results.py`` (one test per check record, passing, failing,
skipping or erroring as recorded), with :class:`~conformance.report.html_plugin.ReportPlugin`
filling pytest-html's hooks from Jinja2 templates (``templates/``). ``conformance run`` calls
it at the end of a run and ``conformance report results.json`` calls it again later.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

STATUSES = ("passed", "failed", "skipped", "error")


class ReportError(Exception):
    """The results file cannot be read, is not a results.json, or rendering failed."""


def load_results(path: Path) -> tuple[dict[str, Any], bytes]:
    """The results document at ``path`` and its bytes, checked to have the fixed shape
    (PRODUCT.md: ``verdict`` and ``checks`` of ``{id, status, ...}``)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReportError(f"{path} is not JSON: {exc}") from None
    problem = shape_problem(data)
    if problem:
        raise ReportError(f"{path} is not a results.json of this suite: {problem}")
    return data, raw


def shape_problem(data: Any) -> str | None:
    if not isinstance(data, dict):
        return "the top level is not an object"
    if not isinstance(data.get("verdict"), str):
        return "it has no verdict"
    checks = data.get("checks")
    if not isinstance(checks, list):
        return "it has no list of checks"
    for index, check in enumerate(checks):
        if not isinstance(check, dict) or not isinstance(check.get("id"), str):
            return f"checks[{index}] has no id"
        if check.get("status") not in STATUSES:
            return f"check {check['id']} has status {check.get('status')!r}"
    return None


def render_report(results_path: Path, output: Path) -> Path:
    """Render ``results_path`` into the self-contained page ``output``; returns ``output``."""
    import pytest

    from conformance.report import replay_results
    from conformance.report.html_plugin import CSS, ReportPlugin, dumps
    from conformance.report.redact import known_secrets, scrub_deep

    data, raw = load_results(Path(results_path))
    clean, found = scrub_deep(data, known_secrets())
    embedded = raw.decode("utf-8") if not found else dumps(clean)
    plugin = ReportPlugin(clean, hashlib.sha256(raw).hexdigest(), embedded, found)
    output = Path(output).resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.unlink(missing_ok=True)  # never leave an older page looking current
    except OSError as exc:
        raise ReportError(f"cannot write {output}: {exc.strerror or exc}") from None
    log = io.StringIO()
    with tempfile.TemporaryDirectory(prefix="conformance-report-") as tmp:
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        args = [
            str(Path(replay_results.__file__)), "-c", str(ini), "--rootdir", tmp,
            "--import-mode=importlib", "-p", "no:cacheprovider",
            # only pytest-html (and the pytest-metadata it needs): no other installed plugin
            # is loaded, which took 0.6 s of a first render
            "--disable-plugin-autoload", "-p", "metadata", "-p", "html",
            "--assert=plain", "--capture=no", "-qq", "--no-header",
            "-W", "ignore::DeprecationWarning", f"--html={output}", "--self-contained-html",
            f"--css={CSS}", "-o", "render_collapsed=passed,skipped",
            "-o", "initial_sort=original",
        ]
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            code = int(pytest.main(args, plugins=[plugin]))
    if code not in (0, 1, 5) or not output.is_file():
        tail = " | ".join(log.getvalue().strip().splitlines()[-3:])
        raise ReportError(f"rendering {output} failed (pytest exit code {code}): {tail}")
    return output


__all__ = ["ReportError", "load_results", "render_report"]
