"""``conformance compare`` reads its targets from the configuration file
(``[[compare.target]]`` in conformance.toml, ``[[tool.conformance.compare.target]]`` in
pyproject.toml), each with its own users and secrets named by environment variable; the
command line adds targets and overrides keys; a bad table is one line naming the file, the
key and what is allowed (exit 2); ``conformance run`` reading the same file skips the table,
and a target's run never takes the file's run settings (one real comparison, the targets
run one after the other: the embedded reference target against the reference target with
``status-reopen``, quick profile, one check; its page is self-contained)."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html
import pytest

from conformance.cli import main as cli_main
from conformance.cli.compare import file_targets
from conformance.compare.targets import TargetSpecError, targets_from_args

FILE = '''# a run setting: never taken by a target's run of compare
endpoint = "http://127.0.0.1:9/service/ticket"

[[compare.target]]
name = "reference"
endpoint = "reference"

[[compare.target]]
name = "buggy"
endpoint = "reference"
faults = ["status-reopen"]

[[compare.target]]
name = "vendor"
endpoint = "https://vendor.example/service/ticket"
user = "agent"
password_env = "VENDOR_PW"
owner_user = "owner"
owner_password_env = "VENDOR_OWNER_PW"
owner_id = 42
wsdl = "contract/ticket.wsdl"
'''


def test_a_comparison_from_the_configuration_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.toml").write_text(FILE.split("[[compare.target]]\nname = "
                                                          '"vendor"')[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = cli_main(["compare", "--profile", "quick", "--seed", "3", "--check", "AM-STATUS",
                     "--workers", "1", "--report-dir", str(tmp_path / "out")])  # in turn
    assert code == 1, capsys.readouterr()
    matrix = json.loads((tmp_path / "out" / "compare.json").read_text(encoding="utf-8"))
    assert [t["name"] for t in matrix["targets"]] == ["reference", "buggy"]
    assert [t["verdict"] for t in matrix["targets"]] == ["conformant", "nonconformant"]
    assert matrix["differing"] == ["AM-STATUS"]
    for name in ("reference", "buggy"):  # both embedded: the file's endpoint never used
        results = json.loads((tmp_path / "out" / name / "results.json").read_text("utf-8"))
        assert results["target"]["embedded"] and results["seed"] == 3
    buggy = json.loads((tmp_path / "out" / "buggy" / "results.json").read_text("utf-8"))
    assert buggy["target"]["faults"] == ["status-reopen"]
    # the page is self-contained: no style sheet, script, image or frame loaded from elsewhere
    page = lxml.html.fromstring((tmp_path / "out" / "compare.html").read_bytes())
    assert not page.xpath("//link[@href] | //script[@src] | //iframe | //object | //embed")
    assert all(src.startswith("data:") for src in page.xpath("//img/@src"))
    assert all(not href.startswith(("http:", "https:", "//"))
               for href in page.xpath("//a/@href"))


def test_the_command_line_adds_to_and_overrides_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n" + FILE.replace("[[compare.target]]",
                                                 "[[tool.conformance.compare.target]]")
        .replace('endpoint = "http://127.0.0.1:9/service/ticket"\n', ""), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    base, origins = file_targets(None)
    specs = targets_from_args(
        ["vendor=http://127.0.0.1:8080/service/ticket", "other=reference"],
        {"user": ["vendor=egon"], "faults": ["other=bcc-visible"], "password_env": [],
         "owner_user": [], "owner_password_env": [], "owner_id": [], "wsdl": [],
         "smtp_capture": []}, True, base, origins)
    by_name = {s.name: s for s in specs}
    assert list(by_name) == ["reference", "buggy", "vendor", "other"]
    vendor = by_name["vendor"]
    assert vendor.endpoint == "http://127.0.0.1:8080/service/ticket"  # overridden
    assert vendor.user == "egon" and vendor.owner_user == "owner"  # one key overridden
    assert vendor.password_env == "VENDOR_PW" and vendor.owner_id == "42"  # names only
    assert vendor.wsdl == str(tmp_path / "contract" / "ticket.wsdl")  # relative to the file
    assert by_name["other"].faults == ["bcc-visible"]
    # a file target still missing what a non-embedded target needs is named with its place
    with pytest.raises(TargetSpecError, match=r"pyproject.toml: tool.conformance.compare"
                                              r".target\[2\]: target vendor: missing key"):
        broken, where = file_targets(None)
        broken[2].owner_id = ""
        targets_from_args([], {}, True, broken, where)


@pytest.mark.parametrize(("text", "expected"), [
    ('[[compare.target]]\nname = "v"\nendpoint = "reference"\npassword = "x"\n',
     "compare.target[0]: unknown key 'password' (allowed: endpoint, faults,"),
    ('[[compare.target]]\nname = "v"\n', "compare.target[0]: key 'endpoint' is required"),
    ('[[compare.target]]\nname = "v"\nendpoint = "ftp://v/"\n', "is not an http://"),
    ('[[compare.target]]\nname = "v"\nendpoint = "reference"\nfaults = "x"\n',
     "key 'faults' must be a list"),
    ('[compare]\ntargets = []\n', "unknown key compare.targets (allowed: [[compare.target]]"),
    ('compare = 1\n', "key 'compare' must be a table"),
    ('[[compare.target]]\nname = "v"\nendpoint = "reference"\nfaults = ["nope"]\n',
     "compare.target[0]: target v: unknown fault nope; known faults: "),
    ('[[compare.target]]\nname = "v"\nendpoint = "https://v/"\nuser = "u"\n',
     "compare.target[0]: target v: missing key(s) password_env, owner_user"),
])
def test_a_bad_table_is_one_line_naming_file_and_key(
        text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli_main(["compare", "--report-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: ") and expected in err, err
    assert "conformance.toml" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_run_reads_the_same_file_and_skips_the_compare_table(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "conformance.toml").write_text(FILE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli_main(["run", "--print-config", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["settings"]["endpoint"] == "http://127.0.0.1:9/service/ticket"
    assert "compare" not in printed["settings"]


def test_a_failed_should_check_is_an_advisory_cell_a_failed_must_a_failed_one() -> None:
    from conformance.compare.matrix import cell

    column = {"report": "vendor/report.html", "results": "vendor/results.json",
              "log": "vendor/run.log", "verdict": "conformant", "classes": {"core": "passed"},
              "message": ""}
    for level, status in (("SHOULD", "advisory"), ("MUST", "failed")):
        record = {"id": "AM-REFERENCE-DIFF", "status": "failed", "level": level,
                  "examples": 3, "failure": {"message": "1 difference"}}
        shown = cell(record, column, "AM-REFERENCE-DIFF")
        assert shown == {"status": status, "link": "vendor/report.html#check-AM-REFERENCE-DIFF",
                         "examples": 3, "message": "1 difference"}


def test_an_unknown_fault_on_the_command_line_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["compare", "--target", "b=reference", "--target-fault", "b=nope",
                     "--report-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: target b: unknown fault nope; known faults: ")
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "out").exists()
