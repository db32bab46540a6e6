"""What a check needs from the target beyond the port itself, and the skip reason when
the run found it missing (discovery before the run, the notification subscription).

A target that lacks something a check needs is not thereby non-conformant: the check is
skipped with the reason, and the run goes on (never an abort, never exit 3 for it)."""

from __future__ import annotations

# need -> the checks that cannot judge without it (None: every check that creates tickets)
NEEDS: dict[str, frozenset[str] | None] = {
    "category": None,
    "reply_template": frozenset({"AM23-TEMPLATE"}),
    "html_body": frozenset({"AM3-HTML"}),
    "notifications": frozenset({"AM-NOTIFY-TRUE", "AM-NOTIFY-FALSE", "AM-ERR-NO-CHANGE",
                                "AM-ROBUST-NO-CHANGE", "AM-STATEFUL"}),
}
# Checks that create nothing on the target (they read the served WSDL only).
NO_TICKETS = frozenset({"AM-WSDL"})


def skip_reason(unavailable: dict[str, str], check_id: str) -> str | None:
    """Why ``check_id`` cannot run on this target, or ``None``."""
    for need, why in unavailable.items():
        checks = NEEDS.get(need, frozenset())
        if (checks is None and check_id not in NO_TICKETS) or (
                checks is not None and check_id in checks):
            return why
    return None
