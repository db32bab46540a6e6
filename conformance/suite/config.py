"""Configuration of a suite run: the target, credentials, transport options, the profile,
the seed and the selected checks. Built from pytest options (the plugin) and passed to the
run context; secrets stay in here and are redacted from every output."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

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
    category: str = "1"
    reply_template: str = "1"
    embedded: bool = False
    faults: list[str] = field(default_factory=list)
    workers: int = 1  # threads running checks in parallel (suite/workers.py)

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


def transport_config(endpoint: str, *, timeout: float, retries: int, rate_limit: float,
                     headers: list[str], basic_auth: str | None, client_cert: str | None,
                     client_key: str | None, ca_bundle: str | None) -> ClientConfig:
    """A ClientConfig from the option values the CLI and the pytest plugin share; a bad
    value raises ``ValueError`` with a one-line reason."""
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

    return ClientConfig(endpoint=endpoint, timeout=timeout, retries=retries,
                        rate_limit=rate_limit, headers=parsed, basic_auth=basic,
                        client_cert=client_cert, client_key=client_key,
                        verify=ca_bundle or True)
