"""The wheel is a working tool: built from the source tree, installed into a fresh virtual
environment, and run from a directory outside the checkout, it finds its contract, seed data
and templates inside the installed package (issue 11, point 1).

The fresh environment has no pip of its own and reuses the project's dependencies through a
``.pth`` line (installing lxml, zeep and the rest again would cost a minute and prove
nothing about the package). That line adds a plain directory, whose own ``.pth`` files (the
editable install of the checkout) are not processed, and the test asserts that the
``conformance`` package imported is the wheel's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "reports", "*.egg-info",
                                 "__pycache__", ".hypothesis", ".ruff_cache", ".mypy_cache",
                                 "_data")
CREDENTIALS = ["--user", "egon", "--password", "norges bank", "--owner-user", "kari",
               "--owner-password", "nordmann", "--owner-id", "11"]


def clean_env() -> dict[str, str]:
    """The environment without what would point Python at the checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv holding only the wheel built from this tree."""
    work = tmp_path_factory.mktemp("wheel")
    source, wheels, venv = work / "source", work / "wheels", work / "venv"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
                   check=True, timeout=180, capture_output=True, env=clean_env())
    [wheel] = wheels.glob("addmessage_conformance-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=60)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index",
                    "--quiet", str(wheel)], check=True, timeout=120, capture_output=True,
                   env=clean_env())
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True
                          ).stdout.strip()
    (Path(site) / "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A working directory with no checkout in sight."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder


def tool(bin_dir: Path, *args: str, cwd: Path, timeout: float = 120
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "conformance"), *args], cwd=cwd, env=clean_env(),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def served(installed: Path, outside: Path) -> Iterator[str]:
    """The installed tool's ``conformance serve``; yields the URL of its first line."""
    with subprocess.Popen([str(installed / "conformance"), "serve", "--port", "0", "--quiet"],
                          cwd=outside, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=clean_env()) as server:
        assert server.stdout is not None
        first = server.stdout.readline().strip()
        try:
            assert first.startswith("http://127.0.0.1:"), (first, server.stderr)
            yield first
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_the_installed_package_is_the_wheel(installed: Path, outside: Path) -> None:
    done = subprocess.run(
        [str(installed / "python"), "-c",
         "import conformance, conformance.contract as c, conformance.reference.store as s;"
         "print(conformance.__file__); print(c.CANONICAL_WSDL); print(s.SEED_FILE)"],
        cwd=outside, capture_output=True, text=True, check=True, env=clean_env())
    package, wsdl, seed = done.stdout.split()
    venv = str(installed.parent)
    assert package.startswith(venv) and not package.startswith(str(ROOT)), package
    assert wsdl.startswith(venv) and Path(wsdl).is_file(), wsdl
    assert seed.startswith(venv) and Path(seed).is_file(), seed


def test_run_quick_profile_from_elsewhere(installed: Path, outside: Path) -> None:
    done = tool(installed, "run", "--profile", "quick", "--seed", "7", "--report-dir", "out",
                cwd=outside)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((outside / "out" / "results.json").read_text(encoding="utf-8"))
    assert data["verdict"] == "conformant"
    assert (outside / "out" / "report.html").stat().st_size > 10_000
    assert (outside / "out" / "junit.xml").is_file()


def test_serve_diff_and_external_run_without_wsdl(installed: Path, outside: Path,
                                                  served: str) -> None:
    diff = tool(installed, "diff", f"{served}?wsdl", cwd=outside)
    assert diff.returncode == 0 and "no breaking difference" in diff.stdout, diff.stdout
    run = tool(installed, "run", "--endpoint", served, *CREDENTIALS, "--profile", "quick",
               "--seed", "3", "--check", "AM-STATUS", "--check", "AM-WSDL",
               "--report-dir", "ext", cwd=outside)
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads((outside / "ext" / "results.json").read_text(encoding="utf-8"))
    assert data["target"]["wsdl"].startswith(str(installed.parent))  # the wheel's contract
    assert {c["id"]: c["status"] for c in data["checks"]} == {"AM-STATUS": "passed",
                                                             "AM-WSDL": "passed"}
