"""Parallel workers (``--workers N``, suite/workers.py) against the real reference target:
the same outcomes, in the same order, as a serial run with the same seed; faults are still
caught; each worker has its own sessions and tickets; the shared notification stream hands
every worker the notes about its own tickets; the mail-reading checks are known; and a CLI
run with two workers writes results, JUnit and report in the serial order."""

from __future__ import annotations

import ast
import inspect
import io
import subprocess
import sys
import textwrap
import threading
import time
import tokenize
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from suite_runs import cli_run, in_junit_order

from conformance.contract import CANONICAL_WSDL
from conformance.suite import provisional, runner, workers
from conformance.suite.catalogue import all_checks, select
from conformance.suite.checks.extensions import MAILED
from conformance.suite.config import PROFILES, SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.outcome import run_check
from conformance.suite.provisional import run_in_order

# A notification check, a mail reader (runs first, on the main context), a reader of the
# capture's view (after it), and two checks that only use their own tickets.
CHECKS = ["AM-NOTIFY-TRUE", "AM23-MAIL", "AM-ERR-NO-CHANGE", "AM-STATUS", "AM-SLEVEL"]
ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def context(faults: list[str] | None = None) -> Iterator[RunContext]:
    with runner.embedded_target(faults or []) as embedded:
        config = SuiteConfig(endpoint="", wsdl=str(CANONICAL_WSDL), user="", password="",
                             owner_user="", owner_password="", owner_id="",
                             profile=PROFILES["quick"], seed=7, faults=faults or [])
        runner.embedded_config(config, embedded.target.endpoint)
        state = runner.prepare(config, embedded.capture)
        assert state.context is not None
        yield state.context


def summary(outcomes: list) -> list[tuple[str, str, int]]:
    return [(o.id, o.status, o.examples) for o in outcomes]


def test_two_workers_give_the_serial_outcomes_in_the_serial_order() -> None:
    checks = select(CHECKS)
    with context() as ctx:
        serial = [run_check(ctx, check, None, "") for check in checks]
        serial_inputs = list(ctx.inputs)
    with context() as ctx:
        before = ctx.recorder.total
        parallel = workers.run_parallel(ctx, checks, 2, lambda cid: f"replay {cid}")
        assert set(parallel) == set(CHECKS)
        ordered = [parallel[c.id] for c in checks]
        assert summary(ordered) == summary(serial)
        assert all(o.status == "passed" for o in ordered), summary(ordered)
        assert ctx.inputs == serial_inputs  # the input mix, merged in the serial order
        assert ctx.recorder.total > before and ctx.notification_hub is None
        assert len(set(ctx.session_keys)) >= 4  # the second worker's own sessions


def test_faults_are_still_caught_with_workers() -> None:
    checks = select(["AM-NOTIFY-TRUE", "AM-STATUS", "AM-SLEVEL"])
    with context(["notify-twice"]) as ctx:
        outcomes = workers.run_parallel(ctx, checks, 2, lambda cid: f"replay {cid}")
    assert outcomes["AM-NOTIFY-TRUE"].status == "failed"
    assert outcomes["AM-STATUS"].status == "passed"
    assert outcomes["AM-NOTIFY-TRUE"].failure["replay"] == "replay AM-NOTIFY-TRUE"


def test_a_mail_fault_gives_the_serial_findings_with_workers() -> None:
    # AM-STATUS and AM-MESSAGE-LISTED mail as well while AM23-MAIL shrinks its failure:
    # their mail must not change how long AM23-MAIL looks, nor so what it finds
    checks = select(["AM23-MAIL", "AM-STATUS", "AM-MESSAGE-LISTED"])
    with context(["mail-drops-cc"]) as ctx:
        ctx.config.shrink_time = 120.0  # a busy machine's slower shrinking stops alike
        serial = list(run_in_order(ctx, checks, lambda cid: "").values())
    with context(["mail-drops-cc"]) as ctx:
        ctx.config.shrink_time = 120.0
        parallel = workers.run_parallel(ctx, checks, 2, lambda cid: "")
    assert summary([parallel[c.id] for c in checks]) == summary(serial)
    assert serial[0].status == "failed" and serial[0].examples > 1


