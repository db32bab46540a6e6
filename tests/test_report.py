"""The certification report (conformance/report/): rendered from the results of a passing
and a failing run, read back as a person and a machine would: the verdict and facts at the
top, the check table in family order with each failure's envelopes and replay command, the
pictures, the embedded results and their hash, no secret anywhere, ``conformance report``
re-rendering, and the page opened in headless Chromium."""

from __future__ import annotations

import copy
import fcntl
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from conformance.cli import main as cli_main
from conformance.report import ReportError, render_report
from conformance.report.highlight import tokens
from conformance.report.view import FAMILY_ORDER

ROOT = Path(__file__).resolve().parents[1]
FAULTS = ("status-reopen", "body-trim", "bcc-visible")
PASSWORDS = ("norges bank", "nordmann")
KEY_IN_ELEMENT = re.compile(r"<(?:[\w.-]+:)?(\w+)>\s*([0-9a-f]{32})\s*</")


@dataclass
class Run:
    dir: Path
    code: int
    log: str

    @property
    def results(self) -> dict[str, Any]:
        return json.loads((self.dir / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """A passing and a failing quick run of ``conformance run``, side by side; made once per
    test session, also under pytest-xdist (the first worker makes them, the others wait)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if worker else shared
    with (shared / "report-runs.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        base = shared / "report-runs"
        if not (base / "done").exists():
            make_runs(base)
            (base / "done").touch()
    out = {name: Run(base / name, int((base / f"{name}.code").read_text()),
                     (base / f"{name}.log").read_text(encoding="utf-8")) for name in ("ok", "bad")}
    assert out["ok"].code == 0, out["ok"].log
    assert out["bad"].code == 1, out["bad"].log
    return out


def make_runs(base: Path) -> None:
    commands = {"ok": [], "bad": [arg for fault in FAULTS for arg in ("--fault", fault)]}
    base.mkdir(parents=True, exist_ok=True)
    started = {}
    for name, extra in commands.items():
        log = (base / f"{name}.log").open("w", encoding="utf-8")
        started[name] = (subprocess.Popen(
            [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--seed", "1",
             *extra, "--report-dir", str(base / name)], cwd=ROOT, stdout=log,
            stderr=subprocess.STDOUT, text=True), log)
    for name, (process, log) in started.items():
        code = process.wait(timeout=300)
        log.close()
        (base / f"{name}.code").write_text(str(code))


def page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def rows(doc: lxml.html.HtmlElement) -> list[dict[str, Any]]:
    """pytest-html's rows, in the order the page shows them initially (``original``)."""
    blob = json.loads(doc.get_element_by_id("data-container").get("data-jsonblob"))
    assert blob["initialSort"] == "original"
    return [entry for entries in blob["tests"].values() for entry in entries]


def row_html(row: dict[str, Any]) -> lxml.html.HtmlElement:
    return lxml.html.fromstring("".join(e["content"] for e in row["extras"]))


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_passing_run_report_top_and_table(runs: dict[str, Run]) -> None:
    run = runs["ok"]
    results, doc = run.results, page(run.dir / "report.html")
    verdict = doc.get_element_by_id("verdict")
    assert verdict.get("data-verdict") == "conformant"
    assert text(verdict).lower().startswith("conformant")
    facts = text(doc.get_element_by_id("facts"))
    for value in (results["target"]["endpoint"], results["contract_sha256"],
                  results["contract"]["version"], results["suite_version"], "Seed 1",
                  "Profile quick", results["started_at"].replace("T", " ")):
        assert value in facts
    counts = {li.get("data-count"): int(li.find_class("n")[0].text)
              for li in doc.get_element_by_id("counts").iter("li")}
    assert counts == {**results["counts"], "requests": results["requests"]["total"]}
    shown = rows(doc)
    assert [r["result"] for r in shown] == ["Passed"] * len(results["checks"])
    ids = [re.search(r'check-id">([^<]+)<', r["resultsTableRow"][1]).group(1) for r in shown]
    assert sorted(ids) == sorted(c["id"] for c in results["checks"])
    families = [r["family"].split('">')[-1] for r in shown]
    families = [re.sub(r"<[^>]+>", "", f) for f in families]
    seen = list(dict.fromkeys(families))
    assert families == sorted(families, key=seen.index), "rows are grouped by family"
    assert seen == [f for f in FAMILY_ORDER if f in seen]
    header = re.sub(r"<[^>]+>", " ", "".join(doc.xpath("//thead[@id='results-table-head']"
                                                        "//th/text()")))
    for column in ("Check", "Level", "Family", "Examples", "Clause"):
        assert column in header


def test_pictures_are_inline_svg_of_the_results(runs: dict[str, Run]) -> None:
    results, doc = runs["ok"].results, page(runs["ok"].dir / "report.html")
    timing = doc.get_element_by_id("timing-plot")
    labels = {t.text for t in timing.iter("{*}text", "text") if "label" in (t.get("class") or "")}
    assert labels == set(results["requests"]["by_operation"])
    assert timing.xpath(".//*[local-name()='rect']"), "histogram bars are drawn"
    mix = doc.get_element_by_id("input-mix")
    dimensions = {svg.get("data-dimension") for svg in mix.xpath(".//*[local-name()='svg']")}
    assert dimensions == set(results["generated"])


def test_report_is_self_contained(runs: dict[str, Run]) -> None:
    for run in runs.values():
        doc = page(run.dir / "report.html")
        assert not doc.xpath("//link[@href] | //script[@src] | //img[starts-with(@src,'http')]"
                             " | //iframe | //object")
        assert "@import" not in run.dir.joinpath("report.html").read_text(encoding="utf-8")


def test_evidence_embeds_results_with_their_hash(runs: dict[str, Run]) -> None:
    for run in runs.values():
        raw = (run.dir / "results.json").read_bytes()
        doc = page(run.dir / "report.html")
        sha = hashlib.sha256(raw).hexdigest()
        assert doc.get_element_by_id("results-sha256").text == sha
        embedded = doc.get_element_by_id("results")
        assert embedded.get("type") == "application/json"
        assert json.loads(embedded.text) == json.loads(raw)
        created = text(doc.get_element_by_id("created"))
        results = run.results
        assert f"{len(results['created']['tickets'])} ticket(s)" in created
        assert results["created"]["tickets"][0] in created
        assert "WS-I" in text(doc.get_element_by_id("contract-check"))
        assert doc.get_element_by_id("detection", None) is None  # not asked for in this run


def test_failing_run_shows_each_failure_minimal_and_replayable(runs: dict[str, Run]) -> None:
    run = runs["bad"]
    results, doc = run.results, page(run.dir / "report.html")
    verdict = doc.get_element_by_id("verdict")
    assert verdict.get("data-verdict") == "nonconformant"
    assert text(verdict).lower().startswith("not conformant")
    failed = {c["id"]: c for c in results["checks"] if c["status"] == "failed"}
    assert {"AM-STATUS", "AM-BODY-EXACT", "AM23-BCC-HIDDEN"} <= set(failed)
    for row in rows(doc):
        check_id = re.search(r'check-id">([^<]+)<', row["resultsTableRow"][1]).group(1)
        details = row_html(row)
        if check_id not in failed:
            assert row["result"] == "Passed" and not details.find_class("what-failed")
            continue
        record = failed[check_id]["failure"]
        assert row["result"] == "Failed"
        assert text(details.find_class("what-failed")[0]).endswith(
            " ".join(record["message"].split()))
        request, response = details.find_class("xml")[:2]
        assert request.text_content() == record["request"]
        assert response.text_content() == record["response"]
        assert request.find_class("x-tag"), "the envelope is highlighted"
        assert text(details.find_class("replay")[0]) == record["replay"]
        assert record["replay"].endswith(f"--check {check_id}")


def test_no_secret_in_any_output(runs: dict[str, Run]) -> None:
    """Passwords never, and a real session or notification key (32 hex digits) never inside
    its element, in any file a run writes, nor in what it prints; only attachment keys (which
    the suite records on purpose) may look like keys."""
    for run in runs.values():
        texts = {"log": run.log}
        for path in run.dir.rglob("*"):  # the example database's files too
            if path.is_file():
                texts[str(path.relative_to(run.dir))] = path.read_bytes().decode(
                    "utf-8", "replace")
        page_text = texts["report.html"]
        texts["report.html (unescaped)"] = html.unescape(page_text)
        for row in rows(lxml.html.fromstring(page_text.encode())):
            texts[f"report row {row['testId'][:40]}"] = row_html(row).text_content()
        assert set(texts) >= {"report.html", "junit.xml", "results.json"}
        for name, content in texts.items():
            for password in PASSWORDS:
                assert password not in content, (name, password)
            elements = {m.group(1) for m in KEY_IN_ELEMENT.finditer(content)}
            assert elements <= {"attachmentKey"}, (name, elements)
    assert "[REDACTED]</ns0:sessionKey>" in (runs["bad"].dir / "results.json").read_text(
        encoding="utf-8"), "the failing run's envelopes are there, redacted"


def results_with(runs: dict[str, Run], change: Any) -> dict[str, Any]:
    data = copy.deepcopy(runs["bad"].results)
    change(data)
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_report_scrubs_secrets_that_slipped_through(runs: dict[str, Run], tmp_path: Path
                                                    ) -> None:
    key = "0123456789abcdef0123456789abcdef"

    def leak(data: dict[str, Any]) -> None:
        failure = next(c for c in data["checks"] if c["id"] == "AM-STATUS")["failure"]
        failure["request"] = failure["request"].replace(
            "<ns0:sessionKey>[REDACTED]", f"<ns0:sessionKey>{key}")
        failure["message"] += " (logged in with norges bank)"

    source = write(tmp_path / "results.json", results_with(runs, leak))
    output = render_report(source, tmp_path / "report.html")
    content = output.read_text(encoding="utf-8")
    assert key not in content and "norges bank" not in content
    doc = page(output)
    assert "redacted" in text(doc.get_element_by_id("redaction-warning"))
    embedded = doc.get_element_by_id("results")
    assert "[REDACTED]" in embedded.text and key not in embedded.text
    assert doc.get_element_by_id("results-sha256").text == hashlib.sha256(
        source.read_bytes()).hexdigest() != embedded.get("data-sha256")


def test_hostile_text_is_escaped_everywhere(runs: dict[str, Run], tmp_path: Path) -> None:
    attack = "</pre></script><script>alert(1)</script><img src=x onerror=alert(2)>"

    def inject(data: dict[str, Any]) -> None:
        check = next(c for c in data["checks"] if c["id"] == "AM-BODY-EXACT")
        check["id"] += '<b onmouseover="alert(3)">'
        check["title"] += attack
        check["failure"]["message"] = attack
        check["failure"]["response"] = f"not xml at all {attack}"
        data["target"]["endpoint"] = f"http://x/{attack}"

    output = render_report(write(tmp_path / "r.json", results_with(runs, inject)),
                           tmp_path / "r.html")
    doc = page(output)
    assert not doc.xpath("//img[@onerror]")
    assert [s.get("id") for s in doc.iter("script") if s.get("type")] == ["results"]
    assert attack in text(doc.get_element_by_id("facts"))
    row = next(r for r in rows(doc) if "AM-BODY-EXACT" in r["resultsTableRow"][1])
    details = row_html(row)
    assert not details.xpath("//img | //script | //*[@onmouseover]")
    assert not lxml.html.fromstring("".join(row["resultsTableRow"])).xpath("//*[@onmouseover]")
    assert details.find_class("xml")[1].text_content() == f"not xml at all {attack}"
    assert json.loads(doc.get_element_by_id("results").text)["target"]["endpoint"].endswith(
        attack)


def test_aborted_run_renders_as_error(runs: dict[str, Run], tmp_path: Path) -> None:
    def abort(data: dict[str, Any]) -> None:
        data.update(verdict="error", aborted="target unreachable", checks=[],
                    counts={"passed": 0, "failed": 0, "skipped": 0, "error": 0},
                    requests={"total": 0, "by_operation": {}}, generated={})

    doc = page(render_report(write(tmp_path / "r.json", results_with(runs, abort)),
                             tmp_path / "r.html"))
    verdict = doc.get_element_by_id("verdict")
    assert verdict.get("data-verdict") == "error" and "target unreachable" in text(verdict)
    assert rows(doc) == []


def test_error_and_skipped_checks_have_their_own_rows(runs: dict[str, Run], tmp_path: Path
                                                      ) -> None:
    def mark(data: dict[str, Any]) -> None:
        for check in data["checks"]:
            if check["id"] == "AM-CONCURRENT":
                check.update(status="error", reason="connection reset by the target")
            if check["id"] == "AM23-MAIL":
                check.update(status="skipped", reason="no SMTP capture")

    shown = {re.search(r'check-id">([^<]+)<', r["resultsTableRow"][1]).group(1): r
             for r in rows(page(render_report(write(tmp_path / "r.json",
                                                    results_with(runs, mark)),
                                              tmp_path / "r.html")))}
    assert shown["AM-CONCURRENT"]["result"] == "Error"
    assert "connection reset by the target" in text(row_html(shown["AM-CONCURRENT"]))
    assert shown["AM23-MAIL"]["result"] == "Skipped"
    assert "no SMTP capture" in text(row_html(shown["AM23-MAIL"]))


def test_detection_and_contract_differences_are_shown(runs: dict[str, Run], tmp_path: Path
                                                      ) -> None:
    def add(data: dict[str, Any]) -> None:
        data["detection"] = {"caught": 2, "total": 3, "profile": "quick", "seed": 1, "faults": [
            {"name": "status-reopen", "checks": ["AM-STATUS"], "caught": True, "missed": []},
            {"name": "body-trim", "checks": ["AM-BODY-EXACT"], "caught": True, "missed": []},
            {"name": "quiet-bug", "checks": ["AM-SLEVEL"], "caught": False,
             "missed": ["AM-SLEVEL"]}]}
        data["contract_check"]["diff"]["differences"] = [
            {"kind": "element-removed", "path": "addMessage/input/sLevel", "canonical": "int",
             "target": None, "breaking": True, "message": "sLevel is gone"}]
        data["contract_check"]["wsi"]["assertions"][0].update(passed=False,
                                                               details=["Body child bare"])

    doc = page(render_report(write(tmp_path / "r.json", results_with(runs, add)),
                             tmp_path / "r.html"))
    detection = doc.get_element_by_id("detection")
    assert "The suite caught 2 of 3 known faults" in text(detection)
    assert "quiet-bug" in text(detection) and detection.xpath(".//details")
    assert "sLevel is gone" in text(doc.get_element_by_id("contract-differences"))
    assert "Body child bare" in text(doc.get_element_by_id("wsi-failed"))


def test_minimal_results_file_renders(tmp_path: Path) -> None:
    """Only what PRODUCT.md fixes (verdict, checks with id and status) is required."""
    source = write(tmp_path / "results.json", {"verdict": "nonconformant", "checks": [
        {"id": "X", "status": "passed"}, {"id": "Y", "status": "failed",
                                           "failure": {"message": "it broke"}},
        {"id": "Z", "status": "error"}, {"id": "W", "status": "skipped"}]})
    doc = page(render_report(source, tmp_path / "report.html"))
    assert [r["result"] for r in rows(doc)] == ["Passed", "Failed", "Error", "Skipped"]
    assert "it broke" in text(row_html(rows(doc)[1]))


def test_highlighting_keeps_the_text() -> None:
    for sample in ('<a x="1"><b>t &amp; u</b><!-- c --><![CDATA[<x>]]></a>',
                   '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',
                   "not xml < at all", "<broken attr>text</", ""):
        assert "".join(t.text for t in tokens(sample)) == sample
    kinds = {t.kind for t in tokens('<a x="1">&amp;<!-- c --></a>')}
    assert {"tag", "attr", "value", "punct", "entity", "comment"} <= kinds


def test_cli_report_rerenders_a_results_file(runs: dict[str, Run], tmp_path: Path) -> None:
    source = runs["bad"].dir / "results.json"
    result = subprocess.run([sys.executable, "-m", "conformance", "report", str(source),
                             "--output", str(tmp_path / "again.html")], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"report: {tmp_path / 'again.html'}"
    again, first = page(tmp_path / "again.html"), page(runs["bad"].dir / "report.html")
    assert text(again.get_element_by_id("certificate")) == text(
        first.get_element_by_id("certificate"))
    assert [r["resultsTableRow"] for r in rows(again)] == [
        r["resultsTableRow"] for r in rows(first)]
    copy_dir = tmp_path / "copy"
    copy_dir.mkdir()
    shutil.copy(source, copy_dir / "results.json")
    assert cli_main(["report", str(copy_dir / "results.json")]) == 0
    assert (copy_dir / "report.html").is_file()


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot read"),
    ("not json", "is not JSON"),
    ('{"checks": []}', "has no verdict"),
    ('{"verdict": "conformant", "checks": [{"id": "X", "status": "great"}]}',
     "status 'great'"),
    ("[1, 2]", "top level is not an object"),
])
def test_cli_report_bad_input_is_one_line_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None,
        expected: str) -> None:
    source = tmp_path / "results.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    assert cli_main(["report", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: ") and expected in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "report.html").exists()
    with pytest.raises(ReportError):
        render_report(source, tmp_path / "out.html")


