"""Fixed examples at the edges of the addMessage family's inputs, and its coverage phase.

- Sizes where storage commonly cuts text (255, 4 000, 8 000, 32 767, 65 535 UTF-8 bytes and
  1 MiB), each with a multi-byte character straddling the boundary, so that a cut at that
  byte (or character) count loses or splits it; for the body and the HTML body.
- Every line-ending form: LF, CRLF, CR and a mix.
- Attachments: empty, large (over 1 MiB), and many per call (six distinct plus repeats).
- The coverage phase: all pairs of the parameter values (``pairwise.py``), run before any
  random example.

Which of them a profile runs: the quick profile gets the line endings, one size past the
common cuts and the small attachment cases; standard and thorough get everything.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Any

from hypothesis import strategies as st

from conformance.strategies import domain
from conformance.strategies.pairwise import all_pairs

SIZES = (255, 4000, 8000, 32767, 65535, 1024 * 1024)
QUICK_SIZES = (65535,)
# The straddling characters: 4 bytes in the body, 3 in the HTML body, 2 for drawn ones.
BODY_STRADDLE, HTML_STRADDLE = "\U0001f600", "\u20ac"
STRADDLERS = ("\u00e6", "\u20ac", "\U0001f600", "\u05e9")
LINE_ENDINGS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}
FILLER = "lorem ipsum dolor sit amet, consectetur adipiscing elit; "
EMPTY: dict[str, list[str]] = {"to": [], "cc": [], "bcc": []}
RECIPIENTS = {
    "none": EMPTY,
    "one": {role: [f"{role}-pair@{domain.CAPTURE_DOMAIN}"] for role in ("to", "cc", "bcc")},
    "many": {role: [f"{role}-pair{i}@{domain.CAPTURE_DOMAIN}" for i in (1, 2)]
             for role in ("to", "cc", "bcc")},
}


def full(profile: str) -> bool:
    return profile != "quick"


def straddling(size: int, char: str, head: str = "", tail: str = "\r\nend") -> str:
    """Text whose UTF-8 form has ``char`` across byte ``size``: its first byte is the
    ``size``-th, so a cut at ``size`` bytes splits it (or drops it, cut at a character)."""
    filler_bytes = size - 1 - len(head.encode())
    filler = (FILLER * (filler_bytes // len(FILLER) + 1))[:filler_bytes]
    return head + filler + char + tail


def utf8_size(value: str) -> int:
    return len(value.encode("utf-8", "surrogatepass"))


def _example(variant: int, body: str, html_body: str = "<p>html</p>", **extra: Any
             ) -> dict[str, Any]:
    return {"variant": variant, "session": "valid", "ticket": "own", "status": "open",
            "slevel": "2", "attachments": [], "notify": False, "body": body,
            "html_body": html_body, "template": "none", "mail": EMPTY, **extra}


def size_examples(profile: str) -> list[dict[str, Any]]:
    """Body and HTML body past each size; addMessage3 (both bodies) at every size, the
    other variants at two of them (standard)."""
    sizes = SIZES if full(profile) else QUICK_SIZES
    examples = [_example(3, straddling(n, BODY_STRADDLE),
                         straddling(n, HTML_STRADDLE, "<p>", "</p>")) for n in sizes]
    if full(profile):
        examples += [_example(1, straddling(4000, "\u00e6")),
                     _example(2, straddling(65535, "\u20ac"), status="close")]
    return examples


def drawn_sizes() -> st.SearchStrategy[dict[str, Any]]:
    """A body and HTML body a few bytes either side of one of the sizes (thorough)."""
    return st.builds(
        lambda n, d, c, v: _example(v, straddling(n + d, c), straddling(n - d, c, "<p>", "</p>")),
        st.sampled_from(SIZES), st.integers(-3, 3), st.sampled_from(STRADDLERS),
        st.sampled_from(domain.VARIANTS))


def line_ending_bodies() -> dict[str, str]:
    forms = {name: f"line one{nl}line two{nl}{nl}end{nl}" for name, nl in
             LINE_ENDINGS.items()}
    forms["mixed"] = "a\nb\r\nc\rd\n\re\r\n\r\nf\r"
    return forms


def line_ending_examples() -> list[dict[str, Any]]:
    """Each line-ending form in the body, across the variants, and in both bodies of
    addMessage3."""
    examples = []
    for n, body in enumerate(line_ending_bodies().values()):
        for variant in dict.fromkeys((1 + n % 3, 3)):
            examples.append(_example(variant, body, f"<p>{body}</p>", slevel=str(1 + n % 2)))
    return examples


def _attachment(name: str, content_type: str, data: bytes) -> dict[str, Any]:
    return {"kind": "new", "name": name, "content_type": content_type,
            "data": base64.b64encode(data).decode("ascii")}


def large_bytes(size: int = 1024 * 1024 + 3) -> bytes:
    """Deterministic bytes that do not compress to nothing, with CR LF and NUL inside."""
    block = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(2048))
    data = (block * (size // len(block) + 1))[:size - 4]
    return data + b"\r\n\x00\xff"


def attachment_lists(profile: str, large: bool = True) -> list[list[dict[str, Any]]]:
    """Empty, many (six distinct plus repeats) and, at standard with ``large``, over
    1 MiB (one such round trip costs seconds of XSD base64 decoding on both sides)."""
    many = [_attachment(f"file-{i}.{ext}", ctype, f"part {i}\r\n".encode() * (i + 1))
            for i, (ext, ctype) in enumerate([
                ("txt", "text/plain"), ("pdf", "application/pdf"), ("png", "image/png"),
                ("bin", "application/octet-stream"), ("csv", "text/csv; charset=utf-8"),
                ("xml", "application/xml")])]
    lists = [[_attachment("empty.txt", "text/plain", b"")],
             [*many, {"kind": "repeat", "index": 0}, {"kind": "repeat", "index": 5},
              {"kind": "repeat", "index": 0}]]
    if full(profile) and large:
        lists.append([_attachment("large.bin", "application/octet-stream", large_bytes()),
                      _attachment("empty.bin", "application/octet-stream", b"")])
    return lists


def attachment_examples(profile: str, large: bool = False) -> list[dict[str, Any]]:
    return [_example(1 + n % 3, "attachments", attachments=lst, slevel=str(1 + n % 2))
            for n, lst in enumerate(attachment_lists(profile, large))]


# The parameters of the coverage phase and their values (attachments: how many uploads).
PAIRWISE: dict[str, tuple[Any, ...]] = {
    "variant": domain.VARIANTS, "slevel": domain.VALID_SLEVELS,
    "notify": (False, True), "status": domain.STATUSES, "attachments": (0, 1, 3),
    "recipients": tuple(RECIPIENTS), "template": ("none",)}


def _allowed(row: dict[str, Any]) -> bool:
    """addMessage has no reply template and no recipients."""
    if row.get("variant") == 1:
        return bool(row.get("template", "none") == "none"
                    and row.get("recipients", "none") == "none")
    return True


def _row_example(row: dict[str, Any], session: str) -> dict[str, Any]:
    uploads = [_attachment(f"pair-{i}.txt", "text/plain", f"pair {i}\r\n".encode())
               for i in range(row["attachments"])]
    if len(uploads) > 1:
        uploads.append({"kind": "repeat", "index": 0})
    return {"variant": row["variant"], "session": row.get("session", session),
            "ticket": "own", "status": row["status"], "slevel": row["slevel"],
            "attachments": uploads, "notify": row["notify"], "body": domain.SINK_BODY,
            "html_body": "<p>pairwise \u00e6</p>", "template": row["template"],
            "mail": RECIPIENTS[row["recipients"]]}


def pairwise_rows(attachments_min: int = 0, templates: bool = False,
                  sessions: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [dict(row) for row in _rows(attachments_min, templates, sessions)]


@functools.lru_cache(maxsize=16)
def _rows(attachments_min: int, templates: bool, sessions: tuple[str, ...]
          ) -> tuple[tuple[tuple[str, Any], ...], ...]:
    parameters: dict[str, tuple[Any, ...]] = dict(PAIRWISE)
    parameters["attachments"] = tuple(n for n in PAIRWISE["attachments"]
                                      if n >= attachments_min) or (attachments_min,)
    if templates:
        parameters["template"] = ("none", "existing")
    if sessions:
        parameters["session"] = sessions
    return tuple(tuple(row.items()) for row in all_pairs(parameters, _allowed))


def pairwise_valid(attachments_min: int = 0, templates: bool = False
                   ) -> list[dict[str, Any]]:
    """The coverage phase for checks of valid calls."""
    return [_row_example(r, "valid") for r in pairwise_rows(attachments_min, templates)]


def pairwise_sessions(sessions: tuple[str, ...] = domain.SESSION_KINDS_INVALID
                      ) -> list[dict[str, Any]]:
    """The coverage phase with the session kind as one more parameter."""
    return [_row_example(r, "valid") for r in pairwise_rows(sessions=sessions)]
