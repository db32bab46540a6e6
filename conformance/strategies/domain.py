"""Domain strategies for the addMessage family, on top of the XSD-general ones.

An example is a plain, JSON-able dict (so that a failing one can be stored in results.json
and replayed): which variant, which kind of session, ticket, sLevel, attachments, body,
notification flag, reply template and recipients. The suite's context turns it into real
ids on the target. Valid and invalid choices are drawn separately so that each check asks
only for the inputs it is about.
"""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import strategies as st

from conformance.strategies.xmltext import xml_text

VARIANTS = (1, 2, 3)
VALID_SLEVELS = ("1", "2")
# Ticket statuses the suite sets with setTicket (the documented verbs).
STATUSES = ("open", "close")
CAPTURE_DOMAIN = "conformance.test"

# Not a documented sLevel: never 1 or 2, whatever a lenient parser does with spaces or signs.
BAD_SLEVELS = st.one_of(
    # not "1.0" nor " 2": a target that reads sLevel as a number may take them for 1 and 2
    st.sampled_from(["0", "3", "-1", "", "internal", "12", "99", "x"]),
    st.integers(min_value=3, max_value=10**6).map(str),
)
# Ids no target can resolve to one of its tickets: no digit of any script at all (an atoi()
# reads 0; not "\u0661", which Python's int() and .NET's char.IsDigit read as a 1).
MALFORMED_IDS = st.sampled_from(["", "abc", "ticket", "-", "NaN", "one", "x_y"])
UNKNOWN_IDS = st.integers(min_value=900_000_000, max_value=2_000_000_000).map(str)
SESSION_KINDS_INVALID = ("garbage", "logged_out", "empty")

_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)


def bodies(max_size: int = 6000) -> st.SearchStrategy[str]:
    """Message bodies: hostile XML text, sometimes long, sometimes empty."""
    return xml_text(max_size=max_size)


def attachment_data() -> st.SearchStrategy[str]:
    """Attachment bytes (base64 in the example so it stays JSON)."""
    raw = st.one_of(st.binary(max_size=64), st.binary(min_size=256, max_size=4096),
                    st.just(bytes(range(256))), st.just(b"line1\r\nline2\n\x00\xff"))
    return raw.map(lambda b: base64.b64encode(b).decode("ascii"))


SAFE_NAMES = st.from_regex(r"[A-Za-z0-9\u00e6\u00f8\u00e5\u00c6\u00d8\u00c5\u00e9\u4e2d_-]"
                           r"{1,16}( [A-Za-z0-9_-]{1,8})?\.[a-z0-9]{1,4}", fullmatch=True)


def new_attachment() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "kind": st.just("new"),
        # names any file store keeps (letters of any script, digits, "-", "_", inner
        # spaces, an extension); what a target may tidy (path separators, white space at
        # the edges) is AM-TEXT-EXACT's, a SHOULD
        "name": st.one_of(st.sampled_from(["a.txt", "report.pdf", "bilde æøå.png"]),
                          SAFE_NAMES),
        "content_type": st.sampled_from(["text/plain", "application/octet-stream",
                                         "image/png", "application/pdf"]),
        "data": attachment_data(),
    })


