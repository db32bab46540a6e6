"""The variants added for reviewer R's false-alarm findings really change the reference
target's answers (so the suite passing them, in test_suite_variants.py, proves something):
a 400 without a Fault for a malformed request, no getMessage field for the HTML body, ids
and sLevel read by a lenient number parser, flowed and HTML-only mail."""

from __future__ import annotations

from email import message_from_bytes, policy
from typing import Any

from helpers import DOC_TICKET, Session, action, code, envelope, fields, post, strings

from conformance.reference import _variant_mail
from conformance.reference.mail import Recipients


def test_bad_request_400_answers_malformed_xml_with_an_empty_400(make_target) -> None:
    target = make_target(variants=["bad-request-400"])
    response = post(target, b"<soap:Envelope><unclosed>", action("login"))
    assert response.status == 400 and response.body == b""
    wrong_op = envelope("<t:noSuchOperation/>")  # well-formed: still a SOAP Fault
    assert post(target, wrong_op, action("login")).status == 500


def test_no_html_field_refuses_message_html_body_only(make_target, zeep_service) -> None:
    target = make_target(variants=["no-html-field"])
    egon = Session(zeep_service(target))
    added = egon.add(3, body="plain", html="<p>rich</p>")
    assert added.errorCode == "0"
    service = egon.service
    html = service.getMessage(egon.key, added.messageId, strings(["message.html_body"]))
    assert code(html) == "17"
    plain = service.getMessage(egon.key, added.messageId,
                               strings(["message.id", "message.body", "message.slevel"]))
    assert code(plain) == "0" and fields(plain.messageResult)["message.body"] == "plain"


def test_lenient_numbers_read_other_digits_and_decimal_slevels(make_target,
                                                               zeep_service) -> None:
    target = make_target(variants=["lenient-numbers"])
    egon = Session(zeep_service(target))
    arabic = "".join(chr(0x0660 + int(d)) for d in DOC_TICKET)  # the same number
    added = egon.add(1, ticket=arabic, slevel="1.0")
    assert added.errorCode == "0"
    assert str(added.messageId) in egon.message_ids(DOC_TICKET)
    strict = make_target()
    assert Session(zeep_service(strict)).add(1, ticket=arabic).errorCode == "13"
    assert Session(zeep_service(strict)).add(1, slevel="1.0").errorCode == "10"


def _one_mail(variant: str, body: str, html_body: str = "") -> Any:
    recipients = Recipients(["to@conformance.test"], [], [])
    [(mail, envelope)] = _variant_mail.mails("subject", body, html_body, recipients, {},
                                             frozenset({variant}))
    assert envelope == ["to@conformance.test"]
    return message_from_bytes(mail.as_bytes(), policy=policy.default)


def test_mail_flowed_cuts_long_lines_as_rfc_3676_says() -> None:
    body = "word " * 300 + "\n" + "x" * 1106  # the suite's fixed body has such a line
    mail = _one_mail("mail-flowed", body)
    plain = mail.get_body(("plain",))
    assert plain.get_param("format") == "flowed" and plain.get_param("delsp") == "yes"
    lines = plain.get_content().splitlines()
    assert max(len(line) for line in lines) <= 78 and len(lines) > 10
    unstuffed = [line[1:] if line.startswith(" ") else line for line in lines]
    unflowed = "".join(line[:-1] if line.endswith(" ") else line + "\n" for line in unstuffed)
    assert unflowed.rstrip("\n") == body.replace("word \n", "word\n")


def test_mail_html_only_sends_the_html_version_alone() -> None:
    mail = _one_mail("mail-html-only", "plain version", "<p>rich version</p>")
    assert mail.get_body(("plain",)) is None
    assert "<p>rich version</p>" in mail.get_body(("html",)).get_content()


def test_busy_503_refuses_concurrent_calls_and_am_concurrent_still_passes() -> None:
    """The suite passes a target that takes one addMessage at a time (variant busy-503):
    the refused calls are sent again alone and stored; the variant really refused some."""
    from suite_runs import prepare_and_run

    from conformance.reference import ReferenceTarget, TargetConfig

    with ReferenceTarget(TargetConfig(variants=["busy-503"])) as target:
        outcome = prepare_and_run(target.endpoint, target.wsdl_url,
                                  ["AM-CONCURRENT"])["AM-CONCURRENT"]
        refusals = target.app.busy_refusals
    assert outcome.status == "passed", outcome.failure
    assert refusals > 0
