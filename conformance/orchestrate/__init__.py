"""The orchestrator: one place above the suite engine, the report and the published outputs
where a whole run is composed. ``conformance run`` (cli/run.py) and the pytest plugin both
come here: the engine (``conformance.suite``) runs the checks and builds the results
document; this package writes results.json, then the outputs that only read it (the HTML
report, EARL, the badge and the summary), and adds the differential phase when asked.
Nothing below imports this package."""

from conformance.orchestrate.outputs import finish_session, render_outputs
from conformance.orchestrate.session import run_session

__all__ = ["finish_session", "render_outputs", "run_session"]
