"""Running one check and recording its outcome: status, example count, duration, and for a
failure the minimal example with its request and response envelopes (redacted) and the
command that replays it."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from conformance import soap
from conformance.suite.client import Exchange, TargetError
from conformance.suite.context import RunContext
from conformance.suite.needs import skip_reason
from conformance.suite.registry import SHOULD, Check, CheckFailed, CheckSkipped

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"
INTERNAL_PREFIX = "internal error of the suite"
NOT_RUN_PREFIX = "not run"
SETUP_CHECK = "AM-SCHEMA"  # the check that a contract breach during setup is a failure of
log = logging.getLogger("conformance.suite")


@dataclass
class Outcome:
    id: str
    title: str
    level: str
    family: str
    conformance_class: str
    clause: str
    status: str = PASSED
    examples: int = 0
    duration_s: float = 0.0
    reason: str | None = None
    failure: dict[str, Any] | None = None
    waived: dict[str, Any] | None = None  # set by a --baseline waiver (issue 13)
    slices: dict[str, Any] | None = None  # a sliced check's slices run (suite/slices.py)

    @property
    def advisory(self) -> bool:
        """A failed SHOULD check: an advisory finding, not part of the verdict."""
        return self.status == FAILED and self.level == SHOULD

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = data.pop("conformance_class")
        data["advisory"] = self.advisory
        return data


WHOLE_TOKEN_BELOW = 8  # secrets shorter than this are redacted as whole tokens only


@dataclass
class Redactor:
    """Replaces every secret (passwords, session and notification keys) by a marker."""

    secrets: list[str] = field(default_factory=list)
    marker: str = "[REDACTED]"

    def add(self, *values: str) -> None:
        self.secrets.extend(v for v in values if v and v not in self.secrets)

    def text(self, value: str) -> str:
        for secret in sorted(self.secrets, key=len, reverse=True):
            if len(secret) >= WHOLE_TOKEN_BELOW:
                value = value.replace(secret, self.marker)
            else:  # a short secret ("p") only where it stands alone, not inside "http"
                value = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])",
                               self.marker, value)
        return value

    def deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.deep(v) for v in value]
        return value


def run_check(ctx: RunContext | None, check: Check, setup_error: str | None,
              replay_command: str) -> Outcome:
    outcome = Outcome(check.id, check.title, check.level, check.family,
                      check.conformance_class, check.clause)
    if ctx is None:
        outcome.status = ERROR
        outcome.reason = f"{NOT_RUN_PREFIX}: the run stopped at setup: {setup_error}"
        return outcome
    lacking = skip_reason(ctx.unavailable, check.id)
    if lacking:  # the target lacks what the check needs: skipped, never an abort
        outcome.status, outcome.reason = SKIPPED, lacking
        return outcome
    started = time.perf_counter()
    ctx.example = None
    examples_before = ctx.examples_run
    ctx.begin_check(check.id, check.sliced)
    try:
        outcome.examples = int(check.run(ctx))
        if ctx.tally.plan.partial and not ctx.tally.reached:
            raise RuntimeError(f"check {check.id} is sliced (the default of @check) but drew "
                               "no examples through ctx.run_examples: declare it with "
                               "@check(..., sliced=False)")
    except CheckFailed as exc:
        outcome.examples = ctx.examples_run - examples_before
        outcome.status = FAILED
        outcome.failure = failure_record(ctx, str(exc), replay_command)
    except CheckSkipped as exc:
        outcome.status, outcome.reason = SKIPPED, str(exc)
    except TargetError as exc:
        outcome.status, outcome.reason = ERROR, str(exc)
    except Exception as exc:  # a defect of the check itself: report it, keep running
        outcome.status = ERROR
        outcome.reason = f"{INTERNAL_PREFIX}: {type(exc).__name__}: {exc}"
        log.exception("internal error of the suite in check %s", check.id)
    ctx.tally.close(ctx.examples_run)
    if ctx.tally.plan.total > 1 and outcome.status != SKIPPED:
        outcome.slices = ctx.tally.record(failed=outcome.status != PASSED)
    outcome.duration_s = round(time.perf_counter() - started, 3)
    return outcome


def failure_record(ctx: RunContext, message: str, replay_command: str) -> dict[str, Any]:
    exchanges = list(ctx.recorder.current)
    subject = next((e for e in reversed(exchanges) if e.role == "subject"),
                   exchanges[-1] if exchanges else None)
    return {
        "message": message,
        "example": ctx.example,
        "operation": subject.operation if subject else None,
        "request": _envelope(subject.request) if subject else None,
        "response": _envelope(subject.response) if subject else None,
        "http_status": subject.status if subject else None,
        **(_http(subject) if subject else {}),
        "exchanges": [_exchange(e) for e in exchanges],
        "mail": list(ctx.recorder.mail),
        "replay": replay_command,
    }


def _envelope(data: bytes) -> str:
    return soap.pretty(data) if data else ""


def _http(exchange: Exchange) -> dict[str, Any]:
    """Method, URL and headers (secret values redacted when recorded)."""
    return {"method": exchange.method, "url": exchange.url,
            "request_headers": dict(exchange.request_headers),
            "response_headers": dict(exchange.response_headers)}


def _exchange(exchange: Exchange) -> dict[str, Any]:
    return {"operation": exchange.operation, "role": exchange.role,
            "http_status": exchange.status, "elapsed_ms": round(exchange.elapsed_ms, 2),
            **_http(exchange),
            "request": _envelope(exchange.request), "response": _envelope(exchange.response),
            "error": exchange.error}


exchange_record = _exchange  # public name for results.json's setup_exchanges
