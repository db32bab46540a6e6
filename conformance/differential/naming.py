"""Which checks already name a difference: each observed field is watched by the checks
whose oracle reads it. A difference in a field whose watching check failed in this run is
that check's finding already; any other difference is the differential oracle's own."""

from __future__ import annotations

import re

# (operation pattern, path pattern, checks watching it); the first match wins
WATCHERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"addMessage\d?$", r"^errorCode", ("AM-ERR-SESSION", "AM-ERR-TICKET", "AM-ERR-SLEVEL",
                                        "AM-ERR-ATTACHMENT", "AM-ERRORCODE",
                                        "AM-ERR-NO-CHANGE")),
    (r"addMessage\d?$", r"^messageId", ("AM-MESSAGE-ID",)),
    (r"addMessage\d?$", r"^(fault|answer|error)", ("AM-SCHEMA", "AM-ROBUST-FAULT")),
    (r"getTicket$", r"ticket\.status", ("AM-STATUS", "AM-STATEFUL")),
    (r"getTicket$", r"messageIds", ("AM-MESSAGE-LISTED", "AM-MESSAGE-ID", "AM-CONCURRENT",
                                    "AM-STATEFUL")),
    (r"getTicket$", r"ticketResult", ("AM-TICKET-FIELDS", "AM-ERR-NO-CHANGE",
                                      "AM-ROBUST-NO-CHANGE", "AM-STATEFUL")),
    (r"getMessage$", r"message\.body", ("AM-BODY-EXACT", "AM23-TEMPLATE", "AM-DIFFERENTIAL")),
    (r"getMessage$", r"message\.html_body", ("AM3-HTML",)),
    (r"getMessage$", r"message\.slevel", ("AM-SLEVEL", "AM-DIFFERENTIAL")),
    (r"getMessage$", r"attachmentInfo", ("AM-ATTACHMENTS", "AM-ATTACHMENT-BYTES",
                                         "AM-DIFFERENTIAL")),
)


def watchers(operation: str, path: str) -> tuple[str, ...]:
    for op_pattern, path_pattern, checks in WATCHERS:
        if re.match(op_pattern, operation) and re.search(path_pattern, path):
            return checks
    return ()


def named_by(operation: str, path: str, failed: set[str]) -> list[str]:
    """The failed checks of this run that watch ``path`` of ``operation``'s answer."""
    return [c for c in watchers(operation, path) if c in failed]
