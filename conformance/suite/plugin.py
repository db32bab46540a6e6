"""The pytest plugin (``pytest11`` entry point ``conformance``): options for the target,
the session-wide run context, one test per selected check (``test_conformance.py``),
failure details for pytest-html, and results.json at the end of the session.

Run it directly with ``pytest --pyargs conformance.suite.test_conformance --endpoint URL``
or through ``conformance run`` (which also starts the embedded reference target)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from conformance.contract import CANONICAL_WSDL, ContractError, load_contract
from conformance.suite import results
from conformance.suite.client import ClientConfig, Recorder, TargetClient, TargetError
from conformance.suite.config import (
    DEFAULT_PROFILE,
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
from conformance.suite.outcome import Outcome, Redactor, run_check
from conformance.suite.registry import select


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("conformance", "addMessage conformance suite (target options)")
    add = group.addoption
    add("--endpoint", help="SOAP endpoint URL of the ticket port under test")
    add("--wsdl", default=None, help="WSDL path or URL for messages (default: canonical)")
    add("--user", help=f"agent user name (or ${ENV_USER})")
    add("--password", help=f"agent password (or ${ENV_PASSWORD})")
    add("--owner-user", help=f"ticket owner's user name (or ${ENV_OWNER_USER})")
    add("--owner-password", help=f"ticket owner's password (or ${ENV_OWNER_PASSWORD})")
    add("--owner-id", help=f"the owner's user id on the target (or ${ENV_OWNER_ID})")
    add("--request-timeout", type=float, default=30.0, help="seconds per request")
    add("--retries", type=int, default=2, help="retries of a refused connection")
    add("--rate-limit", type=float, default=0.0, help="max requests per second (0: none)")
    add("--header", action="append", default=[], metavar="NAME:VALUE",
        help="extra HTTP header (repeatable)")
    add("--basic-auth", metavar="USER:PASSWORD", help="HTTP basic auth for a proxy")
    add("--client-cert", help="TLS client certificate (PEM)")
    add("--client-key", help="key of the TLS client certificate (PEM)")
    add("--ca-bundle", help="CA bundle to verify the target's TLS certificate")
    add("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE, help="test budget")
    add("--seed", type=int, default=None, help="seed; the same seed repeats a run exactly")
    add("--check", action="append", default=[], metavar="ID", help="run only these checks")
    add("--smtp-capture", metavar="HOST:PORT",
        help="listen there for the target's mail (addMessage2/3 mail checks)")
    add("--ticket-category", default="1", help="categoryId for the suite's tickets")
    add("--reply-template", default="1", help="replyTemplateId for template checks")
    add("--results-json", metavar="PATH", help="write results.json there")
    add("--workers", type=int, default=1, metavar="N",
        help="run the checks on N threads against the target, each with its own sessions "
             "and tickets; results in the order of a serial run")


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


STATE_KEY = pytest.StashKey[SuiteState]()


def pytest_configure(config: pytest.Config) -> None:
    injected = config.pluginmanager.get_plugin("conformance-run")
    config.stash[STATE_KEY] = injected.state if injected is not None else SuiteState()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "check_id" not in metafunc.fixturenames or (
            metafunc.module.__name__.rpartition(".")[2] != "test_conformance"):
        return
    state = metafunc.config.stash[STATE_KEY]
    wanted = state.config.checks if state.config else metafunc.config.getoption("check")
    try:
        checks = select(list(wanted))
    except KeyError as exc:
        raise pytest.UsageError(str(exc.args[0])) from None
    metafunc.parametrize("check_id", [c.id for c in checks], ids=[c.id for c in checks])


def config_from_options(opts: pytest.Config) -> SuiteConfig:
    """A SuiteConfig from pytest options and environment variables."""
    def get(name: str) -> Any:
        return opts.getoption(name)

    endpoint = get("endpoint")
    if not endpoint:
        raise pytest.UsageError("--endpoint is required (or use `conformance run`, which "
                                "starts the embedded reference target)")
    required = {
        "--user": from_env(get("user"), ENV_USER),
        "--password": from_env(get("password"), ENV_PASSWORD),
        "--owner-user": from_env(get("owner_user"), ENV_OWNER_USER),
        "--owner-password": from_env(get("owner_password"), ENV_OWNER_PASSWORD),
        "--owner-id": from_env(get("owner_id"), ENV_OWNER_ID),
    }
    missing = [k for k, v in required.items() if not v]
    if missing:
        raise pytest.UsageError(f"missing {', '.join(missing)} (options or environment)")
    return SuiteConfig(
        endpoint=endpoint, wsdl=get("wsdl") or str(CANONICAL_WSDL),
        user=required["--user"], password=required["--password"],  # type: ignore[arg-type]
        owner_user=required["--owner-user"],  # type: ignore[arg-type]
        owner_password=required["--owner-password"],  # type: ignore[arg-type]
        owner_id=required["--owner-id"],  # type: ignore[arg-type]
        profile=PROFILES[get("profile")],
        seed=get("seed") if get("seed") is not None else random.randrange(2**31),
        checks=list(get("check")), client=client_config(opts, endpoint),
        category=get("ticket_category"), reply_template=get("reply_template"),
        workers=get("workers"))


def client_config(opts: pytest.Config, endpoint: str) -> ClientConfig:
    try:
        return transport_config(
            endpoint, timeout=opts.getoption("request_timeout"),
            retries=opts.getoption("retries"), rate_limit=opts.getoption("rate_limit"),
            headers=opts.getoption("header"), basic_auth=opts.getoption("basic_auth"),
            client_cert=opts.getoption("client_cert"),
            client_key=opts.getoption("client_key"), ca_bundle=opts.getoption("ca_bundle"))
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.fixture(scope="session")
def conformance_state(request: pytest.FixtureRequest) -> Iterator[SuiteState]:
    state = request.config.stash[STATE_KEY]
    if state.config is None:
        state.config = config_from_options(request.config)
        capture_at = request.config.getoption("smtp_capture")
        if capture_at:
            from conformance.suite.smtp_capture import SmtpCapture

            host, _, port = capture_at.rpartition(":")
            state.capture = SmtpCapture(host or "127.0.0.1", int(port)).start()
    config = state.config
    if request.config.getoption("results_json"):
        state.target_info.setdefault("results_path", request.config.getoption("results_json"))
    state.redactor.add(*config.secrets())
    try:
        contract = load_contract(config.wsdl)
        recorder = Recorder()
        client = TargetClient(contract, config.client or ClientConfig(config.endpoint),
                              recorder)
        ctx = RunContext(config, contract, client, recorder, state.capture)
        state.context = ctx
        ctx.setup()
    except (ContractError, TargetError) as exc:
        state.setup_error = str(exc)
    finally:
        if state.context is not None:
            state.redactor.add(*state.context.session_keys)
    yield state
    if state.context is not None:
        state.redactor.add(*state.context.session_keys)


def replay_command(state: SuiteState, check_id: str) -> str:
    path = state.target_info.get("results_path") or "results.json"
    return f"{state.replay_base} {path} --check {check_id}"


def execute(state: SuiteState, check_id: str) -> Outcome:
    """Run one check in this session and keep its outcome."""
    if state.config is not None and state.config.workers > 1 and state.setup_error is None:
        outcome = parallel_outcome(state, check_id)
        state.outcomes.append(outcome)
        return outcome
    check = select([check_id])[0]
    outcome = run_check(state.context if state.setup_error is None else None, check,
                        state.setup_error, replay_command(state, check_id))
    if state.context is not None:
        state.redactor.add(*state.context.session_keys)
    state.outcomes.append(outcome)
    return outcome


def parallel_outcome(state: SuiteState, check_id: str) -> Outcome:
    """--workers: the first test runs every selected check on the workers; each test then
    reports its check's outcome, in the serial order."""
    if state.parallel is None:
        from conformance.suite.workers import run_parallel

        assert state.config is not None and state.context is not None
        state.parallel = run_parallel(state.context, select(state.config.checks),
                                      state.config.workers,
                                      lambda cid: replay_command(state, cid))
        state.redactor.add(*state.context.session_keys)
    return state.parallel[check_id]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
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
    report.extras = [
        *getattr(report, "extras", []),
        extras.text(failure.get("request") or "", name="minimal request"),
        extras.text(failure.get("response") or "", name="response"),
        extras.text(failure["replay"], name="replay"),
    ]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    path = session.config.getoption("results_json", None)
    if state is None or state.config is None or not path:
        return
    state.target_info.setdefault("results_path", path)
    data = results_document(state)
    results.write(data, Path(path), state.redactor)


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
              "faults": config.faults, **state.target_info}
    target.pop("results_path", None)
    document = results.build(
        state.outcomes, target=target, seed=config.seed, profile=config.profile.name,
        contract=contract, started_at=state.started_at,
        duration_s=time.perf_counter() - state.started,
        requests={"total": recorder.total, "by_operation":
                  results.timing_summary(recorder.timings)},
        created={"tickets": ctx.created_tickets if ctx else [],
                 "attachments": ctx.created_attachments if ctx else []},
        inputs=ctx.inputs if ctx else [], aborted=state.setup_error)
    document["contract_check"] = ctx.contract_check if ctx else None
    document["detection"] = state.detection
    return document
