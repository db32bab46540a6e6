"""`conformance run` settings from conformance.toml / [tool.conformance]: precedence
command line > environment > file > defaults, `--print-config` with secrets redacted, and
one readable line (exit 2) for a bad key or value."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from conformance.cli import build_parser, main
from conformance.suite import settings


def print_config(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["run", "--print-config", "json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for option in settings.OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    monkeypatch.chdir(tmp_path)


def test_precedence_command_line_then_environment_then_file_then_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "conformance.toml").write_text(
        'profile = "thorough"\nretries = 5\ntimeout = 7.5\ncheck = ["AM-STATUS"]\n'
        'report_dir = "out/nightly"\nseed = 11\n', encoding="utf-8")
    monkeypatch.setenv("CONFORMANCE_RETRIES", "4")
    monkeypatch.setenv("CONFORMANCE_SEED", "12")
    shown = print_config(capsys, "--seed", "13")
    values, sources = shown["settings"], shown["sources"]
    assert values["seed"] == 13 and sources["seed"] == "command line"
    assert values["retries"] == 4 and sources["retries"] == "$CONFORMANCE_RETRIES"
    assert values["profile"] == "thorough" and values["timeout"] == 7.5
    assert values["check"] == ["AM-STATUS"]
    assert values["report-dir"] == str(tmp_path / "out" / "nightly")  # relative to the file
    assert values["reply-template"] is None and sources["reply-template"] == "default"


def test_pyproject_tool_table_and_explicit_config(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.conformance]\nprofile = "quick"\n', encoding="utf-8")
    assert print_config(capsys)["settings"]["profile"] == "quick"
    other = tmp_path / "ci" / "nightly.toml"
    other.parent.mkdir()
    other.write_text('profile = "thorough"\n', encoding="utf-8")
    assert print_config(capsys, "--config", str(other))["settings"]["profile"] == "thorough"


def test_secrets_come_from_named_variables_and_are_redacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "conformance.toml").write_text(
        'user-env = "VENDOR_USER"\npassword-env = "VENDOR_PASSWORD"\n'
        'endpoint = "http://127.0.0.1:9/soap"\n', encoding="utf-8")
    monkeypatch.setenv("VENDOR_USER", "egon")
    monkeypatch.setenv("VENDOR_PASSWORD", "norges bank")
    monkeypatch.setenv("CONFORMANCE_OWNER_PASSWORD", "nordmann")
    assert main(["run", "--print-config"]) == 0  # TOML, and nothing contacted
    out = capsys.readouterr().out
    assert "norges bank" not in out and "nordmann" not in out
    parsed = tomllib.loads(out)
    assert parsed["password"] == parsed["owner-password"] == "[REDACTED]"
    assert parsed["user"] == "egon" and parsed["endpoint"] == "http://127.0.0.1:9/soap"


@pytest.mark.parametrize(("text", "words"), [
    ('profil = "quick"\n', ["conformance.toml", "unknown key 'profil'", "profile"]),
    ('profile = "fast"\n', ["conformance.toml", "'profile'", "quick, standard, thorough"]),
    ('retries = "many"\n', ["'retries'", "an integer"]),
    ('rate-limit = "fast"\n', ["'rate-limit'", "auto"]),
    ('password = "norges bank"\n', ["'password'", "password-env"]),
    ('check = "AM-STATUS"\ncheck = 3\n', ["not valid TOML"]),
])
def test_bad_key_or_value_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: list[str]
) -> None:
    (tmp_path / "conformance.toml").write_text(text, encoding="utf-8")
    assert main(["run", "--print-config"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "norges bank" not in err
    for word in words:
        assert word in err, err


def test_bad_environment_value_names_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONFORMANCE_PROFILE", "fast")
    assert main(["run", "--print-config"]) == 2
    assert "CONFORMANCE_PROFILE" in capsys.readouterr().err


def test_the_table_covers_every_run_option() -> None:
    """One table: every option of `conformance run` has a row (declared or derived), and the
    parser leaves each unset so the table's default applies after environment and file."""
    run_parser = build_parser()._subparsers._group_actions[0].choices["run"]  # type: ignore
    rows = settings.table()
    for action in run_parser._actions:
        if action.option_strings and action.dest not in settings.NOT_SETTINGS:
            assert action.dest in rows, action.dest
            assert run_parser.get_default(action.dest) is None, action.dest
    assert {o.dest for o in settings.OPTIONS} <= set(rows)
