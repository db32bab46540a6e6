"""The run options are declared once (conformance/suite/settings.py): the options of
`conformance run`, `replay` and `compare`, the pytest plugin's options and the configuration file's
schema are derived from the one table, with the same flags, defaults, help and choices,
and no option is declared outside it but the ones its docstring names as local."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import build_parser, main
from conformance.compare.targets import FLAGS
from conformance.suite import plugin, settings
from conformance.suite.option import COMPARE, PYTEST, REPLAY, RUN

LOCAL = {RUN: settings.NOT_SETTINGS - {"handler", "command", "run_parser"},
         REPLAY: {"help", "check"},  # replay's --check is the failed check, required
         # compare: its targets, and options with another meaning or default there
         COMPARE: {"help", "target", "targets_file", "no_reference", "timeout", "workers",
                   "report_dir", "link_base", "config", *(f"t_{key}" for key in FLAGS)},
         PYTEST: {"results_json", "conformance_config"}}


def subparser(name: str) -> argparse.ArgumentParser:
    parsers = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return parsers[name]  # type: ignore[no-any-return]


def declared_default(action: argparse.Action) -> Any:
    return getattr(action, "declared_default", action.default)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for option in settings.OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("surface", [RUN, REPLAY, COMPARE])
def test_the_cli_options_are_the_table_rows(surface: str) -> None:
    parser = subparser(surface)
    actions = {a.dest: a for a in parser._actions if a.option_strings}
    for option in settings.rows(surface):
        action = actions.pop(option.dest)
        flags, kwargs = settings.declare(option, surface)
        assert action.option_strings == flags == option.flags(surface)
        assert declared_default(action) == option.default, option.key
        assert action.help == option.help and action.metavar == option.metavar
        assert list(action.choices or []) == list(option.choices)
        assert isinstance(action, argparse._AppendAction) == (option.kind == "list")
        if surface == RUN:  # unset until environment, file and the table's default
            assert parser.get_default(option.dest) is None, option.key
    assert set(actions) <= LOCAL[surface], set(actions) - LOCAL[surface]
    assert not [o for o in settings.OPTIONS if o.dest in LOCAL[surface] and surface in o.on]


class Recorder:
    """Stands in for pytest's parser and group: records what the plugin declares."""

    def __init__(self) -> None:
        self.declared: dict[str, tuple[list[str], dict[str, Any]]] = {}

    def getgroup(self, name: str, description: str = "") -> Recorder:
        return self

    def addoption(self, *flags: str, **kwargs: Any) -> None:
        self.declared[flags[0].lstrip("-").replace("-", "_")] = (list(flags), kwargs)


def test_the_pytest_options_are_the_table_rows(pytestconfig: pytest.Config) -> None:
    recorder = Recorder()
    plugin.pytest_addoption(recorder)  # type: ignore[arg-type]
    declared = dict(recorder.declared)
    for option in settings.rows(PYTEST):
        flags, kwargs = declared.pop((option.pytest_flag or option.key).lstrip("-")
                                     .replace("-", "_"))
        # declared as the table says, but unset unless given: the environment and the
        # configuration file come in between (plugin.option, suite/config_file.py)
        assert (flags, {**kwargs, "default": option.default_on(PYTEST)}) == (
            settings.declare(option, PYTEST))
        assert kwargs["default"] is None
        assert kwargs["help"].startswith(option.pytest_help or option.help)
        # the plugin is installed (pytest11 entry point): this session has the options
        dest = flags[0].lstrip("-").replace("-", "_")
        assert pytestconfig.getoption(dest) is None, option.key
        assert plugin.option(pytestconfig, dest) == option.default_on(PYTEST), option.key
    assert set(declared) == LOCAL[PYTEST]
    # the plugin's defaults differ from the table's only where a row says so
    assert [o.key for o in settings.rows(PYTEST) if o.default_on(PYTEST) != o.default] == [
        "example-db"]


def test_the_surfaces_share_one_declaration() -> None:
    """The same option has the same kind, default and choices on every surface."""
    run = {a.dest: a for a in subparser(RUN)._actions}
    replay = {a.dest: a for a in subparser(REPLAY)._actions}
    for option in settings.rows(REPLAY):
        assert replay[option.dest].default == declared_default(run[option.dest])
        assert replay[option.dest].type == run[option.dest].type
    assert settings.rows(REPLAY) == [o for o in settings.rows(RUN) if REPLAY in o.on]
    assert not [o for o in settings.OPTIONS if RUN not in o.on]  # the file covers them all


def test_the_config_schema_is_the_run_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert list(settings.table()) == [o.dest for o in settings.rows(RUN)]
    assert main(["run", "--print-config", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert list(shown["settings"]) == [o.key for o in settings.rows(RUN)]
    assert shown["settings"] == {o.key: o.default for o in settings.rows(RUN)}
    assert set(shown["sources"].values()) == {"default"}


def test_options_once_derived_from_the_parser_are_file_keys_of_their_kind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.toml").write_text(
        'max-body-bytes = 4096\nfollow-redirects = "same-origin"\nmax-time = 60\n'
        'differential = "fail"\n', encoding="utf-8")
    assert main(["run", "--print-config", "json"]) == 0
    values = json.loads(capsys.readouterr().out)["settings"]
    assert values["max-body-bytes"] == 4096 and values["follow-redirects"] == "same-origin"
    assert values["max-time"] == 60.0 and values["differential"] == "fail"


def test_a_body_limit_from_the_environment_is_checked_like_the_flag(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CONFORMANCE_MAX_BODY_BYTES", "0")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--max-body-bytes 0" in err, err
