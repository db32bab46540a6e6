"""AM23-TEMPLATE's rule: %message.body% must be the body sent, the template's literal text
must stay, and any other %name% (the target's own variables) may become anything."""

from __future__ import annotations

from conformance.suite.checks.extensions import template_allows


def test_other_variables_may_become_anything_the_body_must_be_exact() -> None:
    allows = template_allows("Request %ticket.id%:\n%message.body%\n-- %user.name%", "a*b")
    assert allows.fullmatch("Request 1605:\na*b\n-- Egon")
    assert allows.fullmatch("Request :\na*b\n-- ")
    assert not allows.fullmatch("Request 1605:\na*c\n-- Egon")  # the body changed
    assert not allows.fullmatch("Request 1605:\n%message.body%\n-- Egon")  # not filled
    assert not allows.fullmatch("Ticket 1605:\na*b\n-- Egon")  # the literal text changed


def test_a_template_with_the_placeholder_alone_is_exact() -> None:
    allows = template_allows("Hello,\n%message.body%\nBye", "x")
    assert allows.fullmatch("Hello,\nx\nBye") and not allows.fullmatch("Hello,\nx\nBye ")
