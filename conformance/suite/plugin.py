"""The pytest plugin (``pytest11`` entry point ``conformance``): options for the target,
the session-wide run context, one test per selected check (``test_conformance.py``),
failure details for pytest-html, and results.json at the end of the session.

Run it directly with ``pytest --pyargs conformance.suite.test_conformance --endpoint URL``
or through ``conformance run`` (which also starts the embedded reference target)."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conformance.contract import CANONICAL_WSDL, ContractError, load_contract
from conformance.suite import baseline, config_file, distributed, results, settings
from conformance.suite.catalogue import select
from conformance.suite.ci import configure, parse_shard, shard_checks
from conformance.suite.client import (
    ClientConfig,
    Recorder,
    TargetClient,
    TargetError,
)
from conformance.suite.config import (
    ENV_OWNER_ID,
    ENV_OWNER_PASSWORD,
    ENV_OWNER_USER,
    ENV_PASSWORD,
    ENV_USER,
    PROFILES,
    SuiteConfig,
    from_env,
    transport_config,
)
from conformance.suite.context import RunContext
from conformance.suite.fetch import local_wsdl
from conformance.suite.outcome import (
    FAILED,
    SETUP_CHECK,
    Outcome,
    Redactor,
    exchange_record,
    run_check,
)
from conformance.suite.provisional import SerialRun
from conformance.suite.replay_command import replay_command as build_replay_command
from conformance.suite.replay_command import secret_env
from conformance.suite.slices import slice_count

if TYPE_CHECKING:
    import pluggy


def pytest_addoption(parser: pytest.Parser) -> None:
    """The table's options for the plugin (conformance/suite/settings.py), and the one
    option local to it: where results.json goes (``conformance run`` has --report-dir)."""
    group = parser.getgroup("conformance", "addMessage conformance suite (target options)")
    for option in settings.rows(settings.PYTEST):
        flags, kwargs = settings.declare(option, settings.PYTEST)
        kwargs["default"] = None  # not given: the environment, the file, then the default
        group.addoption(*flags, **kwargs)
    group.addoption("--results-json", metavar="PATH", help="write results.json there")
    group.addoption("--conformance-config", metavar="PATH",
                    help="the configuration file (default: conformance.toml, else "
                         "[tool.conformance] of pyproject.toml, in the current directory)")


SETTINGS_KEY = pytest.StashKey[dict[str, Any]]()


def dest_on_pytest(row: settings.Option) -> str:
    """Where pytest keeps ``row``'s value (its flag there may differ: --request-timeout)."""
    return row.flags(settings.PYTEST)[0].lstrip("-").replace("-", "_")


def option(opts: pytest.Config, dest: str) -> Any:
    """A setting of the plugin: its option when given, else ``CONFORMANCE_<KEY>``, else
    the configuration file, else its default (suite/config_file.py). Settled once, when
    first asked for: only a session that runs the suite reads a file."""
    if SETTINGS_KEY not in opts.stash:
        # the whole table: a file for `conformance run` is valid here too (its keys the
        # plugin has no option for, report-dir say, are left to `conformance run`)
        rows = {dest_on_pytest(o) if settings.PYTEST in o.on else dest: o
                for dest, o in settings.table().items()}
        given = {dest_on_pytest(o): opts.getoption(dest_on_pytest(o))
                 for o in settings.rows(settings.PYTEST)}
        try:
            merged = config_file.settle(
                given, rows,
                {dest: o.default_on(settings.PYTEST) for dest, o in rows.items()},
                opts.getoption("conformance_config"), opts.invocation_params.dir)
        except config_file.ConfigFileError as exc:
            raise pytest.UsageError(str(exc)) from None
        opts.stash[SETTINGS_KEY] = {d: v for d, v in merged.values.items() if d in given}
    values = opts.stash[SETTINGS_KEY]
    return values[dest] if dest in values else opts.getoption(dest)


