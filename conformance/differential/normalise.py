"""Normalising a decoded answer so that two correct implementations give the same tree:

- ids are mapped to placeholders (``ticket#1``, ``message#2``, ...) in the order the script
  first meets them, separately on each side, so equal behaviour gives equal placeholders;
- session and notification keys, and date/time values (by the field's documented type
  TypeDate/TypeDateTime/TypeTime, or an ISO 8601 shape) are masked;
- lists the contract does not order (field/value results, attachment infos,
  notifications, messageIds: "list of ints") are compared as sorted lists;
- a SOAP Fault keeps its faultcode only (the faultstring is the implementation's prose).

ticket-port.md (Interoperability): namespace prefixes, element order where the schema allows
it and whitespace outside text are not conformance questions; the decoded values already
leave the serialisation behind."""

from __future__ import annotations

import json
import re
from typing import Any

from conformance.suite.client import Reply

MASK_KEYS = {"sessionKey": "<session-key>", "notificationKey": "<notification-key>",
             "attachmentKey": "<attachment-key>"}
ID_KEYS = {"ticketId": "ticket", "messageId": "message", "attachmentId": "attachment"}
ID_FIELDS = {"ticket.id": "ticket", "message.id": "message", "attachment.id": "attachment"}
LIST_IDS = {"messageIds": "message"}
TIME_TYPES = {"TypeDate", "TypeDateTime", "TypeTime"}
ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
                      r"(Z|[+-]\d{2}:?\d{2})?$")


class IdMap:
    """Raw ids of one side to placeholders, by kind, in order of first appearance."""

    def __init__(self) -> None:
        self.by_kind: dict[str, dict[str, str]] = {}

    def map(self, kind: str, raw: Any) -> str:
        if raw is None or str(raw) == "":
            return ""
        known = self.by_kind.setdefault(kind, {})
        return known.setdefault(str(raw), f"{kind}#{len(known) + 1}")


def normalise_reply(reply: Reply, ids: IdMap) -> Any:
    if reply.fault is not None:
        return {"fault": {"code": reply.fault.code}}
    return normalise(reply.data, ids)


def normalise(value: Any, ids: IdMap, key: str = "") -> Any:
    if isinstance(value, dict):
        if "field" in value and "value" in value:
            return _field_item(value, ids)
        return {k: _entry(k, v, ids) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return sorted((normalise(v, ids, key) for v in value), key=_sort_key)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str) and ISO_TIME.match(value.strip()):
        return "<time>"
    return value


def _entry(key: str, value: Any, ids: IdMap) -> Any:
    if key in MASK_KEYS:
        return MASK_KEYS[key] if value not in (None, "") else value
    if key in ID_KEYS:
        return ids.map(ID_KEYS[key], value)
    if key in LIST_IDS and isinstance(value, dict):
        items = value.get("item") or []
        return sorted(ids.map(LIST_IDS[key], i) for i in items)
    if key == "id" and not isinstance(value, dict | list):  # attachmentInfo's id
        return ids.map("attachment", value)
    return normalise(value, ids, key)


def _field_item(item: dict[str, Any], ids: IdMap) -> dict[str, Any]:
    field, kind, value = str(item.get("field")), item.get("type"), item.get("value")
    out = {k: normalise(v, ids) for k, v in sorted(item.items()) if k != "value"}
    if field in ID_FIELDS:
        out["value"] = ids.map(ID_FIELDS[field], value)
    elif kind in TIME_TYPES or (isinstance(value, str) and ISO_TIME.match(value.strip())):
        out["value"] = "<time>" if value not in (None, "") else value
    else:
        out["value"] = value
    return out


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def differences(target: Any, reference: Any, path: str = "") -> list[dict[str, Any]]:
    """Field-by-field differences of two normalised trees: ``{path, target, reference}``."""
    if isinstance(target, dict) and isinstance(reference, dict):
        out = []
        for key in sorted(set(target) | set(reference)):
            out += differences(target.get(key, "<absent>"), reference.get(key, "<absent>"),
                               f"{path}.{key}" if path else key)
        return out
    if isinstance(target, list) and isinstance(reference, list):
        fields_t = _by_field(target)
        fields_r = _by_field(reference)
        if fields_t is not None and fields_r is not None:
            return differences(fields_t, fields_r, path)
        if len(target) == len(reference):
            return [d for i, (t, r) in enumerate(zip(target, reference, strict=True))
                    for d in differences(t, r, f"{path}[{i}]")]
    if target != reference:
        return [{"path": path or "answer", "target": target, "reference": reference}]
    return []


def _by_field(items: list[Any]) -> dict[str, Any] | None:
    """A list of field/value items as a dict keyed by field (None if it is not one)."""
    if not items or not all(isinstance(i, dict) and "field" in i for i in items):
        return None
    return {str(i["field"]): {k: v for k, v in i.items() if k != "field"} for i in items}