def attachments(unknown: bool = False) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Attachment lists: new uploads, repeats of an earlier one (duplicate ids), and with
    ``unknown=True`` at least one id the target does not know."""
    plain = st.lists(new_attachment(), max_size=3).flatmap(_with_repeats)
    if not unknown:
        return plain
    missing = UNKNOWN_IDS.map(lambda i: {"kind": "unknown", "id": i})
    return st.tuples(plain, st.integers(0, 3), missing).map(
        lambda t: t[0][: t[1]] + [t[2]] + t[0][t[1]:])


def _with_repeats(items: list[dict[str, Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    if not items:
        return st.just(items)
    repeats = st.lists(st.integers(0, len(items) - 1), max_size=2)
    return repeats.map(lambda idx: items + [{"kind": "repeat", "index": i} for i in idx])


with_repeats = _with_repeats  # uploads followed by repeats of some of them


def legal_address(role: str) -> st.SearchStrategy[str]:
    """A legal address at the capture domain; the role is in the local part."""
    return _LOCAL.map(lambda local: f"{role}-{local}@{CAPTURE_DOMAIN}")


ILLEGAL_ADDRESSES = st.sampled_from([
    "no-at-sign", "two@@conformance.test", "spa ce@conformance.test", "@conformance.test",
    "user@", "", "user@@", "<>", "a@b@c",
])


def recipients(illegal: bool = True) -> st.SearchStrategy[dict[str, list[str]]]:
    def field(role: str) -> st.SearchStrategy[list[str]]:
        legal = st.lists(legal_address(role), max_size=2, unique=True)
        if not illegal:
            return legal
        return st.tuples(legal, st.lists(ILLEGAL_ADDRESSES, max_size=1)).map(
            lambda pair: pair[0] + pair[1])

    return st.fixed_dictionaries({"to": field("to"), "cc": field("cc"), "bcc": field("bcc")})


def add_message(
    *,
    variants: tuple[int, ...] = VARIANTS,
    session: st.SearchStrategy[str] | None = None,
    ticket: st.SearchStrategy[str] | None = None,
    slevel: st.SearchStrategy[str] | None = None,
    attachment_lists: st.SearchStrategy[list[dict[str, Any]]] | None = None,
    notify: st.SearchStrategy[bool] | None = None,
    template: st.SearchStrategy[str] | None = None,
    mail: st.SearchStrategy[dict[str, list[str]]] | None = None,
    status: st.SearchStrategy[str] | None = None,
    body: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """An addMessage-family example; every part valid unless a strategy is given for it."""
    return st.fixed_dictionaries({
        "variant": st.sampled_from(variants),
        "session": session if session is not None else st.just("valid"),
        "ticket": ticket if ticket is not None else st.just("own"),
        "status": status if status is not None else st.sampled_from(STATUSES),
        "slevel": slevel if slevel is not None else st.sampled_from(VALID_SLEVELS),
        "attachments": attachment_lists if attachment_lists is not None else attachments(),
        "notify": notify if notify is not None else st.booleans(),
        "body": body if body is not None else bodies(),
        "html_body": xml_text(max_size=200),
        "template": template if template is not None else st.just("none"),
        "mail": mail if mail is not None else st.just({"to": [], "cc": [], "bcc": []}),
    })


# A body with every kind of character that implementations get wrong, past 1000 characters.
SINK_BODY = ("  <b>Tom & \"Jerry\"</b> &amp; ]]> \r\n\tline two\r\nbare CR\rend \U0001f600 "
             "\U0001d11e \u05e9\u05dc\u05d5\u05dd e\u0301 \u202e\u0085 " + "lorem ipsum " * 90
             + " tail  ")
SINK_DATA = base64.b64encode(b"line1\r\nline2\n\x00\xff" + bytes(range(256))).decode()


# (variant, status) pairs of the fixed examples: every variant, every status, and the
# deprecated addMessage on both statuses.
SYSTEMATIC = ((1, "close"), (1, "open"), (2, "open"), (3, "close"), (2, "close"))


def systematic(variants: tuple[int, ...] = VARIANTS, **overrides: Any) -> list[dict[str, Any]]:
    """Fixed examples that cover every variant and status with a hostile body, two
    attachments (one repeated) and both sLevels; a quick run with few generated examples
    still meets each of these once. ``overrides`` replace fields of every example."""
    examples = []
    for n, (variant, status) in enumerate(SYSTEMATIC[:4] if variants == VARIANTS
                                          else SYSTEMATIC):
        if variant in variants:
            example = {
                "variant": variant, "session": "valid", "ticket": "own", "status": status,
                "slevel": VALID_SLEVELS[n % 2],
                "attachments": [
                    {"kind": "new", "name": "one.txt", "content_type": "text/plain",
                     "data": SINK_DATA},
                    {"kind": "new", "name": "two.bin", "content_type": "application/pdf",
                     "data": base64.b64encode(b"%PDF-1.4\r\n").decode()},
                    {"kind": "repeat", "index": 0}],
                "notify": bool(n % 2), "body": SINK_BODY, "html_body": "<p>Hello <b>\u00e6</b></p>",
                "template": "none", "mail": {"to": [], "cc": [], "bcc": []},
            }
            example.update(overrides)
            examples.append(example)
    return examples


def invalid_session() -> st.SearchStrategy[str]:
    return st.sampled_from(SESSION_KINDS_INVALID)


def invalid_ticket() -> st.SearchStrategy[str]:
    """``unknown:<id>`` (well-formed, not on the target) or ``malformed:<text>``."""
    return st.one_of(UNKNOWN_IDS.map(lambda i: f"unknown:{i}"),
                     MALFORMED_IDS.map(lambda t: f"malformed:{t}"))