@dataclass
class SuiteState:
    """What a session collects; injected by ``conformance run`` or built from options."""

    config: SuiteConfig | None = None
    capture: Any = None
    target_info: dict[str, Any] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    context: RunContext | None = None
    setup_error: str | None = None
    redactor: Redactor = field(default_factory=Redactor)
    started: float = field(default_factory=time.perf_counter)
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(
        timespec="seconds"))
    replay_base: str = "conformance replay"
    detection: dict[str, Any] | None = None  # the fault catalogue's score, when asked
    parallel: dict[str, Outcome] | None = None  # --workers: every check's outcome
    planned: list[str] = field(default_factory=list)  # the session's checks, in order
    # the checks of the tests this session runs, in their order (empty: not known, as on a
    # pytest-xdist worker): its mail checks run first, provisionally (suite/provisional.py)
    ordered: list[str] = field(default_factory=list)
    # on a pytest-xdist worker: the checks of every worker's session, in order
    collected: list[str] = field(default_factory=list)
    serial: SerialRun | None = None  # how this session runs its checks, without --workers
    # Work to run in the session after the checks, before results.json: Hypothesis runs
    # there once its pytest plugin is loaded (run before, it warns of a side effect).
    at_finish: list[Callable[[], None]] = field(default_factory=list)
    progress: Any = None  # told when each check starts and ends (cli/progress.py)
    differential: str | None = None  # issue 14: "advisory" | "fail" | None (off)
    # A contract breach of the target during setup: AM-SCHEMA's failure record (runner.py).
    setup_failure: dict[str, Any] | None = None

    def stopped_reason(self) -> str | None:
        """Why the transport guard stopped sending (timeouts, resets, --max-time), if it did."""
        return self.context.client.guard.stopped if self.context is not None else None


STATE_KEY = pytest.StashKey[SuiteState]()


