"""The variants added for reviewer R's false-alarm findings really change the reference
target's answers (so the suite passing them, in test_suite_variants.py, proves something):
a 400 without a Fault for a malformed request, no getMessage field for the HTML body, and
ids and sLevel read by a lenient number parser."""

from __future__ import annotations

from helpers import DOC_TICKET, Session, action, code, envelope, fields, post, strings


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
