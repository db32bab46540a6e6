"""`--shard K/N` and `conformance merge`: two shards of a run, merged, give the verdict,
counts and per-check results of one unsharded run with the same seed (on the reference
target, with a fault so that a failure is among them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conformance.suite.catalogue import all_checks
from conformance.suite.ci import parse_shard, shard_checks

ROOT = Path(__file__).resolve().parents[1]
CHECKS = ["AM-STATUS", "AM-SLEVEL", "AM-ERR-SLEVEL"]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "conformance", *args], capture_output=True,
                          text=True, timeout=300, cwd=ROOT,
                          env={k: v for k, v in os.environ.items()
                               if not k.startswith("CONFORMANCE_")})


def run(report_dir: Path, *extra: str, code: int = 1, profile: str = "quick"
        ) -> dict[str, Any]:
    selection = [arg for check in CHECKS for arg in ("--check", check)]
    done = cli("run", "--profile", profile, "--seed", "7", "--fault", "slevel-ignored",
               "--example-db", "none", "--report-dir", str(report_dir), *selection, *extra)
    assert done.returncode == code, done.stdout + done.stderr
    document = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    document["progress_lines"] = [line for line in done.stdout.splitlines()
                                  if line.startswith("[")]
    return document


def essence(document: dict[str, Any]) -> dict[str, Any]:
    return {"verdict": document["verdict"], "counts": document["counts"],
            "classes": document["classes"], "seed": document["seed"],
            "checks": [(c["id"], c["status"], c["examples"], c.get("slices"),
                        (c["failure"] or {}).get("message")) for c in document["checks"]]}


def test_two_shards_merged_equal_one_unsharded_run(tmp_path: Path) -> None:
    whole = run(tmp_path / "whole")
    first = run(tmp_path / "shard-1", "--shard", "1/2", code=0)
    second = run(tmp_path / "shard-2", "--shard", "2/2")
    assert {c["id"] for c in first["checks"]}.isdisjoint(c["id"] for c in second["checks"])
    assert first["shard"] == {"index": 1, "total": 2, "of": CHECKS, "slices": {}}
    assert first["progress_lines"][0].startswith("[1/2] AM-STATUS ")  # plain: no terminal
    out = tmp_path / "merged"
    done = cli("merge", str(tmp_path / "shard-2" / "results.json"),
               str(tmp_path / "shard-1" / "results.json"), "--report-dir", str(out))
    assert done.returncode == 1, done.stdout + done.stderr  # as the run: not conformant
    merged = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert essence(merged) == essence(whole)
    assert merged["verdict"] == "nonconformant" and merged["counts"]["failed"] == 1
    failed = next(c for c in merged["checks"] if c["status"] == "failed")
    assert str(out / "results.json") in failed["failure"]["replay"]
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "1"
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == [f"test_check[{c['id']}]" for c in whole["checks"]]
    assert "AM-SLEVEL" in (out / "report.html").read_text(encoding="utf-8")


def test_sliced_checks_spread_over_shards_merge_to_one_unsharded_run(tmp_path: Path) -> None:
    """thorough draws 150 examples per check, in six slices (suite/slices.py): each shard
    runs some slices of every check, and the merge is the unsharded run again."""
    whole = run(tmp_path / "whole", profile="thorough")
    for check in whole["checks"]:  # the slices account for every example run
        assert check["slices"]["of"] == 6
        assert sum(r["examples"] for r in check["slices"]["ran"]) == check["examples"]
    shards = [run(tmp_path / f"shard-{k}", "--shard", f"{k}/2", profile="thorough")
              for k in (1, 2)]
    assert shards[0]["shard"]["slices"] == {c: [1, 3, 5] for c in CHECKS}
    assert shards[1]["shard"]["slices"] == {c: [2, 4, 6] for c in CHECKS}
    for shard in shards:  # every check on both runners, each with half of its slices
        assert [c["id"] for c in shard["checks"]] == CHECKS
    out = tmp_path / "merged"
    done = cli("merge", *(str(tmp_path / f"shard-{k}" / "results.json") for k in (2, 1)),
               "--report-dir", str(out))
    assert done.returncode == 1, done.stdout + done.stderr
    merged = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert essence(merged) == essence(whole)
    assert [c["examples"] for c in merged["checks"]] != [
        c["examples"] for c in shards[0]["checks"]]  # not one shard's counts
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("tests") == "3" and suite.get("failures") == "1"
    failed = next(c for c in merged["checks"] if c["status"] == "failed")
    first = failed["slices"]["failed"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert f"in {first} of 6 slices (slice {first} failed)" in page
    assert "in 6 of 6 slices," in page  # the passed checks ran all six


def test_merge_refuses_files_of_different_runs_or_a_missing_shard(tmp_path: Path) -> None:
    def document(seed: int, index: int) -> Path:
        path = tmp_path / f"results-{seed}-{index}.json"
        path.write_text(json.dumps({"seed": seed, "profile": "quick", "contract_sha256": "x",
                                    "target": {"embedded": True, "faults": []},
                                    "shard": {"index": index, "total": 3}, "checks": []}))
        return path

    for files, words in (([document(1, 1), document(2, 2)], "seeds differ"),
                         ([document(1, 1), document(1, 2)], "shard 3/3 is missing"),
                         ([document(1, 1), document(1, 1)], "given twice")):
        done = cli("merge", *map(str, files), "--report-dir", str(tmp_path / "out"))
        assert done.returncode == 2 and words in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1


def test_shards_are_disjoint_cover_the_selection_and_refuse_bad_values() -> None:
    every = [c.id for c in all_checks()]
    shares = [shard_checks([], (k, 4)) for k in range(1, 5)]
    assert sorted(i for share in shares for i in share) == sorted(every)
    assert len({i for share in shares for i in share}) == len(every)
    for bad in ("0/2", "3/2", "2", "a/b", "1/0"):
        with pytest.raises(ValueError, match="K/N"):
            parse_shard(bad)
    with pytest.raises(ValueError, match="nothing falls in this shard"):
        shard_checks(["AM-STATUS"], (2, 2))


def test_merged_advisories_are_every_shards_not_the_first_ones() -> None:
    from conformance.suite.merge import merge_documents

    def shard(index: int, check_id: str, level: str) -> dict[str, Any]:
        return {"seed": 1, "profile": "quick", "contract_sha256": "x",
                "target": {"embedded": True, "faults": []}, "advisories": [],
                "shard": {"index": index, "total": 2, "of": ["A", "B"]},
                "checks": [{"id": check_id, "title": check_id, "level": level,
                            "family": "f", "class": "core", "clause": "c",
                            "status": "failed", "examples": 1,
                            "failure": {"message": f"{check_id} found"}}]}

    merged = merge_documents([("1", shard(1, "A", "MUST")), ("2", shard(2, "B", "SHOULD"))])
    assert [a["id"] for a in merged["advisories"]] == ["B"]  # shard 2's SHOULD finding
    assert merged["counts"]["advisory"] == 1 and merged["verdict"] == "nonconformant"
