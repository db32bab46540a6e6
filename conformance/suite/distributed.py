"""The suite under pytest-xdist (``pytest -n N``): which worker observes the owner's
notifications and the mail, how the checks are shared out, and the one results document
made of the workers' own.

The port allows one notification subscriber per user (ticket-port.md,
allocUserNotifications: errorCode 26 for a second one), and the SMTP capture listens on one
port. So one worker, the observer (``gw0``), subscribes and runs the capture, as a serial
session does from its start, and every check that reads either runs there: they are one
work unit of :class:`ObserverScheduling`, always given to the observer. Every other check
is a unit of its own, given to whichever worker is free. The other workers neither
subscribe nor listen; a check that reads notifications there (only if the observer died)
is skipped, saying why.

Each worker logs in sessions of its own and creates its own tickets, draws each check's
examples from the run's seed (the controller picks it when ``--seed`` is not given, and
gives it to every worker), and hands its results document to the controller at its end
(``workeroutput``). The controller merges them as shards are merged (merge.py) into the
results.json a serial session with the same seed writes: each check once, in the
session's order, the verdict and counts computed again from them; and puts the testcases
of pytest's JUnit file back into that order too.
"""

from __future__ import annotations

import json
import random
import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conformance.suite import merge
from conformance.suite.catalogue import select
from conformance.suite.needs import NEEDS
from conformance.suite.outcome import ERROR, Outcome
from conformance.suite.workers import OBSERVE_MAIL, VIEW_READERS, WORKER_TAGS

OBSERVER_WORKER = "gw0"
OBSERVER_SCOPE = "conformance: the checks that read notifications or mail"
OBSERVER_CHECKS = frozenset(NEEDS["notifications"] or ()) | OBSERVE_MAIL | VIEW_READERS
# How long a worker that does not observe waits for the observer's SMTP capture to listen
# before it sends its first request (a target may mail on any addMessage2/3 call).
CAPTURE_WAIT_S = 30.0
RESULTS_KEY = "conformance_results"  # of a worker's workeroutput: its results document
ORDER_KEY = "conformance_order"  # and the session's checks in order
SEED_KEY = "conformance_seed"
SUITE_MODULE = "conformance.suite.test_conformance"
NOT_OBSERVED_HERE = (f"the owner's notifications are read by pytest-xdist worker "
                     f"{OBSERVER_WORKER}, which runs the checks that read them; this "
                     "check was sent to another worker")


def worker_id(config: pytest.Config) -> str | None:
    """This process's pytest-xdist worker id (``gw0``...), or None off a worker."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput.get("workerid"))


def observes(config: pytest.Config) -> bool:
    """Whether this session subscribes to the notifications and runs the SMTP capture: a
    session off pytest-xdist, or its observer worker."""
    return worker_id(config) in (None, OBSERVER_WORKER)


def tag_base(config: pytest.Config) -> int:
    """Where this worker numbers its examples' mail recipients from (observe.
    tag_recipients): ``gwN`` from N * WORKER_TAGS, so that the observer never takes
    another worker's mail for its own examples' (0 off a worker)."""
    worker = worker_id(config) or "gw0"
    number = worker.removeprefix("gw")
    return int(number) * WORKER_TAGS if number.isdigit() else 0


def await_capture(address: str, timeout: float = CAPTURE_WAIT_S) -> bool:
    """Wait until the observer's SMTP capture at ``HOST:PORT`` takes connections (as in a
    serial session, where it listens before the first request); False if it never did."""
    host, _, port = address.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host.strip("[]")
    deadline = time.monotonic() + timeout
    pause = 0.02
    while True:
        try:
            with socket.create_connection((host, int(port)), timeout=1.0) as connection:
                connection.recv(512)  # the capture's greeting: it is serving
            return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 2, 0.5)


def distributes(config: pytest.Config) -> bool:
    """Whether this is the controller of a pytest-xdist session that runs the suite (its
    workers are started: ``-n N``, ``--dist``)."""
    return (worker_id(config) is None and config.pluginmanager.hasplugin("xdist")
            and config.getoption("dist", "no") != "no" and runs_the_suite(config))


def controller_setup(config: pytest.Config, seed: int | None, workers: int,
                     differential: str | None) -> None:
    """On the controller: refuse what does not combine with pytest-xdist, pick the run's
    seed, and take the controller's hooks."""
    if workers > 1:
        raise pytest.UsageError(f"--workers {workers} and pytest-xdist's -n do the same "
                                "thing: use one of them")
    if differential:
        raise pytest.UsageError("--differential compares the run's first inputs with the "
                                "reference: it runs under `conformance run` or plain "
                                "pytest, not under pytest-xdist")
    config.stash[CONTROLLER_SEED_KEY] = run_seed(config, seed)
    config.pluginmanager.register(sys.modules[__name__], "conformance-xdist")


