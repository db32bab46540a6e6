"""Evidence of an exchange as the report and results.json show it: the HTTP method, URL,
status and headers of the request and the response, with every secret header value
redacted (basic or bearer authorization, cookies, and the values of the run's extra
``--header`` options, which carry API keys and tokens more often than not). A SOAPAction
or Content-Type finding is then visible in the evidence itself."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

REDACTED = "[REDACTED]"
# Headers whose value is a credential whatever the run's options are.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie",
                            "x-api-key", "x-auth-token"})


def redact_headers(headers: Mapping[str, object] | None, secret_names: Iterable[str] = ()
                   ) -> dict[str, str]:
    """``headers`` as a plain dict, the value of each secret header replaced by a marker."""
    secret = SECRET_HEADERS | {name.lower() for name in secret_names}
    return {str(name): REDACTED if str(name).lower() in secret else str(value)
            for name, value in (headers or {}).items()}


MAIL_HEADERS = ("Message-ID", "Date", "From", "To", "Cc", "Bcc", "Subject")


def mail_fact(envelope_to: list[str], message: Mapping[str, object]) -> dict[str, object]:
    """One received mail as evidence: the SMTP envelope's recipients (who it went to) and
    the headers that identify it and name its recipients (``message`` is an
    :class:`email.message.EmailMessage` or any mapping of header names)."""
    headers = {name: str(message.get(name)) for name in MAIL_HEADERS
               if message.get(name) is not None}
    return {"envelope_to": list(envelope_to), "headers": headers}
