"""Configuration of a suite run: the target, credentials, transport options, the profile,
the seed and the selected checks. Built from pytest options (the plugin) and passed to the
run context; secrets stay in here and are redacted from every output."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conformance.suite.ratelimit import DEFAULT_MAX_WAIT_S, RetryBudget
from conformance.suite.transport import MAX_RESPONSE_BYTES, NO_REDIRECTS, REDIRECT_POLICIES

if TYPE_CHECKING:  # the client (zeep, requests) is imported on first use
    from conformance.suite.client import ClientConfig


@dataclass(frozen=True)
class Profile:
    name: str
    max_examples: int  # per property check
    concurrency_threads: int
    concurrency_calls: int  # per thread
    state_machine_runs: int
    state_machine_steps: int
    robustness_examples: int


PROFILES = {
    "quick": Profile("quick", 3, 4, 10, 2, 8, 3),
    "standard": Profile("standard", 25, 8, 25, 8, 20, 12),
    "thorough": Profile("thorough", 150, 8, 200, 40, 40, 60),
}
DEFAULT_PROFILE = "standard"

ENV_USER = "CONFORMANCE_USER"
ENV_PASSWORD = "CONFORMANCE_PASSWORD"
ENV_OWNER_USER = "CONFORMANCE_OWNER_USER"
ENV_OWNER_PASSWORD = "CONFORMANCE_OWNER_PASSWORD"
ENV_OWNER_ID = "CONFORMANCE_OWNER_ID"

DEFAULT_SETTLE_TIME = 3.0  # a real server: a mail queue or notification worker may lag
EMBEDDED_SETTLE_TIME = 1.0
DEFAULT_SHRINK_TIME = 5.0

# The reference target's seeded users (fixtures/seed.json): defaults for the embedded run.
REFERENCE_USER = ("egon", "norges bank")
REFERENCE_OWNER = ("kari", "nordmann", "11")


@dataclass
class SuiteConfig:
    endpoint: str
    wsdl: str
    user: str
    password: str
    owner_user: str
    owner_password: str
    owner_id: str
    profile: Profile
    seed: int
    checks: list[str] = field(default_factory=list)
    client: ClientConfig | None = None
    smtp_capture: str | None = None  # HOST:PORT the suite listens on for the target's mail
    category: str = ""  # empty: discovered before the run (suite/discovery.py)
    reply_template: str = ""  # empty: discovered before the run
    embedded: bool = False
    faults: list[str] = field(default_factory=list)
    workers: int = 1  # threads running checks in parallel (suite/workers.py)
    max_body_bytes: int | None = None  # the target's declared body limit (UTF-8 bytes)
    # CI at scale (issue 13): a Hypothesis ExampleDatabase or None, shard "K/N", baseline
    example_db: Any = None
    shard: tuple[int, int] | None = None
    shard_of: list[str] = field(default_factory=list)  # the whole selection, in run order
    # a shard's slices of its sliced checks (suite/slices.py); a check not in it runs whole
    slices: dict[str, tuple[int, ...]] = field(default_factory=dict)
    baseline: Any = None
    # Observation: how long to wait for notifications and mail a call causes (None: the
    # default, shorter for the embedded target, which answers after its work is done).
    settle_time: float | None = None
    shrink_time: float = DEFAULT_SHRINK_TIME  # seconds of shrinking per failing check

    @property
    def settle_seconds(self) -> float:
        if self.settle_time is not None:
            return self.settle_time
        return EMBEDDED_SETTLE_TIME if self.embedded else DEFAULT_SETTLE_TIME

    def secrets(self) -> list[str]:
        """Values never to be written anywhere."""
        values = [self.password, self.owner_password]
        if self.client and self.client.basic_auth:
            values.append(self.client.basic_auth[1])
        if self.client:  # extra headers carry API keys and tokens more often than not
            values.extend(self.client.headers.values())
        return [v for v in values if v]


def from_env(value: str | None, env: str) -> str | None:
    return value if value else os.environ.get(env) or None


def transport_config(endpoint: str, *, timeout: float, retries: int,
                     rate_limit: float | str, headers: list[str], basic_auth: str | None,
                     client_cert: str | None, client_key: str | None, ca_bundle: str | None,
                     rate_limit_max_wait: float | None = None,
                     follow_redirects: str = NO_REDIRECTS,
                     max_response_bytes: int = MAX_RESPONSE_BYTES) -> ClientConfig:
    """A ClientConfig from the option values the CLI and the pytest plugin share; a bad
    value raises ``ValueError`` with a one-line reason."""
    check_numbers(timeout=timeout, retries=retries,
                  rate_limit=0.0 if rate_limit == "auto" else float(rate_limit),
                  max_response_bytes=max_response_bytes)
    if follow_redirects not in REDIRECT_POLICIES:
        raise ValueError(f"--follow-redirects {follow_redirects!r}: expected one of "
                         f"{', '.join(REDIRECT_POLICIES)}")
    parsed = {}
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"--header {header!r}: expected NAME:VALUE")
        parsed[name.strip()] = value.strip()
    basic = None
    if basic_auth:
        user, sep, password = basic_auth.partition(":")
        if not sep:
            raise ValueError("--basic-auth: expected USER:PASSWORD")
        basic = (user, password)
    for path in (client_cert, client_key, ca_bundle):
        if path and not Path(path).is_file():
            raise ValueError(f"cannot read {path}")
    from conformance.suite.client import ClientConfig

    auto = rate_limit == "auto"  # honour 429 and Retry-After (suite/ratelimit.py)
    budget = RetryBudget(DEFAULT_MAX_WAIT_S if rate_limit_max_wait is None
                         else rate_limit_max_wait) if auto else None
    return ClientConfig(endpoint=endpoint, timeout=timeout, retries=retries,
                        rate_limit=0.0 if auto else float(rate_limit), headers=parsed,
                        basic_auth=basic, client_cert=client_cert, client_key=client_key,
                        verify=ca_bundle or True, retry_budget=budget,
                        follow_redirects=follow_redirects,
                        max_response_bytes=max_response_bytes)


def check_numbers(*, timeout: float, retries: int, rate_limit: float,
                  max_response_bytes: int) -> None:
    """Numbers that make no sense are refused before the first request."""
    if not timeout > 0 or timeout != timeout or timeout == float("inf"):
        raise ValueError(f"--timeout {timeout:g}: must be a finite number of seconds above 0")
    if retries < 0:
        raise ValueError(f"--retries {retries}: must be 0 or more")
    if not rate_limit >= 0 or rate_limit == float("inf"):
        raise ValueError(f"--rate-limit {rate_limit:g}: must be 0 (no limit) or more")
    if max_response_bytes < 1024:
        raise ValueError(f"--max-response-bytes {max_response_bytes}: must be at least 1024")