def test_the_hub_gives_each_worker_the_notes_about_its_tickets() -> None:
    with context() as main:
        other = workers.worker_context(main)
        assert other.agent_key not in (main.agent_key, "") and other.client is not main.client
        hub = workers.NotificationHub([main, other])
        main.notification_hub = other.notification_hub = hub
        main.owner_notifications()  # drain
        mine, theirs = main.new_ticket("hub main"), other.new_ticket("hub other")
        for ctx, ticket in ((main, mine), (other, theirs)):
            ctx.expect_ok(ctx.client.call(
                "addMessage", "subject", sessionKey=ctx.agent_key, messageBody="n",
                ticketId=ticket, sLevel="1", attachmentIds={}, sendNotification=True),
                "addMessage")
        seen_by_main = {n["ticketId"] for n in main.owner_notifications()}
        assert seen_by_main == {mine}
        assert {n["ticketId"] for n in other.owner_notifications()} == {theirs}
        assert main.owner_notifications() == [] and other.owner_notifications() == []


def _code(function: Any) -> str:
    """A function's source without its comments and strings."""
    tokens = tokenize.generate_tokens(io.StringIO(
        textwrap.dedent(inspect.getsource(function))).readline)
    return " ".join(t.string for t in tokens
                    if t.type not in (tokenize.COMMENT, tokenize.STRING))


def _names(code: types.CodeType) -> set[str]:
    """The global and attribute names a code object and the functions in it use."""
    names = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            names |= _names(const)
    return names


