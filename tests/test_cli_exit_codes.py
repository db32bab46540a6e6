"""Exit codes CI can trust (issue 11 point 3, issue 9 point 6), in-process through
``conformance.cli.main``: options, paths, URLs and numbers are refused before the first
request with one readable line and exit 2; an internal error of the suite is exit 4 with one
line naming the log file that holds its traceback; ``run --help`` lists the exit codes and
shows the defaults."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import cli
from conformance.cli.checks import DEFAULT_REPORT_DIR
from conformance.cli.run import summarise
from conformance.suite.outcome import ERROR, Outcome, Redactor

CREDENTIALS = ["--user", "u", "--password", "p4ss", "--owner-user", "o",
               "--owner-password", "p4ss", "--owner-id", "1"]


@pytest.fixture
def listener() -> Iterator[tuple[str, list[int]]]:
    """An endpoint that counts the connections it gets (it must get none)."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.1)
    accepted: list[int] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                sock.accept()[0].close()
                accepted.append(1)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/service/ticket", accepted
    stop.set()
    thread.join(timeout=5)
    sock.close()


@pytest.mark.parametrize(("options", "words"), [
    (["--report-dir", "{file}"], "is an existing file, not a folder"),
    (["--report-dir", "{file}/below"], "cannot write there"),
    (["--endpoint", "http://[::1/x"], "is not an http:// or https:// URL (Invalid IPv6 URL)"),
    (["--endpoint", "http://127.0.0.1:99999/x"], "is not an http:// or https:// URL"),
    (["--timeout", "0"], "--timeout 0: must be a finite number of seconds above 0"),
    (["--timeout", "-1"], "--timeout -1: must be a finite number of seconds above 0"),
    (["--timeout", "nan"], "--timeout nan: must be a finite number of seconds above 0"),
    (["--timeout", "1e400"], "--timeout inf: must be a finite number of seconds above 0"),
    (["--retries", "-1"], "--retries -1: must be 0 or more"),
    (["--rate-limit", "-2"], "--rate-limit -2: must be 0"),
    (["--max-time", "-5"], "--max-time -5: must be 0"),
    (["--max-transport-failures", "-1"], "--max-transport-failures -1: must be 0"),
    (["--max-response-bytes", "10"], "--max-response-bytes 10: must be at least 1024"),
    (["--follow-redirects", "always"], "invalid choice: 'always'"),
    (["--smtp-capture", "nowhere"], "--smtp-capture 'nowhere': expected HOST:PORT"),
    (["--wsdl", "http://"], "--wsdl 'http://' is not an http:// or https:// URL"),
    (["--header", "no-colon"], "expected NAME:VALUE"),
], ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_bad_options_are_refused_before_the_first_request(
        options: list[str], words: str, tmp_path: Path, listener: tuple[str, list[int]],
        capsys: pytest.CaptureFixture[str]) -> None:
    endpoint, accepted = listener
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    options = [o.replace("{file}", str(afile)) for o in options]
    if "--endpoint" not in options:
        options = ["--endpoint", endpoint, *options]
    if "--report-dir" not in options:
        options += ["--report-dir", str(tmp_path / "out")]
    code = cli.main(["run", *CREDENTIALS, *options])
    err = capsys.readouterr().err
    assert code == 2, err
    [line] = err.strip().splitlines()
    assert words in line and "Traceback" not in err
    assert accepted == []  # nothing was sent


def test_an_internal_error_is_exit_4_naming_the_log(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from conformance.suite import runner

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("a defect of the suite")

    monkeypatch.setattr(runner, "prepare", broken)
    monkeypatch.setattr(cli, "INTERNAL_LOG", None)
    code = cli.main(["run", "--check", "AM-STATUS", "--report-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_INTERNAL == 4
    [line] = err.strip().splitlines()
    log = tmp_path / "conformance.log"
    assert f"the traceback is in {log}" in line and "ZeroDivisionError" in line
    assert "Traceback" not in err
    assert "ZeroDivisionError: a defect of the suite" in log.read_text(encoding="utf-8")


def test_an_internal_error_inside_a_check_is_exit_4(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    class State:
        outcomes = [Outcome("AM-STATUS", "t", "MUST", "status", "core", "c", status=ERROR,
                            reason="internal error of the suite: KeyError: 'x'")]
        redactor, setup_error, detection = Redactor(), None, None

        def stopped_reason(self) -> None:
            return None

    with pytest.raises(cli.CliError) as raised:
        summarise(State(), tmp_path, tmp_path / "conformance.log")
    assert raised.value.exit_code == 4
    assert str(tmp_path / "conformance.log") in str(raised.value)
    assert "verdict: error" in capsys.readouterr().out


def test_run_help_lists_exit_codes_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # whatever the terminal's width
    for code in ("0 conformant", "1 not conformant", "2 usage or configuration error",
                 "3 the run could not judge: the target is unreachable",
                 "4 internal error of the suite", "130 interrupted"):
        assert code in text
    assert f"(default: {DEFAULT_REPORT_DIR})" in text
    assert "(default: 30.0)" in text and "(default: standard)" in text
    assert "(default: None)" not in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"--report-dir {DEFAULT_REPORT_DIR}" in readme or (
        f"`{DEFAULT_REPORT_DIR}/report.html`" in readme)


def test_every_command_describes_itself_in_whole_sentences(
        capsys: pytest.CaptureFixture[str]) -> None:
    """No --help description stops mid-sentence or shows reST markup (issue 11.9)."""
    commands = next(a for a in cli.build_parser()._actions  # noqa: SLF001
                    if a.dest == "command").choices
    assert len(commands) >= 10
    for name in commands:
        with pytest.raises(SystemExit):
            cli.main([name, "--help"])
        out = capsys.readouterr().out
        description = " ".join(out.split("\n\n")[1].split())
        assert description.endswith("."), (name, description)
        assert "``" not in out, name


def test_ctrl_c_is_exit_130(monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(argv: object = None) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build_parser", lambda: type("P", (), {
        "parse_args": staticmethod(interrupted)})())
    assert cli.main(["run"]) == cli.EXIT_INTERRUPTED == 130
    assert capsys.readouterr().err.strip() == "conformance: interrupted"
