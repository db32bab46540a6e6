"""``conformance compare`` (conformance/compare/): the embedded reference target and a faulty
one (the reference target with ``status-reopen``, served in this process on its own port,
reached with its own users and a password named by environment variable) run with one seed,
two at once; the matrix (JSON, Markdown, HTML) shows the fault's check failed for that target
only, every cell links to that target's evidence, the page is looked at in headless
Chromium; bad input is one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from test_report import CHROMIUM_FLAGS, browse, chromium  # noqa: F401  (fixtures)

from conformance.cli import main as cli_main
from conformance.compare.targets import TargetSpecError, targets_from_file
from conformance.contract import load_contract
from conformance.reference import ReferenceTarget, TargetConfig

CHECKS = ("AM-STATUS", "AM-SLEVEL")
PASSWORDS = ("norges bank", "nordmann")
CREDENTIALS = ["--target-user", "x=egon", "--target-password-env", "x=PATH",
               "--target-owner-user", "x=kari", "--target-owner-password-env", "x=PATH",
               "--target-owner-id", "x=11"]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compare")
    faulty = ReferenceTarget(TargetConfig(host="127.0.0.1", port=0, faults=["status-reopen"]),
                             load_contract()).start()
    monkey = pytest.MonkeyPatch()
    monkey.setenv("FAULTY_PW", PASSWORDS[0])
    monkey.setenv("FAULTY_OWNER_PW", PASSWORDS[1])
    monkey.setenv("CONFORMANCE_USER", "someone-else")  # must not reach the reference run
    try:
        code = cli_main([
            "compare", "--target", f"faulty={faulty.endpoint}",
            "--target-user", "faulty=egon", "--target-password-env", "faulty=FAULTY_PW",
            "--target-owner-user", "faulty=kari",
            "--target-owner-password-env", "faulty=FAULTY_OWNER_PW",
            "--target-owner-id", "faulty=11", "--profile", "quick", "--seed", "5",
            *[a for c in CHECKS for a in ("--check", c)], "--workers", "2",
            "--report-dir", str(folder)])
    finally:
        monkey.undo()
        faulty.close()
    assert code == 1  # one target is not conformant
    return folder


def matrix_of(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "compare.json").read_text(encoding="utf-8"))


def test_matrix_shows_the_fault_failed_for_the_faulty_target_only(comparison: Path) -> None:
    matrix = matrix_of(comparison)
    assert [t["name"] for t in matrix["targets"]] == ["reference", "faulty"]
    assert [t["verdict"] for t in matrix["targets"]] == ["conformant", "nonconformant"]
    cells = {row["id"]: {n: c["status"] for n, c in row["cells"].items()}
             for row in matrix["checks"]}
    assert cells == {"AM-STATUS": {"reference": "passed", "faulty": "failed"},
                     "AM-SLEVEL": {"reference": "passed", "faulty": "passed"}}
    assert matrix["differing"] == ["AM-STATUS"] and matrix["seed"] == 5
    for name in ("reference", "faulty"):
        results = json.loads((comparison / name / "results.json").read_text("utf-8"))
        assert results["seed"] == 5 and results["profile"] == "quick"
        assert [c["id"] for c in results["checks"]] == list(CHECKS)
    faulty = json.loads((comparison / "faulty" / "results.json").read_text("utf-8"))
    assert not faulty["target"]["embedded"]


def test_every_cell_links_to_that_targets_evidence(comparison: Path) -> None:
    matrix = matrix_of(comparison)
    for row in matrix["checks"]:
        for name, cell in row["cells"].items():
            path, _, anchor = cell["link"].partition("#")
            assert path == f"{name}/report.html" and anchor == f"check-{row['id']}"
            assert (comparison / path).is_file()
    page = lxml.html.fromstring((comparison / "compare.html").read_bytes())
    failed = page.xpath("//tr[@id='row-AM-STATUS']/td[@data-target='faulty']")[0]
    assert failed.get("data-status") == "failed"
    assert failed.find("a").get("href") == "faulty/report.html#check-AM-STATUS"
    assert "ticket.status was" in failed.find("a").get("title")
    assert page.xpath("//tr[@id='row-AM-STATUS']")[0].get("class") == "differs"
    markdown = (comparison / "compare.md").read_text(encoding="utf-8")
    assert ("| ◆ `AM-STATUS` | MUST | [✅ passed](reference/report.html#check-AM-STATUS) | "
            "[❌ failed](faulty/report.html#check-AM-STATUS) |") in markdown


def test_the_page_escapes_what_targets_say(comparison: Path) -> None:
    from conformance.compare.render import html_page, markdown

    matrix = matrix_of(comparison)
    hostile = '<script>alert(1)</script> "quoted" & | pipe'
    cell = matrix["checks"][0]["cells"]["faulty"]
    cell["message"] = hostile
    matrix["targets"][1]["message"] = hostile
    page = lxml.html.fromstring(html_page(matrix))
    assert not page.xpath("//script")
    link = page.xpath("//td[@data-target='faulty']/a")[0]
    assert link.get("title") == hostile
    assert hostile in page.get_element_by_id("target-faulty").text_content()
    assert "<script>" not in markdown(matrix)


def test_no_secret_in_any_output(comparison: Path) -> None:
    for path in comparison.rglob("*"):
        if path.is_file():
            content = path.read_text(encoding="utf-8", errors="replace")
            assert not any(p in content for p in PASSWORDS), path


def test_comparison_page_and_cell_anchor_in_headless_chromium(
        comparison: Path, browse: Any, tmp_path: Path) -> None:  # noqa: F811
    shown = browse("--dump-dom", (comparison / "compare.html").as_uri())
    assert shown.returncode == 0, shown.stderr[-500:]
    dom = lxml.html.fromstring(shown.stdout)
    assert len(dom.xpath("//table[@id='matrix']/tbody/tr")) == len(CHECKS)
    report = browse("--dump-dom", (comparison / "faulty" / "report.html").as_uri())
    assert lxml.html.fromstring(report.stdout).get_element_by_id("check-AM-STATUS") is not None
    png = tmp_path / "compare.png"
    shot = browse(f"--screenshot={png}", "--window-size=1280,700",
                  (comparison / "compare.html").as_uri())
    assert shot.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("argv", "expected"), [
    (["--target", "faulty"], "expected NAME=VALUE"),
    (["--target", "faulty=ftp://x"], "is not an http:// or https:// URL"),
    (["--target", "a b=http://x/"], "target name 'a b'"),
    (["--target", "x=http://h/", "--target", "x=http://i/"], "named twice"),
    (["--target", "x=http://h/", "--target-user", "y=u"], "no target named y"),
    (["--target", "x=http://h/", *CREDENTIALS[:2], "--target-password-env",
      "x=D_UNSET_VARIABLE", *CREDENTIALS[4:]], "D_UNSET_VARIABLE"),
    (["--target", "x=http://h/", "--target-fault", "x=status-reopen"], "embedded reference"),
    (["--no-reference", "--target", "x=http://h/", *CREDENTIALS], "at least two targets"),
    (["--target", "x=http://h/", "--target-user", "x=u"], "missing --target-password-env"),
    (["--target", "x=http://h/", *CREDENTIALS, "--check", "AM-NOPE"], "unknown check id AM-NOPE"),
    (["--targets-file", "/nonexistent/t.toml"], "cannot read"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], expected: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["compare", *argv, "--report-dir", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conformance: error: ") and expected in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_unreachable_target_is_an_error_column_linking_its_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    down = [arg for name in ("x", "y") for arg in (
        "--target", f"{name}=http://127.0.0.1:9/service/ticket",  # discard port: no listener
        *[a.replace("x=", f"{name}=") for a in CREDENTIALS])]
    assert cli_main(["compare", "--no-reference", *down, "--check", "AM-SLEVEL",
                     "--profile", "quick", "--seed", "1", "--workers", "2",
                     "--report-dir", str(tmp_path)]) == 3
    matrix = matrix_of(tmp_path)
    assert [t["name"] for t in matrix["targets"]] == ["x", "y"]
    for column in matrix["targets"]:
        assert column["verdict"] == "error" and column["exit_code"] == 3
        # a run that started writes its report also when it stops at setup (issue 11)
        assert column["report"] in (None, f"{column['name']}/report.html")
        assert "refused" in column["message"] or "connect" in column["message"]
        name = column["name"]
        cell = matrix["checks"][0]["cells"][name] if matrix["checks"] else None
        assert cell is None or (cell["status"] == "error" and cell["link"] in (
            f"{name}/run.log", f"{name}/report.html#check-AM-SLEVEL"))
        assert (tmp_path / name / "run.log").is_file()


def test_targets_file(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text('[[target]]\nname = "vendor"\nendpoint = "https://v.example/soap"\n'
                    'user = "agent"\npassword_env = "V_PW"\nowner_id = 42\n'
                    'owner_user = "owner"\nowner_password_env = "V_OWNER_PW"\n'
                    '[[target]]\nname = "buggy"\nendpoint = "reference"\n'
                    'faults = ["status-reopen"]\n', encoding="utf-8")
    specs = targets_from_file(path)
    assert [(s.name, s.embedded, s.faults) for s in specs] == [
        ("reference", True, []), ("vendor", False, []), ("buggy", True, ["status-reopen"])]
    assert specs[1].password_env == "V_PW" and specs[1].owner_id == "42"
    path.write_text('[[target]]\nname = "v"\nendpoint = "https://v/"\npassword = "x"\n',
                    encoding="utf-8")
    with pytest.raises(TargetSpecError, match="unknown key"):
        targets_from_file(path)
