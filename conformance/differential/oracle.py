"""The differential oracle of a run: the run's generated examples, played on the target
and on a fresh embedded reference target side by side (:mod:`.script`), answers normalised
and compared field by field (:mod:`.normalise`); each difference that no failed check of the
run names (:mod:`.naming`) is a finding, with both exchanges side by side.

The result is one more check outcome, ``AM-REFERENCE-DIFF``: advisory (level SHOULD, not
part of the verdict) by default, a MUST when the user asks for it to fail the run
(``--differential=fail``). The reference pages leave much open, and a legitimate variation
may differ from the reference target, so a finding is a lead to look at, not a verdict."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from conformance import soap
from conformance.contract import BodyInvalid
from conformance.differential.naming import named_by
from conformance.differential.normalise import IdMap, differences
from conformance.differential.script import Observation, play
from conformance.suite.client import Exchange, TargetError
from conformance.suite.config import SuiteConfig
from conformance.suite.context import RunContext
from conformance.suite.outcome import ERROR, FAILED, PASSED, SKIPPED, Outcome
from conformance.suite.registry import MUST, SHOULD

CHECK_ID = "AM-REFERENCE-DIFF"
TITLE = ("The target answers the run's scripted calls (its generated examples) as the "
         "embedded reference target does, after normalisation, wherever no check already "
         "names the difference")
CLAUSE = ("differential oracle against the reference target; ticket-port.md "
          "(Interoperability): serialisation quirks are not conformance questions")
MODES = ("advisory", "fail")
MAX_EXAMPLES = 60
MAX_FINDINGS = 20


def outcome_shell(mode: str) -> Outcome:
    return Outcome(CHECK_ID, TITLE, MUST if mode == "fail" else SHOULD, "differential",
                   "core", CLAUSE)


def reference_config(config: SuiteConfig) -> SuiteConfig:
    """The run's configuration for the embedded reference target (its own seed users)."""
    ref = copy.copy(config)
    ref.user = ref.password = ref.owner_user = ref.owner_password = ref.owner_id = ""
    ref.category, ref.reply_template = "1", "1"
    ref.client, ref.faults, ref.checks = None, [], []
    return ref


def run_differential(state: Any, mode: str = "advisory") -> Outcome:
    """The differential outcome of a finished session ``state`` (a SuiteState)."""
    from conformance.suite import runner

    outcome = outcome_shell(mode)
    started = time.perf_counter()
    base: RunContext = state.context
    examples = unique(base.inputs)[:MAX_EXAMPLES]
    failed = {o.id for o in state.outcomes if o.status == FAILED}
    if not examples:
        outcome.status, outcome.reason = SKIPPED, ("differential: the run generated no "
                                                   "addMessage-family example to compare")
        return outcome
    target = RunContext(state.config, base.contract, base.client, base.recorder,
                        state.capture)
    try:
        target.setup()
        state.redactor.add(*target.session_keys)
        with runner.embedded_target([]) as embedded:
            ref_config = runner.embedded_config(reference_config(state.config),
                                                embedded.target.endpoint)
            reference = runner.prepare(ref_config, embedded.capture).context
            assert reference is not None  # prepare sets the context before it returns
            state.redactor.add(*ref_config.secrets(), *reference.session_keys)
            findings, named, steps = compare_sides(target, reference, examples, failed)
            state.redactor.add(*reference.session_keys)
    except Exception as exc:  # never lose the run's results to this extra phase
        detail = str(exc) if isinstance(exc, TargetError | runner.RunError) else (
            f"internal error {type(exc).__name__}: {exc}")
        # advisory: a comparison that could not be made is not a verdict on the target
        outcome.status = ERROR if mode == "fail" else SKIPPED
        outcome.reason = f"differential: could not compare: {detail}"
        return outcome
    finally:
        log_out(target)
        base.created_tickets += target.created_tickets
        base.created_attachments += target.created_attachments
        state.redactor.add(*target.session_keys)
        outcome.duration_s = round(time.perf_counter() - started, 3)
    outcome.examples = steps
    outcome.reason = (f"{steps} examples compared; {len(findings)} difference(s) no check "
                      f"names; {len(named)} named by failed checks")
    if findings:
        outcome.status = FAILED
        outcome.failure = failure_record(findings, state.config.seed, mode)
    else:
        outcome.status = PASSED
    return outcome


def log_out(ctx: RunContext) -> None:
    """End the sessions the differential opened on the target (best effort)."""
    for key in dict.fromkeys((ctx.agent_key, ctx.owner_key)):
        if key:
            try:
                ctx.client.call("logout", "setup", sessionKey=key)
            except (TargetError, BodyInvalid):
                pass


def unique(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for example in examples:
        key = json.dumps(example, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out


def compare_sides(target: RunContext, reference: RunContext, examples: list[dict[str, Any]],
                  failed: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    ids_t, ids_r = IdMap(), IdMap()
    findings: list[dict[str, Any]] = []
    named: list[dict[str, Any]] = []
    for step, example in enumerate(examples, 1):
        seen_t, seen_r = play(target, example, ids_t), play(reference, example, ids_r)
        for index in range(max(len(seen_t), len(seen_r))):
            obs_t = seen_t[index] if index < len(seen_t) else Observation("<none>", None)
            obs_r = seen_r[index] if index < len(seen_r) else Observation("<none>", None)
            operation = obs_r.label if obs_r.label != "<none>" else obs_t.label
            for diff in differences(obs_t.normalised, obs_r.normalised):
                by = named_by(operation, diff["path"], failed)
                entry = {"step": step, "operation": operation, **diff, "example": example}
                if by:
                    named.append({**entry, "named_by": by})
                elif len(findings) < MAX_FINDINGS:
                    findings.append({**entry, **side_by_side(obs_t.exchange, obs_r.exchange)})
    return findings, named, len(examples)


def _envelope(data: bytes) -> str:
    return soap.pretty(data) if data else ""


def side_by_side(target: Exchange | None, reference: Exchange | None) -> dict[str, Any]:
    return {"target_request": _envelope(target.request) if target else "",
            "target_response": _envelope(target.response) if target else "",
            "reference_request": _envelope(reference.request) if reference else "",
            "reference_response": _envelope(reference.response) if reference else ""}


def failure_record(findings: list[dict[str, Any]], seed: int, mode: str) -> dict[str, Any]:
    first = findings[0]
    message = (f"{len(findings)} difference(s) from the reference target that no check "
               f"names; first: {first['operation']} {first['path']}: target "
               f"{_show(first['target'])}, reference {_show(first['reference'])} "
               f"(example {first['step']})")
    return {"message": message, "example": first["example"], "operation": first["operation"],
            "request": first["target_request"], "response": first["target_response"],
            "reference_request": first["reference_request"],
            "reference_response": first["reference_response"],
            "http_status": None, "exchanges": [], "findings": findings,
            "replay": f"conformance run --seed {seed} --differential"
                      f"{'=fail' if mode == 'fail' else ''} (same target, same checks)"}


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
