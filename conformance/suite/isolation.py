"""Two runs at once against one target (two CI jobs, say) do not disturb each other: a run
observes only the tickets it created or addressed, and a conflict caused by another client
is said as such, never as a nonconformance.

The port's getUserNotifications returns what was generated for the owner "since the last
call, from any client" (reference page), so notifications about other tickets of the same
owner (another run's, a person's) are not this run's to judge. And a user has "one
subscriber at a time": errorCode 26 NotificationViolation on this run's own subscription
means another client subscribed for the owner after this run did.
"""

from __future__ import annotations

from typing import Any

NOTIFICATION_VIOLATION = "26"


def own_notifications(notes: list[dict[str, Any]], tickets: set[str]) -> list[dict[str, Any]]:
    """The notifications about ``tickets`` (those the run created or addressed)."""
    return [n for n in notes if str(n.get("ticketId") or "") in tickets]


def conflict_reason(what: str, error_code: str | None) -> str | None:
    """Why an observation failed, when another client caused it; None otherwise."""
    if what == "getUserNotifications" and error_code == NOTIFICATION_VIOLATION:
        return ("the owner's notifications are held by another client: getUserNotifications "
                "returned errorCode 26 (NotificationViolation) because another run or client "
                "subscribed for the same owner user after this run did (one subscriber at "
                "a time per user); give each concurrent run its own --owner-user")
    return None
