"""Secrets never appear in what the suite writes, and redacting them leaves the rest
readable: a one-character password is replaced where it stands alone, not inside every
word that holds its letter."""

from __future__ import annotations

from conformance.reference.limits import public_reason
from conformance.suite.outcome import Redactor


def test_a_short_secret_is_redacted_as_a_whole_token_only() -> None:
    redactor = Redactor()
    redactor.add("p")
    shown = redactor.text('http://127.0.0.1:1/x <password>p</password> "p" user:p@host setup')
    assert shown == ('http://127.0.0.1:1/x <password>[REDACTED]</password> "[REDACTED]" '
                     'user:[REDACTED]@host setup')


def test_a_long_secret_is_redacted_wherever_it_appears() -> None:
    redactor = Redactor()
    redactor.add("norges bank", "a1b2c3d4e5f6")
    shown = redactor.deep({"k": ["xa1b2c3d4e5f6y", "pw=norges bank;"]})
    assert shown == {"k": ["x[REDACTED]y", "pw=[REDACTED];"]}


def test_fault_strings_lose_libxml2s_advice_in_both_forms() -> None:
    for hint in ("use XML_PARSE_HUGE option", "try XML_PARSE_HUGE"):
        reason = public_reason("malformed XML: Resource limit exceeded: Text node too long, "
                               f"{hint}, line 1, column 10004001")
        assert "XML_PARSE" not in reason and "Text node too long" in reason
        assert reason.endswith("line 1, column 10004001")
