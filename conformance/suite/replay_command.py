"""The replay command printed with a failure: it works as printed, through a shell.

Against a foreign target it carries every non-secret option of the run (endpoint, WSDL,
users, owner id, category, reply template, SMTP capture, timeouts, retries, rate limit, TLS
files, header names) and names each secret by an environment variable that the shell
expands (``--password "$CONFORMANCE_PASSWORD"``), never by its value. The category,
reply template and owner id are the ones the run used (given or discovered), so the replay
sets up the same way. Against the embedded target the results file says everything
(faults included), and the command stays short.
"""

from __future__ import annotations

import re
import shlex

from conformance.contract import CANONICAL_WSDL
from conformance.suite.config import ENV_OWNER_PASSWORD, ENV_PASSWORD, SuiteConfig

ENV_BASIC_AUTH_PASSWORD = "CONFORMANCE_BASIC_AUTH_PASSWORD"
ENV_HEADER_PREFIX = "CONFORMANCE_HEADER_"


def header_env(name: str) -> str:
    """The environment variable that holds the value of the extra header ``name``."""
    return ENV_HEADER_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def secret_env(config: SuiteConfig) -> list[str]:
    """The environment variables a replay of this run needs set."""
    names = [ENV_PASSWORD, ENV_OWNER_PASSWORD]
    client = config.client
    if client and client.basic_auth:
        names.append(ENV_BASIC_AUTH_PASSWORD)
    if client:
        names.extend(header_env(name) for name in client.headers)
    return [] if config.embedded else names


def _expand(env: str) -> str:
    return f'"${{{env}}}"'


def replay_command(config: SuiteConfig, results_path: str, check_id: str,
                   base: str = "conformance replay") -> str:
    words = [base, shlex.quote(results_path), "--check", shlex.quote(check_id)]
    if config.embedded:
        return " ".join(words)
    q = shlex.quote

    def option(flag: str, value: object) -> None:
        if value not in (None, ""):
            words.extend([flag, q(str(value))])

    option("--endpoint", config.endpoint)
    if config.wsdl != str(CANONICAL_WSDL):
        option("--wsdl", config.wsdl)
    option("--user", config.user)
    words.extend(["--password", _expand(ENV_PASSWORD)])
    option("--owner-user", config.owner_user)
    words.extend(["--owner-password", _expand(ENV_OWNER_PASSWORD)])
    if config.owner_id not in ("", "-1"):
        option("--owner-id", config.owner_id)
    option("--ticket-category", config.category)
    option("--reply-template", config.reply_template)
    option("--smtp-capture", config.smtp_capture)
    client = config.client
    if client is not None:
        option("--timeout", f"{client.timeout:g}")
        option("--retries", client.retries)
        if client.rate_limit:
            option("--rate-limit", f"{client.rate_limit:g}")
        for name in client.headers:
            words.extend(["--header", q(f"{name}: ") + _expand(header_env(name))])
        if client.basic_auth:
            words.extend(["--basic-auth",
                          q(f"{client.basic_auth[0]}:") + _expand(ENV_BASIC_AUTH_PASSWORD)])
        option("--client-cert", client.client_cert)
        option("--client-key", client.client_key)
        if isinstance(client.verify, str):
            option("--ca-bundle", client.verify)
    return " ".join(words)
