"""What every operation module of the reference ticket port shares: the error codes, the
documented failure (:class:`ServiceError`), the accessors of a decoded request, and
:class:`Operations`, the state of one target that the operation classes (``sessions.py``,
``notifications.py``, ``outbox.py``, ``tickets.py``, ``messages.py``) work on.

Fault switches (see ``faults.py``) and variant switches (see ``variants.py``) sit where each
behaviour lives; each operation module names the ones it reads in ``FAULTS`` and
``VARIANTS`` at its top (tests/test_reference_switches.py holds them to it).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from conformance.reference.mail import Mailer
from conformance.reference.store import Store

if TYPE_CHECKING:
    from conformance.reference.outbox import DelayQueue

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = ("lenient-numbers",)

# Error codes (reference: error codes list)
OK = "0"
INCORRECT_LOGIN_USER = "2"
INVALID_SESSION = "5"
CUSTOM_ERROR = "7"
INVALID_CATEGORY = "8"
INVALID_PRIORITY = "9"
INVALID_SLEVEL = "10"
INVALID_EXTRA_FIELD = "12"
UNKNOWN_TICKET = "13"
UNKNOWN_ATTACHMENT = "16"
INVALID_FIELD = "17"
ATTACHMENT_IN_USE = "24"
UNKNOWN_MESSAGE = "18"
NOTIFICATION_VIOLATION = "26"
INVALID_OWNER = "29"
UNKNOWN_CUSTOMER_ID = "31"
UNKNOWN_TICKET_STATUS = "32"

# Notification types (reference: notification types)
NEW_TICKET = 0x0001
NEW_TICKET_MESSAGE = 0x0002
TICKET_ACTIVATED = 0x0008



def lenient_int(value: str) -> int | None:
    """A number as Python's int() or float() reads it (any script's digits, spaces around,
    "1.0"), when it is a whole number in range; else None."""
    try:
        number = float(value) if "." in value else int(value)
    except (ValueError, OverflowError):
        return None
    return int(number) if number == int(number) and 0 <= number < 2**63 else None

class ServiceError(Exception):
    """A documented failure: the call returns ``code`` and changes nothing."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class CommittedError(ServiceError):
    """Fault "no-transaction" only: an error found after the writes, returned as a code
    while the writes are committed anyway."""


def text(req: dict[str, Any], key: str) -> str:
    """A string parameter; xmlschema decodes empty content as None."""
    value = req.get(key)
    return "" if value is None else str(value)


def items(req: dict[str, Any], key: str) -> list[Any]:
    """The items of a wrapped list parameter (``<key><item>..</item></key>``)."""
    value = req.get(key) or {}
    return [("" if v is None else v) for v in (value.get("item") or [])]


def wrap(values: list[Any]) -> dict[str, Any]:
    """A wrapped list for encoding (an empty list must be ``{}`` for xmlschema)."""
    return {"item": values} if values else {}



class Operations:
    """The state of one target the operations share, and its fault and variant switches."""

    store: Store
    mailer: Mailer
    faults: frozenset[str]
    variants: frozenset[str]  # legitimate variations (variants.py)
    session_ttl: float
    _queue: DelayQueue | None  # variants notify-delayed and mail-queued only
    _outbox: list[tuple[Any, ...]]  # what the call in progress sends once committed
    _last_message_id: str | None  # fault "message-id-reuse" only
    _previous_message_ticket: int | None  # fault "message-on-previous-ticket" only
    _reuse_next: bool
    _local: threading.local  # fault "lost-concurrent-messages" only

    def fault(self, name: str) -> bool:
        return name in self.faults

    def variant(self, name: str) -> bool:
        return name in self.variants

    def id_number(self, value: str) -> int | None:
        """The row id a ticket, message or attachment id names, or None: ASCII digits
        only (variant "lenient-numbers": whatever a lenient int() parser reads)."""
        if self.variant("lenient-numbers"):
            return lenient_int(value)
        return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
