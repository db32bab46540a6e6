"""Id schemes of the reference target's variants ``large-ids`` and ``uuid-ids``.

The store keeps its small sequential integer ids; at the wire the target shows other ids
(random 15-digit numbers, or UUID-like strings for tickets and attachments: message ids are
"a list of ints" in getTicket), mapped both ways per kind of id (ticket,
message, attachment). A request's id the target never showed maps to an id no row has, so an
unknown id stays unknown (13, 16, 18 as documented).
"""

from __future__ import annotations

import random
import threading
import uuid

from lxml import etree

FAULTS: tuple[str, ...] = ()
VARIANTS: tuple[str, ...] = ("large-ids", "uuid-ids")

NO_ROW = "0"  # no ticket, message or attachment has id 0 in the store

# Request and response elements (local names) that carry an id of each kind.
ELEMENT_KIND = {"ticketId": "ticket", "messageId": "message", "attachmentId": "attachment"}
LIST_KIND = {"attachmentIds": "attachment", "messageIds": "message"}
FIELD_KIND = {"ticket.id": "ticket", "message.id": "message", "message.ticket_id": "ticket"}


class IdCodec:
    """A bijection between the store's ids and the ids shown on the wire, per kind."""

    def __init__(self, schemes: frozenset[str]) -> None:
        self.schemes = schemes  # both: UUID-like ticket ids, large message/attachment ids
        self._out: dict[tuple[str, str], str] = {}
        self._in: dict[tuple[str, str], str] = {}
        self._random = random.Random(f"ids:{sorted(schemes)}")
        self._lock = threading.Lock()

    def external(self, kind: str, internal: str) -> str:
        if not internal:
            return internal
        with self._lock:
            shown = self._out.get((kind, internal))
            if shown is None:
                shown = self._new_id(kind)
                while (kind, shown) in self._in:
                    shown = self._new_id(kind)
                self._out[(kind, internal)] = shown
                self._in[(kind, shown)] = internal
            return shown

    def internal(self, kind: str, shown: str) -> str:
        if not shown:
            return shown
        with self._lock:
            return self._in.get((kind, shown.strip()), NO_ROW)

    def _new_id(self, kind: str) -> str:
        # getTicket's messageIds is a "list of ints" (ticket-port.md): message ids stay
        # numbers under uuid-ids (large ones), whatever the other kinds look like
        if "uuid-ids" in self.schemes and kind != "message" and (
                "large-ids" not in self.schemes or kind == "ticket"):
            return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
        return str(self._random.randrange(10**14, 10**15))

    # trees ---------------------------------------------------------------------------
    def map_tree(self, root: etree._Element, to_wire: bool) -> None:
        """Rewrite the ids in a request (``to_wire=False``) or response wrapper."""
        convert = self.external if to_wire else self.internal
        for node in root.iter():
            if not isinstance(node.tag, str):
                continue
            local = etree.QName(node).localname
            kind = ELEMENT_KIND.get(local)
            if kind is not None and len(node) == 0:
                node.text = convert(kind, node.text or "")
            elif local in LIST_KIND:
                for item in node:
                    item.text = convert(LIST_KIND[local], item.text or "")
            elif local == "item":
                self._map_field(node, convert)

    @staticmethod
    def _map_field(item: etree._Element, convert: object) -> None:
        children = {etree.QName(c).localname: c for c in item if isinstance(c.tag, str)}
        field, value = children.get("field"), children.get("value")
        if field is None or value is None:
            return
        kind = FIELD_KIND.get((field.text or "").strip())
        if kind is not None:
            value.text = convert(kind, value.text or "")  # type: ignore[operator]
