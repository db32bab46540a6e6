"""``conformance history DIR`` (conformance/history/): two real runs one after the other,
the reference target and then the same target with ``status-reopen``, plus an unreadable
results file; the page lists the runs in time order with what changed (the verdict, AM-STATUS
passed -> failed), plots checks passed, advisory findings and p95 latency per run as inline
SVG, and leaves the unreadable file out with a note; bad input is one line and exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest

from conformance.cli import main as cli_main
from conformance.history.runs import p95

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ("AM-STATUS", "AM-SLEVEL")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("history")
    started = []
    for name, faults in (("1-before", []), ("2-after", ["--fault", "status-reopen"])):
        started.append(subprocess.Popen(
            [sys.executable, "-m", "conformance", "run", "--profile", "quick", "--seed", "2",
             *faults, *[a for c in CHECKS for a in ("--check", c)],
             "--report-dir", str(folder / name)], cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        if not faults:  # the second run starts its clock (started_at) seconds later
            time.sleep(2.5)
    assert [p.wait(timeout=300) for p in started] == [0, 1]
    (folder / "broken").mkdir()
    (folder / "broken" / "results.json").write_text("{not json", encoding="utf-8")
    return folder


def test_history_page_lists_runs_changes_and_plot(archive: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["history", str(archive)]) == 0
    out, err = capsys.readouterr()
    assert "2 run(s); last: not conformant, 1/2 passed" in out
    assert "left out:" in err and "broken/results.json is not JSON" in err
    page = lxml.html.fromstring((archive / "history.html").read_bytes())
    rows = page.xpath("//table[@id='runs']/tbody/tr")
    assert len(rows) == 2
    texts = [" ".join(r.text_content().split()) for r in rows]
    assert "1-before/results.json" in texts[0] and "(first run)" in texts[0]
    assert "verdict conformant → not conformant" in texts[1]
    assert "AM-STATUS passed → failed" in texts[1] and "AM-SLEVEL" not in texts[1]
    assert "embedded reference target (faults: status-reopen)" in texts[1]
    plot = page.get_element_by_id("history-plot")
    dots = {s: [d.get("data-value") for d in plot.xpath(f".//*[@data-series='{s}']")]
            for s in ("passed", "failed", "advisory", "p95")}
    assert dots["passed"] == ["2", "1"] and dots["failed"] == ["0", "1"]
    assert dots["advisory"] == ["0", "0"]
    after = json.loads((archive / "2-after" / "results.json").read_text(encoding="utf-8"))
    assert dots["p95"][1] == f"{p95(after):g}" and p95(after) > 0
    assert page.get_element_by_id("skipped") is not None


@pytest.mark.parametrize("make", ["missing", "empty", "only-broken"])
def test_bad_folder_is_one_line_and_exit_2(make: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "runs"
    if make != "missing":
        folder.mkdir()
    if make == "only-broken":
        (folder / "results.json").write_text('{"verdict": 3}', encoding="utf-8")
    assert cli_main(["history", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: ") and len(err.strip().splitlines()) == 1
    assert not (folder / "history.html").exists()


def test_a_failed_should_check_counts_as_an_advisory_finding(tmp_path: Path) -> None:
    from conformance.history.runs import point

    results = {"verdict": "conformant", "target": {"embedded": True}, "checks": [
        {"id": "AM-REFERENCE-DIFF", "status": "failed", "level": "SHOULD"},
        {"id": "AM-STATUS", "status": "passed", "level": "MUST"},
        {"id": "AM-SLEVEL", "status": "failed", "level": "MUST"}]}
    run = point(tmp_path / "r" / "results.json", results, tmp_path)
    assert (run.passed, run.failed, run.advisory, run.total) == (1, 1, 1, 3)
    assert run.statuses["AM-REFERENCE-DIFF"] == "advisory"