def _reaches(function: Any, words: tuple[str, ...], seen: set[Any] | None = None) -> bool:
    """Whether ``function``, or a function of the suite it calls (by name, or as an
    attribute of a module of the suite's), however deep, has one of ``words`` in its
    code."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(function)
    if function in seen or not inspect.isfunction(function):
        return False
    seen.add(function)
    try:
        code = _code(function)
    except OSError:  # made at run time (no source): what it calls is found from its maker
        code = ""
    if any(word in code for word in words):
        return True
    names = _names(function.__code__)
    found = [function.__globals__.get(name) for name in names]
    found += [cell.cell_contents for cell in function.__closure__ or ()]
    found += [getattr(module, name, None) for module in found if inspect.ismodule(module)
              and module.__name__.startswith("conformance.") for name in names]
    return any(_reaches(f, words, seen) for f in found
               if inspect.isfunction(f) and f.__module__.startswith("conformance."))


def test_every_check_that_reads_the_mail_capture_is_known() -> None:
    # through any helper of the suite's, however deep (not comments or strings)
    checks = {c.id: c.run for c in all_checks()}
    clearing = {cid for cid, run in checks.items() if _reaches(run, ("capture . clear",))}
    assert clearing and clearing <= workers.OBSERVE_MAIL  # wait for mail, clear the view
    reading = {cid for cid, run in checks.items() if _reaches(run, ("capture",))}
    assert reading <= workers.VIEW_READERS | workers.OBSERVE_MAIL
    assert workers.VIEW_READERS <= reading - clearing  # they read, and never clear
    assert not workers.VIEW_READERS & workers.OBSERVE_MAIL


def test_the_mail_checks_run_first_beside_the_checks_that_read_no_mail(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the other worker runs AM-STATUS while the main context runs AM23-MAIL first; the
    # check reading the capture's view (AM-ERR-NO-CHANGE) begins only after AM23-MAIL
    spans: dict[str, list[tuple[float, float]]] = {}

    def timed(module: Any) -> None:
        real = module.run_check

        def run(ctx: RunContext, check: Any, *args: Any) -> Any:
            started = time.monotonic()
            try:
                return real(ctx, check, *args)
            finally:
                spans.setdefault(check.id, []).append((started, time.monotonic()))
        monkeypatch.setattr(module, "run_check", run)

    timed(workers)
    timed(provisional)
    checks = select(["AM23-MAIL", "AM-ERR-NO-CHANGE", "AM-STATUS"])
    with context() as ctx:
        outcomes = workers.run_parallel(ctx, checks, 2, lambda cid: f"replay {cid}")
    assert {o.status for o in outcomes.values()} == {"passed"}, {
        cid: o.failure for cid, o in outcomes.items()}
    (mail_began, mail_ended), = spans["AM23-MAIL"]  # run once: no mail came late
    (status_began, status_ended), = spans["AM-STATUS"]
    (view_began, _view_ended), = spans["AM-ERR-NO-CHANGE"]
    assert status_began < mail_ended and mail_began < status_ended  # side by side
    assert view_began >= mail_ended


def test_cli_run_with_two_workers_reports_in_the_serial_order(tmp_path: Path) -> None:
    order = ["AM-SLEVEL", "AM-NOTIFY-FALSE", "AM-STATUS"]
    done, data, junit = cli_run(tmp_path, order, "--seed", "5", "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [c["id"] for c in data["checks"]] == order and data["verdict"] == "conformant"
    assert in_junit_order(junit, order)
    assert (tmp_path / "report.html").is_file()
    bad = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", "quick",
                          "--workers", "0", "--report-dir", str(tmp_path)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert bad.returncode == 2 and "--workers 0" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_worker_shares_the_runs_limits_and_sessions_and_is_logged_out() -> None:
    with context() as main:
        other = workers.worker_context(main, 1)
        assert other.client.guard is main.client.guard  # one --max-time, one failure count
        assert other.discovery == main.discovery and other.coverage is main.coverage
        assert other.sessions is main.sessions and other.agent_key in main.sessions.open_keys()
        main.teardown()
        assert main.sessions.open_keys() == []
        assert other.client.call("getTicket", sessionKey=other.agent_key,
                                 ticketId="1", ticketFields={"item": ["ticket.id"]}
                                 ).error_code == "5"  # the worker's session is logged out


def test_each_worker_tags_the_mail_recipients_of_its_own_examples() -> None:
    # mail is attributed to an example by its recipients (observe.tag_recipients): a late
    # copy of a worker's call must never be taken for the main context's, nor the reverse
    example = MAILED[0]
    with context() as main:
        contexts = [main, workers.worker_context(main, 1), workers.worker_context(main, 2)]
        sent = [tuple(ctx.prepare(example).params["To"]["item"]) for ctx in contexts
                for _ in range(2)]
        assert len(set(sent)) == len(sent), sent


def test_while_workers_run_ast_parse_runs_in_one_thread_at_a_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    active, most = [0], [0]

    def slow_parse(source: str) -> str:  # stands for the AST constructor, which races
        active[0] += 1
        most[0] = max(most[0], active[0])
        time.sleep(0.05)
        active[0] -= 1
        return source

    monkeypatch.setattr(ast, "parse", slow_parse)
    with workers.one_parse_at_a_time():
        threads = [threading.Thread(target=ast.parse, args=("x = 1",)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    given_back = ast.parse is slow_parse
    monkeypatch.undo()  # pytest itself parses to report a failure
    assert most[0] == 1 and given_back  # one at a time; the real one given back after


def test_an_interrupt_stops_the_workers_before_the_run_gives_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C while the main context runs the mail checks first (or waits for the others):
    # the workers finish the check in hand and take no other, before the run is left
    def interrupted(_run: Any) -> list[str]:
        time.sleep(0.2)  # the other worker is in a check by now
        raise KeyboardInterrupt

    monkeypatch.setattr(provisional.SerialRun, "run_ahead", interrupted)
    checks = select(["AM23-MAIL", "AM-STATUS", "AM-SLEVEL", "AM-NOTIFY-FALSE"])
    parse = ast.parse
    with context() as ctx, pytest.raises(KeyboardInterrupt):
        workers.run_parallel(ctx, checks, 2, lambda cid: "")
    assert not [t.name for t in threading.enumerate() if t.name.startswith("worker-")]
    assert ctx.notification_hub is None and ast.parse is parse