def runs_the_suite(config: pytest.Config) -> bool:
    """Whether the session's arguments name the suite's test module."""
    for arg in config.args:
        name = arg.split("::", 1)[0].removesuffix(".py").replace("\\", "/")
        if name.replace("/", ".").endswith(SUITE_MODULE) or name == SUITE_MODULE:
            return True
    return False


def run_seed(config: pytest.Config, given: int | None) -> int:
    """The seed of the run: given, else the controller's, else a new one."""
    if given is not None:
        return given
    workerinput = getattr(config, "workerinput", None) or {}
    if SEED_KEY in workerinput:
        return int(workerinput[SEED_KEY])
    return random.randrange(2**31)


def check_of(nodeid: str) -> str | None:
    """The check id of a test of the suite (``...::test_check[AM-STATUS]``; the path before
    it is empty when the module is outside the rootdir, as with ``--pyargs``)."""
    _, found, param = nodeid.rpartition("::test_check[")
    return param.removesuffix("]") if found else None


def scheduler(config: pytest.Config, log: Any) -> Any:
    """The scheduler of a session that runs the suite (see the module's docstring)."""
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class ObserverScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """LoadScope with two scopes: the observer's checks together, every other test
        alone; the observer's unit goes to the observer worker only (to another one
        only when the observer is gone)."""

        def _split_scope(self, nodeid: str) -> str:
            return OBSERVER_SCOPE if check_of(nodeid) in OBSERVER_CHECKS else nodeid

        def schedule(self) -> None:
            if self.collection is None:  # the observer first: given work first, and never
                for node in [n for n in self.assigned_work if not _is_observer(n)]:
                    self.assigned_work[node] = self.assigned_work.pop(node)  # shut as extra
            super().schedule()

        def _assign_work_unit(self, node: Any) -> None:
            if OBSERVER_SCOPE in self.workqueue:
                if _is_observer(node) or not any(_is_observer(n) for n in self.nodes):
                    self.workqueue.move_to_end(OBSERVER_SCOPE, last=False)
                elif len(self.workqueue) == 1:  # left for the observer: this one is done
                    if not self._pending_of(self.assigned_work[node]):
                        node.shutdown()
                    return
                else:
                    self.workqueue.move_to_end(OBSERVER_SCOPE)
            super()._assign_work_unit(node)

    return ObserverScheduling(config, log)


def _is_observer(node: Any) -> bool:
    return bool(node.workerinput.get("workerid") == OBSERVER_WORKER)


LOST = "the pytest-xdist worker that ran this check stopped before it reported it"


def worker_document(document: dict[str, Any], planned: list[str]) -> dict[str, Any]:
    """What a worker hands to the controller: its (redacted) results document, as JSON
    data, with the session's planned order of checks."""
    data: dict[str, Any] = json.loads(json.dumps(document))
    data["planned"] = list(planned)
    return data


