"""Replay that works as printed (issue 9, point 7): the replay command of a failure against
a foreign target (here `conformance serve --fault ...` in its own process) carries every
non-secret option of the run and names secrets by environment variable; run verbatim
through a shell, with those variables set, it reproduces the failure."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.suite.config import SuiteConfig, transport_config
from conformance.suite.replay_command import header_env, replay_command, secret_env

CLI = [sys.executable, "-m", "conformance"]
HEADER_VALUE, BASIC_PASSWORD = "hdr-7c1e9a55", "proxy-9b2d4f11"
ENV = {"CONFORMANCE_PASSWORD": "norges bank", "CONFORMANCE_OWNER_PASSWORD": "nordmann",
       "CONFORMANCE_HEADER_X_API_KEY": HEADER_VALUE,
       "CONFORMANCE_BASIC_AUTH_PASSWORD": BASIC_PASSWORD}


@pytest.fixture
def served() -> Iterator[str]:
    """`conformance serve` with a fault, in its own process, on a free loopback port."""
    with subprocess.Popen([*CLI, "serve", "--port", "0", "--quiet", "--fault",
                           "slevel-accepts-any"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as process:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        try:
            assert endpoint.startswith("http://127.0.0.1:"), endpoint
            yield endpoint
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_command_names_every_option_and_no_secret() -> None:
    client = transport_config("http://h/t", timeout=7.5, retries=1, rate_limit=3,
                              headers=["X-Api-Key: v"], basic_auth="px:pw",
                              client_cert=None, client_key=None, ca_bundle=None)
    config = SuiteConfig(endpoint="http://h/t", wsdl="vendor.wsdl", user="agent o'neil",
                         password="pw1", owner_user="own", owner_password="pw2",
                         owner_id="42", profile=None, seed=1, client=client,  # type: ignore
                         smtp_capture="0.0.0.0:2525", category="5", reply_template="6")
    words = shlex.split(replay_command(config, "out dir/results.json", "AM-STATUS"))
    assert words[:4] == ["conformance", "replay", "out dir/results.json", "--check"]
    pairs = dict(zip(words[3::2], words[4::2], strict=True))
    assert pairs["--endpoint"] == "http://h/t" and pairs["--wsdl"] == "vendor.wsdl"
    assert pairs["--user"] == "agent o'neil" and pairs["--owner-id"] == "42"
    assert pairs["--password"] == "${CONFORMANCE_PASSWORD}"
    assert pairs["--ticket-category"] == "5" and pairs["--reply-template"] == "6"
    assert pairs["--smtp-capture"] == "0.0.0.0:2525" and pairs["--timeout"] == "7.5"
    assert pairs["--header"] == f"X-Api-Key: ${{{header_env('X-Api-Key')}}}"
    assert pairs["--basic-auth"] == "px:${CONFORMANCE_BASIC_AUTH_PASSWORD}"
    assert "pw1" not in words and not [w for w in words if "pw" in w.split(":")[-1]]
    assert set(secret_env(config)) == {"CONFORMANCE_PASSWORD", "CONFORMANCE_OWNER_PASSWORD",
                                       "CONFORMANCE_BASIC_AUTH_PASSWORD",
                                       "CONFORMANCE_HEADER_X_API_KEY"}


def test_printed_replay_reproduces_the_failure_verbatim(served: str, tmp_path: Path
                                                        ) -> None:
    env = {**os.environ, **ENV,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run(
        [*CLI, "run", "--endpoint", served, "--user", "egon", "--owner-user", "kari",
         "--check", "AM-ERR-SLEVEL", "--profile", "quick", "--seed", "5", "--timeout", "20",
         "--header", f"X-Api-Key: {HEADER_VALUE}", "--basic-auth", f"proxy:{BASIC_PASSWORD}",
         "--report-dir", "reports"], capture_output=True, text=True, timeout=120,
        cwd=tmp_path, env=env)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "discovered: category 1" in run.stdout
    data = json.loads((tmp_path / "reports" / "results.json").read_text(encoding="utf-8"))
    failure = next(c for c in data["checks"] if c["id"] == "AM-ERR-SLEVEL")["failure"]
    command = failure["replay"]
    for secret in (*ENV.values(),):
        assert secret not in command
    assert f"--endpoint {served}" in command and "--owner-id 11" in command
    assert set(data["replay_env"]) == set(ENV)
    # session hygiene: one set-up per run (CLI and plugin share it), every session closed
    logins = data["requests"]["by_operation"]["login"]["count"]
    assert logins == 2 and data["requests"]["by_operation"]["logout"]["count"] == 2
    assert data["sessions"]["opened"] == data["sessions"]["closed"] == 2
    page = (tmp_path / "reports" / "report.html").read_text(encoding="utf-8")
    assert "--owner-id 11" in page

    replay = subprocess.run(command, shell=True, capture_output=True, text=True,
                            timeout=120, cwd=tmp_path, env=env)
    assert replay.returncode == 1, (command, replay.stdout, replay.stderr)
    assert f"AM-ERR-SLEVEL still fails on {served}" in replay.stdout
    assert "returned errorCode 0 (expected 10)" in replay.stdout
