"""Start-up stays light: ``conformance --help`` and ``conformance faults`` do not import
the heavy libraries (zeep, xmlschema, hypothesis, pytest, requests, waitress) that only a
run, a diff or a served target needs (issue 12 point 5; the time is measured by
benchmarks/startup.py, never asserted here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("zeep", "xmlschema", "hypothesis", "pytest", "requests", "waitress", "elementpath")
PROBE = """
import sys
from conformance.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # argparse's --help
    code = exc.code
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY=" + ",".join(heavy))
"""


@pytest.mark.parametrize("argv", [["--help"], ["faults"], ["run", "--help"]])
def test_light_commands_import_no_heavy_library(argv: list[str]) -> None:
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *argv],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "HEAVY=\n" in done.stdout, done.stdout[-300:]
    assert "usage: conformance" in done.stdout or "\t" in done.stdout
