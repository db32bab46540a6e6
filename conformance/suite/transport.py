"""The transport rules of the suite's HTTP client, in one place: redirects (never followed
to another origin, and only with ``--follow-redirects same-origin`` at all), the cap on
what a response may weigh, and HTTP-library failures said in words a user can act on
("the target closed the connection after 151 of 302 bytes", "no answer within 5 s")
instead of the library's own messages (``IncompleteRead(151 bytes read, ...)``).
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:  # requests is imported when a run starts, not for `conformance --help`
    import requests

MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # the default of --max-response-bytes
NO_REDIRECTS, SAME_ORIGIN = "no", "same-origin"
REDIRECT_POLICIES = (NO_REDIRECTS, SAME_ORIGIN)
MAX_HOPS = 5
METHOD_KEEPING = {307, 308}  # RFC 9110 section 15.4: only these keep a POST a POST


class RedirectRefused(Exception):
    """A redirect the suite does not follow; the message says where it pointed."""


class TooLarge(Exception):
    """A response larger than the cap."""


def origin(url: str) -> tuple[str, str, int | None]:
    """RFC 6454 origin: scheme, host and port (the scheme's default port made explicit)."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or default


def next_hop(response: requests.Response, url: str, policy: str, method: str,
             hops: int) -> str:
    """Where to go after the redirect ``response`` to a request to ``url``; raises
    :class:`RedirectRefused` where the policy does not allow following it."""
    location = response.headers.get("Location", "")
    target = urljoin(url, location)
    said = f"the target answered HTTP {response.status_code} redirecting to {location}"
    if policy != SAME_ORIGIN:
        raise RedirectRefused(f"{said}; redirects are not followed (nothing was sent "
                              "there; --follow-redirects same-origin follows those to the "
                              "same origin)")
    if origin(target) != origin(url):
        raise RedirectRefused(f"{said}, another origin than the target's: not followed, "
                              "nothing was sent there")
    if method == "POST" and response.status_code not in METHOD_KEEPING:
        raise RedirectRefused(f"{said}; only 307 and 308 keep a POST a POST, so it is not "
                              "followed")
    if hops >= MAX_HOPS:
        raise RedirectRefused(f"{said}: more than {MAX_HOPS} redirects, not followed")
    return target


def read_capped(response: requests.Response, limit: int) -> bytes:
    """The body of a streamed response, refusing more than ``limit`` bytes."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise TooLarge(f"the response is larger than the limit of {limit} bytes "
                       f"(--max-response-bytes): it announces {int(declared)}")
    chunks, size = [], 0
    for chunk in _chunks(response):
        size += len(chunk)
        if size > limit:
            response.close()
            raise TooLarge(f"the response is larger than the limit of {limit} bytes "
                           "(--max-response-bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _chunks(response: requests.Response) -> Iterator[bytes]:
    yield from response.iter_content(65536)


def reason(exc: BaseException, timeout: float) -> str:
    """One sentence for a failure of the HTTP exchange."""
    import requests
    import urllib3.exceptions

    if isinstance(exc, RedirectRefused | TooLarge):
        return str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        detail = str(exc)
        hint = ("the server's certificate is not trusted (see --ca-bundle)"
                if "CERTIFICATE_VERIFY_FAILED" in detail else
                "the TLS handshake was refused (a client certificate required? see "
                "--client-cert/--client-key)")
        return f"TLS failure: {hint}"
    incomplete = _find(exc, urllib3.exceptions.IncompleteRead, http.client.IncompleteRead)
    if incomplete is not None:
        got, missing = _incomplete_sizes(incomplete)
        if missing is not None:
            return (f"the target closed the connection after {got} of {got + missing} "
                    "bytes of its answer")
        return f"the target closed the connection after {got} bytes of its answer"
    text = _chain_text(exc).lower()
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in text:
        return f"the target did not answer within {timeout:g} s"
    if "refused" in text:
        return "connection refused by the target"
    if "reset" in text or "aborted" in text or "broken pipe" in text:
        return "the target reset the connection"
    if "remotedisconnected" in text or "without response" in text:
        return "the target closed the connection without answering"
    if "name or service not known" in text or "nodename nor servname" in text or (
            "failed to resolve" in text):
        return "the target's host name cannot be resolved"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return f"the URL is not usable: {str(exc)[:160]}"
    if isinstance(exc, requests.exceptions.RetryError) and str(exc):
        return str(exc)  # --rate-limit auto: the bounded wait for 429 answers was used up
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the target broke off its answer (invalid chunked encoding)"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "the target's answer cannot be decoded (its Content-Encoding is broken)"
    return f"cannot talk to the target ({type(exc).__name__})"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend(e for e in (current.__cause__, current.__context__,
                                getattr(current, "reason", None)) if isinstance(
                                    e, BaseException))


def _find(exc: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    return next((e for e in _chain(exc) if isinstance(e, kinds)), None)


def _chain_text(exc: BaseException) -> str:
    return " ".join(f"{type(e).__name__} {e}" for e in _chain(exc))


def _incomplete_sizes(exc: BaseException) -> tuple[int, int | None]:
    partial = getattr(exc, "partial", b"")
    expected = getattr(exc, "expected", None)
    got = partial if isinstance(partial, int) else len(partial)
    return got, expected if isinstance(expected, int) else None
