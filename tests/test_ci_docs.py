"""The "Use in CI" examples work: the README shows the files under docs/ci/ as they are,
every `conformance` command they run parses with the CLI's own parser, and the example
configuration and baseline load (`--print-config` against the example conformance.toml)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from conformance.cli import build_parser, main
from conformance.suite import settings
from conformance.suite.baseline import load_baseline

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "docs" / "ci"
WORKFLOWS = ["github-actions.yml", "gitlab-ci.yml"]
COMMAND = re.compile(r"\bconformance (?:run|merge|baseline)\b[^|\n]*")
CI_VARIABLES = {"${{ matrix.shard }}": "2", "$CI_NODE_INDEX": "2", "$CI_NODE_TOTAL": "4"}


def commands(text: str) -> list[list[str]]:
    found = []
    for command in COMMAND.findall(text):
        for name, value in CI_VARIABLES.items():
            command = command.replace(name, value)
        found.append(shlex.split(command)[1:])
    return found


def test_readme_shows_the_ci_files_as_they_are() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Use in CI" in readme
    for name in [*WORKFLOWS, "conformance.toml"]:
        assert (CI / name).read_text(encoding="utf-8").rstrip() in readme, name


@pytest.mark.parametrize("name", WORKFLOWS)
def test_workflow_commands_parse_and_shard_merge(name: str) -> None:
    text = (CI / name).read_text(encoding="utf-8")
    assert "\t" not in text  # YAML forbids tabs for indentation
    found = commands(text)
    verbs = [argv[0] for argv in found]
    assert "run" in verbs and "merge" in verbs, found
    for argv in found:
        args = build_parser().parse_args(argv)  # raises (exit 2) on a bad option
        if args.command == "run":
            assert args.shard == "2/4"
            assert args.config == "conformance.toml"
    try:
        import yaml
    except ImportError:
        return  # PyYAML is not a dependency; the structure is checked where it is installed
    document = yaml.safe_load(text)
    assert isinstance(document, dict)


def test_the_example_configuration_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    for option in settings.OPTIONS:
        monkeypatch.delenv(option.env, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VENDOR_AGENT_USER", "agent")
    monkeypatch.setenv("VENDOR_AGENT_PASSWORD", "s3cret")
    argv = next(a for a in commands((CI / "gitlab-ci.yml").read_text()) if a[0] == "run")
    argv[argv.index("--config") + 1] = str(CI / "conformance.toml")
    assert main([*argv, "--print-config", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    values = shown["settings"]
    assert values["shard"] == "2/4" and values["rate-limit"] == "auto"
    assert values["user"] == "agent" and values["password"] == "[REDACTED]"
    assert "s3cret" not in json.dumps(shown)
    assert Path(values["baseline"]) == CI / "conformance-baseline.toml"
    assert load_baseline(Path(values["baseline"])).waivers
