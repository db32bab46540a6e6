"""The suite under pytest-xdist (issue 12, point 3): ``pytest -n 2`` against one target
(``conformance serve`` with faults, in its own process, mailing to the suite's capture)
writes the results.json and the JUnit order of a serial session with the same seed; the
checks that read the owner's notifications or the mail run on the observer worker, which
alone subscribes and listens; what does not combine with xdist is a usage error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from helpers import free_port
from lxml import etree

from conformance.suite import distributed
from conformance.suite.catalogue import all_checks

CLI = [sys.executable, "-m", "conformance"]
FAULTS = ["notify-when-false", "mail-drops-cc", "slevel-accepts-any"]
CHECKS = ["AM-STATUS", "AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM-MESSAGE-ID", "AM-ERR-SLEVEL",
          "AM-ERR-NO-CHANGE", "AM23-MAIL", "AM23-BCC-HIDDEN", "AM-BODY-EXACT"]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, str]]:
    """A faulty reference target in a process of its own, and where it sends its mail."""
    capture = f"127.0.0.1:{free_port()}"
    faults = [arg for fault in FAULTS for arg in ("--fault", fault)]
    with subprocess.Popen([*CLI, "serve", "--port", "0", "--quiet", "--smtp", capture,
                           *faults], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as process:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        try:
            assert endpoint.startswith("http://127.0.0.1:"), endpoint
            yield endpoint, capture
        finally:
            process.terminate()
            process.wait(timeout=10)


def pytest_session(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The suite under plain pytest, in ``folder`` (its results.json and junit.xml there)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    env.update({"CONFORMANCE_PASSWORD": "norges bank", "CONFORMANCE_OWNER_PASSWORD":
                "nordmann", "CONFORMANCE_CACHE_DIR": str(folder / "cache")})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--pyargs",
         distributed.SUITE_MODULE, "--user", "egon", "--owner-user", "kari",
         "--profile", "quick", "--example-db", "none", "--results-json",
         str(folder / "results.json"), "--junitxml", str(folder / "junit.xml"), *args],
        cwd=folder, env=env, capture_output=True, text=True, timeout=600)


def junit_names(path: Path) -> list[str]:
    return [str(case.get("name")) for case in etree.parse(str(path)).iter("testcase")]


def test_two_workers_write_what_a_serial_session_writes(
        served: tuple[str, str], tmp_path: Path) -> None:
    endpoint, capture = served
    args = ["--endpoint", endpoint, "--smtp-capture", capture, "--seed", "5",
            *[arg for check in CHECKS for arg in ("--check", check)]]
    serial = pytest_session(tmp_path / "serial", *args)
    parallel = pytest_session(tmp_path / "xdist", "-n", "2", *args)
    assert serial.returncode == parallel.returncode == 1, (serial.stdout, parallel.stdout)
    one = json.loads((tmp_path / "serial" / "results.json").read_text(encoding="utf-8"))
    two = json.loads((tmp_path / "xdist" / "results.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in two["checks"]] == [c["id"] for c in one["checks"]] == CHECKS

    def judged(document: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(c["id"], c["status"], c["examples"], (c.get("failure") or {}).get("check"))
                for c in document["checks"]]

    assert judged(two) == judged(one)
    assert (two["verdict"], two["counts"], two["classes"]) == (
        one["verdict"], one["counts"], one["classes"])
    failed = {c["id"] for c in two["checks"] if c["status"] == "failed"}
    assert {"AM-NOTIFY-FALSE", "AM23-MAIL", "AM-ERR-SLEVEL"} <= failed  # the faults' checks
    assert {c["id"] for c in two["checks"] if c["status"] == "passed"} == set(CHECKS) - failed
    (gw0, how), gw1 = [(m["worker"], m["subscription"]) for m in two["merged_from"]]
    assert gw0 == "gw0" and how in ("allocated", "reused")  # the observer alone subscribes
    assert gw1 == ("gw1", "left to the observer worker")
    assert two["seed"] == 5 and two["shard"] is None
    assert junit_names(tmp_path / "xdist" / "junit.xml") == junit_names(
        tmp_path / "serial" / "junit.xml") == [f"test_check[{c}]" for c in CHECKS]
    assert "norges bank" not in (tmp_path / "xdist" / "results.json").read_text("utf-8")


def test_without_a_seed_every_worker_draws_from_the_controllers(
        served: tuple[str, str], tmp_path: Path) -> None:
    endpoint, _capture = served
    checks = ["AM-STATUS", "AM-WSDL", "AM-SLEVEL", "AM-ERR-TICKET", "AM-BODY-EXACT",
              "AM-MESSAGE-ID"]  # under xdist they finish in another order
    done = pytest_session(tmp_path, "-n", "2", "--endpoint", endpoint,
                          *[arg for check in checks for arg in ("--check", check)])
    assert done.returncode == 0, done.stdout
    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert isinstance(document["seed"], int)  # merged: the same seed on both workers
    assert [m["worker"] for m in document["merged_from"]] == ["gw0", "gw1"]
    assert [c["id"] for c in document["checks"]] == checks  # as given, not the catalogue's
    # without --results-json, the JUnit file still comes in the session's order
    (tmp_path / "results.json").unlink()
    done = pytest_session(tmp_path, "-n", "2", "--endpoint", endpoint, "--results-json", "",
                          *[arg for check in checks for arg in ("--check", check)])
    assert done.returncode == 0, done.stdout
    assert not (tmp_path / "results.json").exists()
    assert junit_names(tmp_path / "junit.xml") == [f"test_check[{c}]" for c in checks]


@pytest.mark.parametrize(("args", "said"), [
    (["--workers", "2"], "--workers 2 and pytest-xdist's -n do the same thing"),
    (["--differential"], "--differential compares the run's first inputs"),
])
def test_what_does_not_combine_with_xdist_is_a_usage_error(
        tmp_path: Path, args: list[str], said: str) -> None:
    done = pytest_session(tmp_path, "-n", "2", "--endpoint", "http://127.0.0.1:9/x", *args)
    assert done.returncode == 4, (done.stdout, done.stderr)
    assert said in done.stderr and "Traceback" not in done.stderr + done.stdout


def test_the_observer_runs_every_check_that_reads_notifications_or_mail() -> None:
    from conformance.suite import workers
    from conformance.suite.needs import NEEDS

    notified = NEEDS["notifications"]
    assert notified is not None
    assert distributed.OBSERVER_CHECKS == notified | workers.OBSERVE_MAIL | \
        workers.VIEW_READERS
    assert distributed.OBSERVER_CHECKS < {c.id for c in all_checks()}


# the scheduler, with stand-ins for xdist's worker controllers -------------------------------
class Node:
    def __init__(self, worker: str) -> None:
        self.workerinput = {"workerid": worker}
        self.gateway = SimpleNamespace(id=worker)
        self.shutting_down = False
        self.sent: list[int] = []

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True


def nodeids(checks: list[str]) -> list[str]:
    return [f"conformance/suite/test_conformance.py::test_check[{c}]" for c in checks]


def schedule(monkeypatch: pytest.MonkeyPatch, workers: list[str], checks: list[str],
             reorder: bool = True) -> tuple[Any, dict[str, Node]]:
    from xdist.scheduler import loadscope

    monkeypatch.setattr(loadscope, "parse_tx_spec_config", lambda config: workers)
    config = SimpleNamespace(option=SimpleNamespace(loadscopereorder=reorder))
    sched = distributed.scheduler(config, None)  # type: ignore[arg-type]
    nodes = {worker: Node(worker) for worker in workers}
    for node in nodes.values():
        sched.add_node(node)
    for node in nodes.values():
        sched.add_node_collection(node, nodeids(checks))
    sched.schedule()
    return sched, nodes


def finish(sched: Any, nodes: dict[str, Node], checks: list[str]) -> dict[str, list[str]]:
    """Run every sent test to the end, as the workers report them; who ran what."""
    ran: dict[str, list[str]] = {worker: [] for worker in nodes}
    progress = True
    while progress:
        progress = False
        for worker, node in nodes.items():
            while len(ran[worker]) < len(node.sent):
                index = node.sent[len(ran[worker])]
                ran[worker].append(checks[index])
                sched.mark_test_complete(node, index)
                progress = True
    assert not sched.workqueue and sched.tests_finished
    return ran


@pytest.mark.parametrize("reorder", [True, False])  # --loadscope-reorder (the default) or not
def test_the_observers_unit_goes_to_gw0_whichever_worker_came_first(
        monkeypatch: pytest.MonkeyPatch, reorder: bool) -> None:
    checks = ["AM-STATUS", "AM-NOTIFY-TRUE", "AM-MESSAGE-ID", "AM23-MAIL", "AM-ERR-SLEVEL",
              "AM-ERR-NO-CHANGE", "AM-BODY-EXACT", "AM-SLEVEL"]
    sched, nodes = schedule(monkeypatch, ["gw1", "gw0"], checks, reorder)
    ran = finish(sched, nodes, checks)
    observed = {"AM-NOTIFY-TRUE", "AM23-MAIL", "AM-ERR-NO-CHANGE"}
    assert set(ran["gw0"]) >= observed and not set(ran["gw1"]) & observed
    assert ran["gw0"][0] in observed  # the longest unit first, in any order of the queue
    assert sorted(ran["gw0"] + ran["gw1"]) == sorted(checks)
    assert ran["gw1"]  # the others are shared out


def test_only_observer_checks_leave_the_other_worker_idle_not_gw0(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # one unit for two workers: the one shut as unused is gw1, whichever came first
    checks = ["AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE"]
    sched, nodes = schedule(monkeypatch, ["gw1", "gw0"], checks)
    assert nodes["gw1"].shutting_down and not nodes["gw1"].sent
    assert finish(sched, nodes, checks) == {"gw0": checks, "gw1": []}


def test_a_worker_left_only_the_observers_unit_stops_when_it_is_done(
        monkeypatch: pytest.MonkeyPatch) -> None:
    checks = ["AM-STATUS", "AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM23-MAIL", "AM-SLEVEL"]
    sched, nodes = schedule(monkeypatch, ["gw0", "gw1", "gw2"], checks)
    ran = finish(sched, nodes, checks)
    assert ran["gw0"][:3] == ["AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM23-MAIL"]
    assert all(node.shutting_down for node in nodes.values())


def test_a_worker_that_does_not_observe_never_takes_the_observers_unit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    checks = ["AM-STATUS", "AM-NOTIFY-TRUE"]
    sched, nodes = schedule(monkeypatch, ["gw0", "gw1"], checks)
    sched.workqueue[distributed.OBSERVER_SCOPE] = {nodeids(checks)[1]: False}  # left, say
    nodes["gw1"].sent.clear()
    sched.assigned_work[nodes["gw1"]] = {}
    sched._assign_work_unit(nodes["gw1"])
    assert not nodes["gw1"].sent and nodes["gw1"].shutting_down  # done, not given it
    assert distributed.OBSERVER_SCOPE in sched.workqueue


def test_without_gw0_another_worker_takes_the_observers_unit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    checks = ["AM-NOTIFY-TRUE", "AM-STATUS", "AM-NOTIFY-FALSE"]
    sched, nodes = schedule(monkeypatch, ["gw1", "gw2"], checks)
    ran = finish(sched, nodes, checks)
    assert sorted(ran["gw1"] + ran["gw2"]) == sorted(checks)
    assert any({"AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE"} <= set(r) for r in ran.values())


# merging and the JUnit order ------------------------------------------------------------------
def document(checks: list[tuple[str, str]], planned: list[str], opened: int) -> dict[str, Any]:
    return {"seed": 1, "profile": "quick", "contract_sha256": "c", "shard": None,
            "target": {"endpoint": "http://t/x"}, "started_at": "2026-12-04T00:00:00+00:00",
            "duration_s": 1.0, "planned": planned,
            "checks": [{"id": cid, "title": cid, "level": "MUST", "family": "addMessage",
                        "class": "core", "clause": "c", "status": status, "examples": 1}
                       for cid, status in checks],
            "sessions": {"opened": opened, "closed": opened, "sessions": [{"n": opened}],
                         "subscription": {"how": "allocated" if opened == 3 else None}}}


def test_merged_document_follows_the_sessions_order_and_adds_up() -> None:
    planned = ["AM-STATUS", "AM-NOTIFY-TRUE", "AM-SLEVEL"]
    merged = distributed.merged_document([
        ("gw10", document([], planned, 0)),
        ("gw1", document([("AM-SLEVEL", "failed"), ("AM-STATUS", "passed")], planned, 2)),
        ("gw0", document([("AM-NOTIFY-TRUE", "passed")], planned, 3)),
        ("gw2", document([], planned, 0))])
    assert [c["id"] for c in merged["checks"]] == planned
    assert merged["verdict"] == "nonconformant" and merged["counts"]["failed"] == 1
    assert merged["sessions"]["opened"] == 5 and len(merged["sessions"]["sessions"]) == 4
    assert merged["sessions"]["subscription"] == {"how": "allocated"}  # the observer's
    assert "planned" not in merged
    assert [m["worker"] for m in merged["merged_from"]] == ["gw0", "gw1", "gw2", "gw10"]


def test_workers_of_one_shard_merge_into_that_shards_document() -> None:
    planned = ["AM-STATUS", "AM-SLEVEL"]
    shard = {"index": 2, "total": 3, "of": ["AM-WSDL", *planned], "slices": {}}
    merged = distributed.merged_document([
        (worker, {**document([(check, "passed")], planned, 1), "shard": shard})
        for worker, check in (("gw0", "AM-STATUS"), ("gw1", "AM-SLEVEL"))])
    assert merged["shard"] == shard  # for `conformance merge` of the shards, as ever
    assert [c["id"] for c in merged["checks"]] == planned and merged["verdict"] == "conformant"


def test_a_check_whose_worker_stopped_is_an_error_not_left_out() -> None:
    planned = ["AM-STATUS", "AM-NOTIFY-TRUE", "AM-SLEVEL"]
    merged = distributed.merged_document([
        ("gw0", document([("AM-NOTIFY-TRUE", "passed")], planned, 3)),
        ("gw1", document([("AM-STATUS", "passed")], planned, 2))])  # AM-SLEVEL never came
    assert [(c["id"], c["status"]) for c in merged["checks"]] == [
        ("AM-STATUS", "passed"), ("AM-NOTIFY-TRUE", "passed"), ("AM-SLEVEL", "error")]
    assert merged["checks"][2]["reason"] == distributed.LOST
    assert merged["verdict"] == "error" and merged["counts"]["error"] == 1
    assert [m["worker"] for m in merged["merged_from"]] == ["gw0", "gw1"]


def test_junit_testcases_are_put_in_the_sessions_order(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    root = etree.Element("testsuites")
    suite = etree.SubElement(root, "testsuite")
    etree.SubElement(suite, "properties")
    for name in ("test_check[B]", "other", "test_check[C]", "test_check[A]"):
        etree.SubElement(suite, "testcase", name=name)
    etree.ElementTree(root).write(str(path))
    distributed.reorder_junit(path, ["A", "B", "C"])
    assert [child.get("name") or child.tag for child in etree.parse(str(path)).getroot()[0]] == [
        "properties", "test_check[A]", "test_check[B]", "test_check[C]", "other"]


# what each worker does at its start -----------------------------------------------------------
def test_each_worker_numbers_its_mail_recipients_apart() -> None:
    from conformance.suite.workers import WORKER_TAGS

    def on(worker: str | None) -> Any:
        return SimpleNamespace(**({} if worker is None else {"workerinput": {
            "workerid": worker}}))

    bases = [distributed.tag_base(on(w)) for w in (None, "gw0", "gw1", "gw7")]
    assert bases == [0, 0, WORKER_TAGS, 7 * WORKER_TAGS]


def test_a_worker_waits_for_the_observers_capture_to_listen() -> None:
    import threading
    import time

    from conformance.suite.smtp_capture import SmtpCapture

    port = free_port()
    capture = SmtpCapture("127.0.0.1", port)
    opened = threading.Timer(0.5, capture.start)
    started = time.monotonic()
    opened.start()
    try:
        assert distributed.await_capture(f"127.0.0.1:{port}", timeout=20)
        assert time.monotonic() - started >= 0.5  # not before it listened
    finally:
        opened.join()
        capture.stop()
    assert not distributed.await_capture(f"127.0.0.1:{free_port()}", timeout=0.3)
