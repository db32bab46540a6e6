"""The pytest plugin's end of a session (entry point ``conformance-outputs``): with
``--results-json``, write results.json and the published outputs once the checks are done.
The engine's plugin (``conformance.suite.plugin``) declares the options, runs the checks and
keeps their outcomes; this one only composes what comes after them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.orchestrate.outputs import finish_session
from conformance.suite.plugin import STATE_KEY, option


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE_KEY, None)
    path = session.config.getoption("results_json", None)
    if state is None or state.config is None or not path:
        return
    run_by_cli = session.config.pluginmanager.get_plugin("conformance-run") is not None
    differential = (session.config.getoption("differential", None) if run_by_cli
                    else option(session.config, "differential"))  # env, file too
    finish_session(state, Path(path), differential)
