"""The pytest plugin used directly (``pytest --pyargs conformance.suite.test_conformance``)
reads the same settings as ``conformance run``: its options, then ``CONFORMANCE_<KEY>``,
then conformance.toml (or ``--conformance-config``), then its defaults; a bad key is one
readable line (pytest's usage error), and a session that does not run the suite reads no
file. Each run is a real pytest process against a served reference target."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.reference.server import ReferenceTarget
from conformance.suite import settings

PASSWORD, OWNER_PASSWORD = "norges bank", "nordmann"


def settings_file(target: ReferenceTarget, seed: int = 5) -> str:
    lines = [f'endpoint = "{target.endpoint}"', 'user-env = "VENDOR_USER"',
             'password-env = "VENDOR_PASSWORD"', 'owner-user-env = "VENDOR_OWNER"',
             'owner-password-env = "VENDOR_OWNER_PASSWORD"', 'owner-id = "11"',
             "profile = \"quick\"", f"seed = {seed}", 'check = ["AM-ERRORCODE"]',
             'report-dir = "reports/nightly"']  # a key of `conformance run` only: left to it
    return "\n".join(lines) + "\n"


def run_plugin(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {o.env for o in settings.OPTIONS} and k != "PYTEST_ADDOPTS"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
         "conformance.suite.test_conformance", "--results-json", "out/results.json",
         *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**clean, "VENDOR_USER": "egon", "VENDOR_OWNER": "kari",
             "VENDOR_PASSWORD": PASSWORD, "VENDOR_OWNER_PASSWORD": OWNER_PASSWORD, **env})


def results(cwd: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((cwd / "out" / "results.json").read_text())
    return data


def checks_run(data: dict[str, object]) -> list[str]:
    return [c["id"] for c in data["checks"]]  # type: ignore[attr-defined]


def test_the_plugin_runs_on_the_file_alone(target: ReferenceTarget, tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(settings_file(target), encoding="utf-8")
    done = run_plugin(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    data = results(tmp_path)
    assert checks_run(data) == ["AM-ERRORCODE"] and data["seed"] == 5
    assert data["profile"] == "quick"
    text = (tmp_path / "out" / "results.json").read_text()
    assert PASSWORD not in text and OWNER_PASSWORD not in text


def test_options_then_environment_then_file(target: ReferenceTarget, tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text(settings_file(target), encoding="utf-8")
    done = run_plugin(tmp_path, "--check", "AM-SLEVEL", CONFORMANCE_SEED="7")
    assert done.returncode == 0, done.stdout + done.stderr
    data = results(tmp_path)
    assert checks_run(data) == ["AM-SLEVEL"] and data["seed"] == 7
    done = run_plugin(tmp_path, "--seed", "9", CONFORMANCE_SEED="7")
    assert done.returncode == 0, done.stdout + done.stderr
    assert results(tmp_path)["seed"] == 9


def test_an_explicit_file_and_the_pyproject_table(target: ReferenceTarget,
                                                 tmp_path: Path) -> None:
    (tmp_path / "elsewhere.toml").write_text(settings_file(target), encoding="utf-8")
    done = run_plugin(tmp_path, "--conformance-config", "elsewhere.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert checks_run(results(tmp_path)) == ["AM-ERRORCODE"]
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[tool.conformance]\n" + settings_file(target, seed=11), encoding="utf-8")
    done = run_plugin(project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert results(project)["seed"] == 11


@pytest.mark.parametrize(("line", "named"), [
    ('profil = "quick"', "unknown key 'profil'"),
    ('password = "secret"', "credentials are never written in a file"),
    ('workers = "many"', "key 'workers'")])
def test_a_bad_key_or_value_is_one_readable_line(target: ReferenceTarget, tmp_path: Path,
                                                 line: str, named: str) -> None:
    (tmp_path / "conformance.toml").write_text(settings_file(target) + line + "\n",
                                               encoding="utf-8")
    done = run_plugin(tmp_path)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    errors = [ln for ln in done.stderr.splitlines() if "conformance.toml" in ln]
    assert len(errors) == 1 and named in errors[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_session_that_runs_no_check_reads_no_file(tmp_path: Path) -> None:
    (tmp_path / "conformance.toml").write_text('profil = "quick"\n', encoding="utf-8")
    (tmp_path / "test_other.py").write_text("def test_other():\n    assert 1 + 1 == 2\n",
                                            encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "test_other.py"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr
