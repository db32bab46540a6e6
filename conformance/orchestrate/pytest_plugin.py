"""The pytest plugin's end of a session (entry point ``conformance-outputs``): with
``--results-json``, write results.json and the published outputs once the checks are done.
The engine's plugin (``conformance.suite.plugin``) declares the options, runs the checks and
keeps their outcomes; this one only composes what comes after them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conformance.orchestrate.outputs import finish_session, session_document, write_results
from conformance.suite import distributed
from conformance.suite.merge import MergeError
from conformance.suite.plugin import STATE_KEY, SuiteState, option


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    state = config.stash.get(STATE_KEY, None)
    path = config.getoption("results_json", None)
    if state is not None and distributed.distributes(config):
        finish_controller(session, state, Path(path) if path else None)
        return
    worker = distributed.worker_id(config) is not None
    if state is not None and worker:  # pytest-xdist: the controller writes
        output: dict[str, Any] = config.workeroutput  # type: ignore[attr-defined]
        output[distributed.ORDER_KEY] = list(state.collected)  # also for JUnit alone
    if state is None or state.config is None or not path:
        return
    run_by_cli = config.pluginmanager.get_plugin("conformance-run") is not None
    differential = (config.getoption("differential", None) if run_by_cli
                    else option(config, "differential"))  # env, file too
    if worker:
        output[distributed.RESULTS_KEY] = distributed.worker_document(
            session_document(state, Path(path), differential), state.collected)
        return
    finish_session(state, Path(path), differential)


def finish_controller(session: pytest.Session, state: SuiteState, path: Path | None) -> None:
    """pytest-xdist's controller: the workers' documents merged into one results.json, and
    the JUnit file's testcases in the session's order."""
    config = session.config
    xmlpath = config.getoption("xmlpath", None)
    if xmlpath:
        distributed.reorder_junit(Path(xmlpath), distributed.session_order(config))
    documents = distributed.worker_documents(config)
    if path is None or not documents:
        return
    try:
        document = distributed.merged_document(documents)
    except MergeError as exc:  # workers of one session always merge: the suite's error
        config.get_terminal_writer().line(
            f"conformance: error: the workers' results do not merge: {exc}", red=True)
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    write_results(document, path, state.redactor)