def merged_document(documents: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The results document of a session from its workers' documents, ``(worker id,
    document)``: merged as shards (merge.py), every check once, in the session's order."""
    documents = sorted(documents, key=lambda item: (  # gw0, gw1, ..., gw10: by number
        len(item[0]), item[0]))
    shard = documents[0][1].get("shard")  # the same on each worker: the run's shard
    planned = documents[0][1].get("planned") or []
    unsharded = [(name, {**doc, "shard": None}) for name, doc in documents]
    ran = {c["id"] for _, doc in documents for c in doc.get("checks", [])}
    missing = [check_id for check_id in planned if check_id not in ran]
    lost = [Outcome(check.id, check.title, check.level, check.family,
                    check.conformance_class, check.clause, status=ERROR, reason=LOST
                    ).to_dict() for check in (select(missing) if missing else [])]
    if lost:  # a worker stopped before it handed back the outcomes of its checks
        unsharded.append(("lost", {**unsharded[0][1], "checks": lost,
                                   "requests": {}, "created": {}, "generated": {}}))
    document = merge.merge_documents(unsharded, order=planned)
    document["shard"] = shard
    document.pop("planned", None)
    document["merged_from"] = [  # each worker, and how it reads the notifications
        {"worker": name, "duration_s": doc.get("duration_s"),
         "subscription": ((doc.get("sessions") or {}).get("subscription") or {}).get("how")}
        for name, doc in documents]
    sessions = [doc["sessions"] for _, doc in documents if doc.get("sessions")]
    if sessions:
        document["sessions"] = {
            **sessions[0], "opened": sum(s.get("opened", 0) for s in sessions),
            "closed": sum(s.get("closed", 0) for s in sessions),
            "sessions": [r for s in sessions for r in s.get("sessions", [])]}
    return document


def reorder_junit(path: Path, planned: list[str]) -> None:
    """The testcases of pytest's JUnit file in the session's order of checks (under xdist
    they come in the order they finished); other testcases after them, as they were."""
    if not path.is_file() or not planned:
        return
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    order = {check_id: n for n, check_id in enumerate(planned)}
    for suite in tree.iter("testsuite"):
        cases = [child for child in suite if child.tag == "testcase"]
        if not cases:
            continue
        first = suite.index(cases[0])
        for case in cases:
            suite.remove(case)
        ranked = sorted(cases, key=lambda case: order.get(
            str(case.get("name", "")).removeprefix("test_check[").rstrip("]"), len(order)))
        for offset, case in enumerate(ranked):
            suite.insert(first + offset, case)
    tree.write(str(path), xml_declaration=True, encoding="utf-8")


# the controller's hooks (registered by plugin.py when pytest-xdist runs the session) ------
DOCUMENTS_KEY = pytest.StashKey[list[tuple[str, dict[str, Any]]]]()
ORDER_STASH = pytest.StashKey[list[str]]()
CONTROLLER_SEED_KEY = pytest.StashKey[int]()


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    return scheduler(config, log) if runs_the_suite(config) else None


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Every worker draws from the controller's seed (one run, one seed)."""
    seed = node.config.stash.get(CONTROLLER_SEED_KEY, None)
    if seed is not None:
        node.workerinput[SEED_KEY] = seed


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object | None) -> None:
    """Keep what the worker handed back: the session's order, its results document."""
    output = getattr(node, "workeroutput", None) or {}
    if output.get(ORDER_KEY):
        node.config.stash.setdefault(ORDER_STASH, list(output[ORDER_KEY]))
    if output.get(RESULTS_KEY) is not None:
        node.config.stash.setdefault(DOCUMENTS_KEY, []).append(
            (str(node.workerinput.get("workerid")), output[RESULTS_KEY]))


def worker_documents(config: pytest.Config) -> list[tuple[str, dict[str, Any]]]:
    return config.stash.get(DOCUMENTS_KEY, [])


def session_order(config: pytest.Config) -> list[str]:
    """The checks of the session, in order, as the workers collected them."""
    return config.stash.get(ORDER_STASH, [])
