"""`conformance run` and `conformance replay` end to end, as CI pipelines call them:
exit codes, results.json shape (PRODUCT.md), minimal failures, and one-line errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reference.faults import CATALOGUE
from conformance.suite.registry import all_checks

CLI = [sys.executable, "-m", "conformance"]
ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300
            ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**os.environ, **(env or {})})


def test_standard_run_against_embedded_target_is_conformant(tmp_path: Path) -> None:
    result = run_cli("run", "--seed", "2024", "--report-dir", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["verdict"] == "conformant"
    assert data["profile"] == "standard" and data["seed"] == 2024
    assert len(data["contract_sha256"]) == 64 and data["target"]["endpoint"].startswith("http")
    assert {c["id"] for c in data["checks"]} == {c.id for c in all_checks()}
    for check in data["checks"]:
        assert set(check) >= {"id", "title", "level", "status", "examples", "failure"}
        assert check["status"] == "passed", check
    assert (tmp_path / "junit.xml").is_file() and (tmp_path / "report.html").is_file()
    assert data["created"]["tickets"] and data["requests"]["total"] > 0
    assert "norges bank" not in "".join(p.read_text() for p in tmp_path.iterdir())


def test_status_fault_exits_1_with_minimal_example_and_replay(tmp_path: Path) -> None:
    result = run_cli("run", "--profile", "quick", "--seed", "3", "--fault", "status-reopen",
                     "--report-dir", str(tmp_path))
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads((tmp_path / "results.json").read_text())
    assert data["verdict"] == "nonconformant"
    status = next(c for c in data["checks"] if c["id"] == "AM-STATUS")
    assert status["status"] == "failed"
    failure = status["failure"]
    assert "ticket.status was" in failure["message"]
    assert failure["example"]["variant"] == 1 and failure["example"]["attachments"] == []
    assert "addMessage" in failure["request"] and "[REDACTED]" in failure["request"]
    assert failure["replay"].startswith("conformance replay")
    replay = run_cli("replay", str(tmp_path / "results.json"), "--check", "AM-STATUS")
    assert replay.returncode == 1 and "still fails" in replay.stdout, replay.stdout


def test_run_against_a_served_faulty_target(tmp_path: Path) -> None:
    with subprocess.Popen([*CLI, "serve", "--port", "0", "--fault", "status-reopen",
                           "--quiet"], stdout=subprocess.PIPE, text=True, cwd=ROOT) as server:
        assert server.stdout is not None
        endpoint = server.stdout.readline().strip()
        try:
            result = run_cli("run", "--endpoint", endpoint, "--user", "egon", "--owner-user",
                             "kari", "--owner-id", "11", "--profile", "quick", "--seed", "5",
                             "--check", "AM-STATUS", "--report-dir", str(tmp_path),
                             env={"CONFORMANCE_PASSWORD": "norges bank",
                                  "CONFORMANCE_OWNER_PASSWORD": "nordmann"})
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED   AM-STATUS" in result.stdout
    assert "norges bank" not in result.stdout + (tmp_path / "results.json").read_text()


@pytest.mark.parametrize(("args", "code", "words"), [
    (["--endpoint", "http://127.0.0.1:9/none", "--user", "u", "--password", "p",
      "--owner-user", "o", "--owner-password", "p", "--owner-id", "1"], 3, "refused"),
    (["--endpoint", "not a url", "--user", "u", "--password", "p", "--owner-user", "o",
      "--owner-password", "p", "--owner-id", "1"], 2, "not an http"),
    (["--endpoint", "http://127.0.0.1:9/none", "--user", "u"], 2, "missing --password"),
    (["--wsdl", "/nonexistent/ticket.wsdl"], 2, "cannot read WSDL"),
    (["--check", "NO-SUCH-CHECK"], 2, "unknown check id"),
    (["--fault", "no-such-fault"], 2, "unknown fault"),
])
def test_bad_input_gives_one_readable_line(tmp_path: Path, args: list[str], code: int,
                                           words: str) -> None:
    env = {k: "" for k in ("CONFORMANCE_PASSWORD", "CONFORMANCE_OWNER_PASSWORD")}
    result = run_cli("run", "--report-dir", str(tmp_path), "--retries", "0", *args, env=env,
                     timeout=60)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


def test_readme_documents_every_check() -> None:
    readme = (ROOT / "README.md").read_text()
    assert [c.id for c in all_checks() if f"`{c.id}`" not in readme] == []


def test_detection_score_is_in_the_results(tmp_path: Path) -> None:
    result = run_cli("run", "--profile", "quick", "--seed", "1", "--check", "AM-STATUS",
                     "--detection", "--report-dir", str(tmp_path), timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    detection = json.loads((tmp_path / "results.json").read_text())["detection"]
    assert detection["total"] == len(CATALOGUE) >= 20
    missed = [f for f in detection["faults"] if not f["caught"]]
    assert detection["caught"] == detection["total"] and not missed, missed
    assert f"caught {detection['total']} of {detection['total']} known faults" in result.stdout
    assert "Warning" not in result.stdout + result.stderr  # `make run` prints no warnings


def test_detection_needs_the_embedded_target(tmp_path: Path) -> None:
    result = run_cli("run", "--endpoint", "http://127.0.0.1:9/x", "--detection",
                     "--report-dir", str(tmp_path), timeout=60)
    assert result.returncode == 2 and "embedded target only" in result.stderr
