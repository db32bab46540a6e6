"""``conformance serve`` and ``conformance faults`` as a user runs them: in a subprocess."""

from __future__ import annotations

import re
import selectors
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zeep
from helpers import BINDING, DOC_BODY, DOC_TICKET, EGON, EGON_PASSWORD, get, strings

from conformance.contract import CANONICAL_WSDL
from conformance.reference.faults import CATALOGUE

ENDPOINT_LINE = re.compile(r"^http://127\.0\.0\.1:(\d+)/service/ticket$")


def conformance_command() -> list[str]:
    """The installed console script, next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "conformance"
    found = str(beside) if beside.exists() else shutil.which("conformance")
    assert found, "the conformance console script is not installed"
    return [found]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*conformance_command(), *args], capture_output=True, text=True,
                          timeout=60)


def first_line(stream, timeout: float) -> str:
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    try:
        assert selector.select(timeout), "the server printed nothing"
        return stream.readline().rstrip("\n")
    finally:
        selector.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, Path]]:
    """A ``conformance serve --port 0`` process, the endpoint it printed, its stderr file."""
    log = tmp_path / "stderr.log"
    stderr = log.open("w")
    process = subprocess.Popen([*conformance_command(), "serve", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=stderr, text=True)
    try:
        endpoint = first_line(process.stdout, timeout=30)
        yield process, endpoint, log
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()
        stderr.close()


def test_serve_prints_endpoint_serves_and_stops_on_sigterm(served) -> None:
    process, endpoint, log = served
    assert ENDPOINT_LINE.match(endpoint), endpoint

    wsdl = get(f"{endpoint}?wsdl")
    assert wsdl.status == 200
    assert f'location="{endpoint}"'.encode() in wsdl.body

    client = zeep.Client(str(CANONICAL_WSDL))
    try:
        service = client.create_service(BINDING, endpoint)
        key = service.login(EGON, EGON_PASSWORD).sessionKey
        response = service.addMessage(key, DOC_BODY, DOC_TICKET, "1", strings(["62"]), True)
        assert response.errorCode == "0"
        assert response.messageId
        # Stopped while the client still holds its keep-alive connection.
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        client.transport.session.close()
    stderr = log.read_text()
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("stopped")


def test_serve_unknown_fault_is_one_line_and_exit_2() -> None:
    result = run("serve", "--port", "0", "--fault", "nope")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "nope" in lines[0]
    assert "Traceback" not in result.stderr


def test_faults_lists_name_tab_check_ids() -> None:
    result = run("faults")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [f"{spec.name}\t{' '.join(spec.caught_by)}" for spec in CATALOGUE]
    for line in lines:
        assert re.fullmatch(r"[a-z0-9-]+\t[A-Z0-9-]+( [A-Z0-9-]+)*", line), line
