"""Ids the suite uses as "unknown", verified to be unknown on this target.

The error checks send ids no target should resolve (domain.py draws ticket and attachment
ids from 900 000 000 to 2 000 000 000; the fixed examples use 987654321 and 987654320;
context.py's UNKNOWN_TEMPLATE is 987654321). A correct target may well hold such ids
(large, non-sequential ids are legitimate), and then "errorCode 13 expected" would be a
false alarm. So each id is probed once with the port's own read operation before it is
used as unknown (getTicket, getAttachment, getReplyTemplate, getMessage: any answer but
errorCode 0 means the id does not resolve), and an id that does resolve is replaced by
another one that does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# kind -> (read operation, parameters for an id, the documented code for an unknown id)
PROBES: dict[str, tuple[str, Callable[[str], dict[str, Any]], str]] = {
    "ticket": ("getTicket", lambda i: {"ticketId": i, "ticketFields": {"item": ["ticket.id"]}},
               "13"),
    "attachment": ("getAttachment", lambda i: {"attachmentId": i, "attachmentKey": ""}, "16"),
    "template": ("getReplyTemplate", lambda i: {"replyTemplateId": i, "languageId": ""},
                 "a non-zero code"),
    "message": ("getMessage", lambda i: {"messageId": i,
                                         "messageField": {"item": ["message.id"]}}, "18"),
}
ALTERNATIVES = 8  # other candidates tried when an id turns out to exist


class UnknownIds:
    """Resolves a would-be unknown id to one verified unknown on the target (cached)."""

    def __init__(self, call: Callable[..., Any], session_key: Callable[[], str]) -> None:
        self._call = call  # TargetClient.call
        self._session_key = session_key
        self._resolved: dict[tuple[str, str], str] = {}
        self.replaced: dict[str, dict[str, str]] = {}  # kind -> {known id: used instead}
        self.answers: dict[str, str] = {}  # kind -> the errorCode the probe saw

    def is_unknown(self, kind: str, value: str) -> bool:
        operation, params, _code = PROBES[kind]
        reply = self._call(operation, "setup", sessionKey=self._session_key(), **params(value))
        if not reply.ok:
            self.answers.setdefault(kind, "SOAP Fault" if reply.fault is not None
                                    else f"errorCode {reply.error_code}")
        return not reply.ok

    def resolve(self, kind: str, value: str) -> str:
        """``value`` if the target does not know it, otherwise a nearby id it does not
        know. Ids that are not digits (malformed ones) are used as they are."""
        if not (value.isascii() and value.isdigit()):
            return value
        key = (kind, value)
        if key not in self._resolved:
            self._resolved[key] = self._first_unknown(kind, value)
            if self._resolved[key] != value:
                self.replaced.setdefault(kind, {})[value] = self._resolved[key]
        return self._resolved[key]

    def _first_unknown(self, kind: str, value: str) -> str:
        for candidate in candidates(value):
            if self.is_unknown(kind, candidate):
                return candidate
        return value  # nothing better found: the check will show what the target said


def candidates(value: str) -> list[str]:
    """``value`` first, then ids far from it (a target's ids cluster: step far away)."""
    number = int(value)
    return [value, *(str(number + step * 104_729_081) for step in range(1, ALTERNATIVES)),
            str(number * 10 + 7)]