# -- as a person sees it ------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run")


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium, installed with apt-get when missing and we may (root)."""
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.skip("headless Chromium is not installed and cannot be (needs root and "
                    "apt-get): `apt-get install chromium` to run this test")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (["apt-get", "update"],
                        ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
            done = subprocess.run(command, capture_output=True, text=True, env=env,
                                  timeout=900)
            if done.returncode != 0:
                pytest.skip(f"`{' '.join(command)}` failed: {done.stderr.strip()[-300:]}")
    except subprocess.TimeoutExpired:
        pytest.skip("installing chromium with apt-get timed out")
    return shutil.which("chromium") or pytest.skip("chromium still not on PATH after install")


@pytest.fixture
def browse(chromium: str) -> Iterator[Any]:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                   *args], capture_output=True, text=True, timeout=120)
        yield run


def test_report_in_headless_chromium(runs: dict[str, Run], browse: Any, tmp_path: Path
                                     ) -> None:
    for name, verdict in (("ok", "conformant"), ("bad", "not conformant")):
        url = (runs[name].dir / "report.html").as_uri()
        shown = browse("--dump-dom", url)
        assert shown.returncode == 0, shown.stderr[-500:]
        dom = lxml.html.fromstring(shown.stdout)
        assert text(dom.get_element_by_id("verdict")).lower().startswith(verdict)
        bodies = dom.xpath("//table[@id='results-table']/tbody[contains(@class,"
                           "'results-table-row')]")
        assert len(bodies) == len(runs[name].results["checks"]), "the table is drawn by JS"
        first = text(bodies[0].xpath(".//td[contains(@class,'col-testId')]")[0])
        assert first.startswith("AM-SCHEMA")
        if name == "bad":
            failed = [b for b in bodies if "failed" in b.get("class")]
            assert failed and all(not b.xpath(".//tr[contains(@class,'extras-row') and "
                                              "contains(@class,'hidden')]") for b in failed)
            envelope = text(failed[0].find_class("xml")[0])
            assert "addMessage" in envelope and "sessionKey>[REDACTED]<" in envelope
        png = tmp_path / f"{name}.png"
        shot = browse(f"--screenshot={png}", "--window-size=1280,2000", url)
        assert shot.returncode == 0, shot.stderr[-500:]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