def pytest_configure(config: pytest.Config) -> None:
    injected = config.pluginmanager.get_plugin("conformance-run")
    config.stash[STATE_KEY] = injected.state if injected is not None else SuiteState()
    if distributed.distributes(config):  # pytest-xdist's controller: see distributed.py
        distributed.controller_setup(config, option(config, "seed"), option(config, "workers"),
                                     option(config, "differential"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check_id" not in metafunc.fixturenames or (
            metafunc.module.__name__.rpartition(".")[2] != "test_conformance"):
        return
    state = metafunc.config.stash[STATE_KEY]
    try:
        checks = planned_checks(metafunc.config, state)
    except pytest.UsageError as exc:  # a collection error here: said once collection ends
        metafunc.config.stash[USAGE_KEY] = str(exc)
        checks = []
    state.planned = [c.id for c in checks]  # --workers runs these on its threads
    metafunc.parametrize("check_id", state.planned, ids=state.planned)


USAGE_KEY = pytest.StashKey[str]()


def planned_checks(opts: pytest.Config, state: SuiteState) -> list[Any]:
    """The session's checks, in order (the selection, this runner's shard of it)."""
    wanted = state.config.checks if state.config else option(opts, "check")
    try:
        checks = select(list(wanted))
        if state.config is None and option(opts, "shard"):
            checks = select(shard_checks(list(wanted), parse_shard(option(opts, "shard")),
                                         slice_count(PROFILES[option(opts, "profile")])))
    except KeyError as exc:
        raise pytest.UsageError(str(exc.args[0])) from None
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    if state.setup_failure is not None and SETUP_CHECK not in [c.id for c in checks]:
        checks = [*select([SETUP_CHECK]), *checks]  # the breach found at setup is reported
    return checks


def pytest_collection_modifyitems(config: pytest.Config) -> None:
    """A bad setting found while collecting: one line and pytest's usage error (exit 4),
    as for a bad option."""
    if USAGE_KEY in config.stash:
        raise pytest.UsageError(config.stash[USAGE_KEY])


def pytest_collection_finish(session: pytest.Session) -> None:
    """Note the checks of the tests that will run, in order (after -k and the like); on a
    pytest-xdist worker, which runs only the tests it is sent, as the session's order."""
    state = session.config.stash[STATE_KEY]
    calls = [getattr(item, "callspec", None) for item in session.items]
    checks = [call.params["check_id"] for call in calls
              if call is not None and "check_id" in call.params]
    if hasattr(session.config, "workerinput"):
        state.collected = checks
        return
    state.ordered = checks


def config_from_options(opts: pytest.Config) -> SuiteConfig:
    """A SuiteConfig from pytest options and environment variables."""
    def get(name: str) -> Any:
        return option(opts, name)

    endpoint = get("endpoint")
    if not endpoint:
        raise pytest.UsageError("--endpoint is required (or endpoint in conformance.toml; "
                                "or use `conformance run`, which starts the embedded "
                                "reference target)")
    required = {
        "--user": from_env(get("user"), ENV_USER),
        "--password": from_env(get("password"), ENV_PASSWORD),
        "--owner-user": from_env(get("owner_user"), ENV_OWNER_USER),
        "--owner-password": from_env(get("owner_password"), ENV_OWNER_PASSWORD),
    }
    missing = [k for k, v in required.items() if not v]
    if missing:
        raise pytest.UsageError(f"missing {', '.join(missing)} (options or environment)")
    return SuiteConfig(
        endpoint=endpoint, wsdl=get("wsdl") or str(CANONICAL_WSDL),
        user=required["--user"], password=required["--password"],  # type: ignore[arg-type]
        owner_user=required["--owner-user"],  # type: ignore[arg-type]
        owner_password=required["--owner-password"],  # type: ignore[arg-type]
        owner_id=from_env(get("owner_id"), ENV_OWNER_ID) or "",  # "": discovered
        profile=PROFILES[get("profile")],
        seed=distributed.run_seed(opts, get("seed")),  # pytest-xdist: the controller's
        checks=list(get("check")), client=client_config(opts, endpoint),
        smtp_capture=get("smtp_capture"),
        category=get("ticket_category") or "", reply_template=get("reply_template") or "",
        max_body_bytes=positive_limit(get("max_body_bytes")),
        settle_time=get("settle_time"), workers=workers(get("workers")))


def workers(value: int) -> int:
    """--workers must be 1 or more."""
    if value < 1:
        raise pytest.UsageError(f"--workers {value}: expected 1 or more")
    return value


def positive_limit(value: int | None) -> int | None:
    """--max-body-bytes must be a positive number of bytes."""
    if value is not None and value < 1:
        raise pytest.UsageError(f"--max-body-bytes {value}: expected a positive number")
    return value


def ci_from_options(opts: pytest.Config, config: SuiteConfig) -> None:
    """Example database, shard and baseline from the options (see ``suite/ci.py``)."""
    results_json = option(opts, "results_json")
    example_db = option(opts, "example_db") or ("default" if results_json else "none")
    try:
        configure(config, report_dir=Path(results_json).parent if results_json else Path(),
                  example_db=example_db,
                  readonly=option(opts, "example_db_readonly"),
                  shard=option(opts, "shard"), baseline=option(opts, "baseline"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def client_config(opts: pytest.Config, endpoint: str) -> ClientConfig:
    try:
        config = transport_config(
            endpoint, timeout=option(opts, "request_timeout"),
            retries=option(opts, "retries"), rate_limit=option(opts, "rate_limit"),
            rate_limit_max_wait=option(opts, "rate_limit_max_wait"),
            headers=option(opts, "header"), basic_auth=option(opts, "basic_auth"),
            client_cert=option(opts, "client_cert"),
            client_key=option(opts, "client_key"), ca_bundle=option(opts, "ca_bundle"),
            follow_redirects=option(opts, "follow_redirects"),
            max_response_bytes=option(opts, "max_response_bytes"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.max_failures = max(0, option(opts, "max_transport_failures"))
    config.max_time = max(0.0, option(opts, "max_time"))
    return config


@pytest.fixture(scope="session")
def conformance_state(request: pytest.FixtureRequest) -> Iterator[SuiteState]:
    state = request.config.stash[STATE_KEY]
    if state.config is None:
        state.config = config_from_options(request.config)
        ci_from_options(request.config, state.config)
        capture_at = option(request.config, "smtp_capture")
        if capture_at and distributed.observes(request.config):  # xdist: one worker listens
            from conformance.suite.smtp_capture import SmtpCapture

            host, _, port = capture_at.rpartition(":")
            state.capture = SmtpCapture(host or "127.0.0.1", int(port)).start()
        elif capture_at:  # another pytest-xdist worker: not before the observer listens
            distributed.await_capture(capture_at)
    config = state.config
    if request.config.getoption("results_json"):
        state.target_info.setdefault("results_path", request.config.getoption("results_json"))
    state.redactor.add(*config.secrets())
    try:
        if state.context is not None:  # set up by `conformance run`: log in once per run
            raise _AlreadySetUp
        contract = load_contract(local_wsdl(config.wsdl, config.client
                                            or ClientConfig(config.endpoint)))
        recorder = Recorder()
        client = TargetClient(contract, config.client or ClientConfig(config.endpoint),
                              recorder)
        ctx = RunContext(config, contract, client, recorder, state.capture)
        state.context = ctx
        ctx._tag = distributed.tag_base(request.config)  # pytest-xdist: recipients of its own
        ctx.setup(subscribe=distributed.observes(request.config))
        if not distributed.observes(request.config):
            ctx.subscription["how"] = "left to the observer worker"
            ctx.unavailable.setdefault("notifications", distributed.NOT_OBSERVED_HERE)
    except _AlreadySetUp:
        pass
    except (ContractError, TargetError) as exc:
        state.setup_error = str(exc)
    finally:
        if state.context is not None:
            state.redactor.add(*state.context.session_keys)
    yield state
    if state.context is not None:
        state.redactor.add(*state.context.session_keys)
        state.context.teardown()  # log out every session the run opened


class _AlreadySetUp(Exception):
    """The run context came set up (``conformance run``): nothing to log in again."""


def replay_command(state: SuiteState, check_id: str) -> str:
    """A command that replays the check's minimal example as printed (replay_command.py)."""
    path = state.target_info.get("results_path") or "results.json"
    assert state.config is not None
    return build_replay_command(state.config, str(path), check_id, state.replay_base)


def execute(state: SuiteState, check_id: str) -> Outcome:
    """Run one check in this session and keep its outcome."""
    parallel = state.config is not None and state.config.workers > 1
    serial = (serial_run(state) if not parallel and state.setup_error is None
              and state.context is not None else None)
    if state.progress is not None:
        state.progress.start(check_id, state.context)
    if parallel and state.setup_error is None:
        outcome = parallel_outcome(state, check_id)
    elif serial is not None:
        outcome = serial.outcome(select([check_id])[0])
    else:
        outcome = run_check(None, select([check_id])[0], state.setup_error,
                            replay_command(state, check_id))
    if state.setup_failure is not None and check_id == SETUP_CHECK:
        outcome.status, outcome.failure = FAILED, state.setup_failure
        outcome.reason = None
    if state.context is not None:
        state.redactor.add(*state.context.session_keys)
    baseline.apply(state.config.baseline if state.config else None, outcome)
    state.outcomes.append(outcome)
    if state.progress is not None:
        state.progress.done(outcome)
    return outcome


def serial_run(state: SuiteState) -> SerialRun:
    """The session's serial run; made at its first check, which runs the session's mail
    checks first (suite/provisional.py), with a progress line of their own."""
    if state.serial is None:
        assert state.context is not None
        ordered = select(state.ordered) if state.ordered else []  # none: not known here
        state.serial = SerialRun(state.context, ordered,
                                 lambda cid: replay_command(state, cid))
        if state.progress is not None and state.serial.mail:
            with state.progress.ahead([c.id for c in state.serial.mail], state.context):
                state.serial.run_ahead()
    return state.serial


def parallel_outcome(state: SuiteState, check_id: str) -> Outcome:
    """--workers: the first test runs every check of the session on the workers; each test
    then reports its check's outcome, in the serial order."""
    if state.parallel is None:
        from conformance.suite.workers import run_parallel

        assert state.config is not None and state.context is not None
        state.parallel = run_parallel(state.context,
                                      select(state.planned or state.config.checks),
                                      state.config.workers,
                                      lambda cid: replay_command(state, cid))
        state.redactor.add(*state.context.session_keys)
    return state.parallel[check_id]


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config
                             ) -> tuple[str, str, str] | None:
    """With progress lines, pytest's own progress dots would only interleave with them."""
    state = config.stash.get(STATE_KEY, None)
    if state is None or state.progress is None or report.when != "call":
        return None
    return report.outcome, "", report.outcome.upper()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]
                              ) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    report = (yield).get_result()
    outcome: Outcome | None = getattr(item, "conformance_outcome", None)
    if outcome is None or report.when != "call" or outcome.failure is None:
        return
    state = item.config.stash[STATE_KEY]
    try:
        from pytest_html import extras
    except ImportError:  # pytest-html is a dependency, but stay usable without it
        return
    failure = state.redactor.deep(outcome.failure)
    report.extras = [  # type: ignore[attr-defined]  # pytest-html reads it
        *getattr(report, "extras", []),
        extras.text(failure.get("request") or "", name="minimal request"),
        extras.text(failure.get("response") or "", name="response"),
        extras.text(failure["replay"], name="replay"),
    ]


def results_document(state: SuiteState) -> dict[str, Any]:
    config = state.config
    assert config is not None
    ctx = state.context
    contract = {"source": config.wsdl, "sha256": None, "version": None}
    if ctx is not None:
        contract = {"source": ctx.contract.source, "sha256": ctx.contract.sha256,
                    "version": ctx.contract.version}
    recorder = ctx.recorder if ctx is not None else Recorder()
    target = {"endpoint": config.endpoint, "wsdl": config.wsdl, "embedded": config.embedded,
              "faults": config.faults, "max_body_bytes": config.max_body_bytes,
              **state.target_info}
    target.pop("results_path", None)
    document = results.build(
        state.outcomes, target=target, seed=config.seed, profile=config.profile.name,
        contract=contract, started_at=state.started_at,
        duration_s=time.perf_counter() - state.started,
        requests={"total": recorder.total, "by_operation":
                  results.timing_summary(recorder.timings)},
        created={"tickets": ctx.created_tickets if ctx else [],
                 "attachments": ctx.created_attachments if ctx else []},
        inputs=ctx.inputs if ctx else [], aborted=state.setup_error or state.stopped_reason())
    if state.setup_error is not None and ctx is not None:  # what happened before it stopped
        document["setup_exchanges"] = [exchange_record(e) for e in ctx.recorder.current]
    document["contract_check"] = ctx.contract_check if ctx else None
    document["discovery"] = ctx.discovery if ctx else None
    document["replay_env"] = secret_env(config)  # secrets a replay takes from the environment
    document["sessions"] = ({**ctx.sessions.summary(), "subscription": ctx.subscription}
                            if ctx else None)
    document["detection"] = state.detection
    if ctx is not None:  # contract coverage: what of the contract the run exercised
        ctx.coverage.note_operations(list(recorder.timings))
        document["coverage"] = ctx.coverage.summary()
    document["verdict_text"] = baseline.verdict_text(document["verdict"], state.outcomes)
    document["baseline"] = baseline.summary(
        config.baseline.path if config.baseline else None, state.outcomes)
    document["shard"] = ({"index": config.shard[0], "total": config.shard[1],
                          "of": config.shard_of,
                          "slices": {k: list(v) for k, v in config.slices.items()}}
                         if config.shard else None)
    return document
