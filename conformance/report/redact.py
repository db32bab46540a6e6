"""Secrets, checked again at the last door. The suite redacts results.json before writing it
(PRODUCT.md: "secrets never appear in a report, a log or a results file"); the report does
not take that on trust: every string of the results passes through :func:`scrub` before it
is shown or embedded, and the report says so when something had to be removed.

What is removed: the known passwords (the reference target's seeded users, and the
``CONFORMANCE_*PASSWORD`` variables of the environment that renders), any session or
notification key that looks like a real one (32 hex digits) inside a ``sessionKey`` or
``notificationKey`` element, and the content of any ``password`` element. Deliberately
invalid keys the suite sends (``not-a-session-key-...``, empty) stay visible: they are
what a QA engineer needs to see."""

from __future__ import annotations

import os
import re
from typing import Any

from conformance.suite.config import (
    ENV_OWNER_PASSWORD,
    ENV_PASSWORD,
    REFERENCE_OWNER,
    REFERENCE_USER,
)

MARKER = "[REDACTED]"
KEY_ELEMENT = re.compile(
    r"(<(?:[\w.-]+:)?(?:sessionKey|notificationKey)(?:\s[^>]*)?>\s*)[0-9A-Fa-f]{32}(\s*</)")
PASSWORD_ELEMENT = re.compile(
    r"(<(?:[\w.-]+:)?password(?:\s[^>]*)?>)(?!\[REDACTED\]<)[^<]+(</)")


def known_secrets() -> list[str]:
    """The passwords the renderer knows of, longest first."""
    values = {REFERENCE_USER[1], REFERENCE_OWNER[1]}
    values |= {os.environ.get(name, "") for name in (ENV_PASSWORD, ENV_OWNER_PASSWORD)}
    return sorted((v for v in values if v), key=len, reverse=True)


def scrub(text: str, secrets: list[str]) -> tuple[str, int]:
    """``text`` with every secret replaced by the marker, and how many were replaced."""
    count = 0
    for secret in secrets:
        count += text.count(secret)
        text = text.replace(secret, MARKER)
    for pattern in (KEY_ELEMENT, PASSWORD_ELEMENT):
        text, found = pattern.subn(rf"\g<1>{MARKER}\g<2>", text)
        count += found
    return text, count


def scrub_deep(value: Any, secrets: list[str]) -> tuple[Any, int]:
    """:func:`scrub` over every string (keys included) of a JSON-like value."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, list):
        pairs = [scrub_deep(v, secrets) for v in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    if isinstance(value, dict):
        out, total = {}, 0
        for key, item in value.items():
            new_key, n_key = scrub(key, secrets)
            out[new_key], n_value = scrub_deep(item, secrets)
            total += n_key + n_value
        return out, total
    return value, 0


__all__ = ["MARKER", "known_secrets", "scrub", "scrub_deep"]
