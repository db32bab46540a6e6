"""The comparison rules of the round-trip oracles: media types equal by meaning (RFC 2045
5.1, RFC 2046 4.1.2), a target storing them in canonical form passes AM-ATTACHMENT-META,
cut bodies described in UTF-8 bytes, uploads matched to the ids they got."""

from __future__ import annotations

import pytest

from conformance.reference._variant_values import canonical_media_type
from conformance.suite.checks.limits import describe_cut
from conformance.suite.checks.roundtrip import same_media_type, uploaded
from conformance.suite.context import Prepared
from conformance.suite.detection import run_embedded


@pytest.mark.parametrize(("sent", "got"), [
    ("text/plain", "TEXT/Plain"), ("text/csv; charset=utf-8", "text/csv;charset=UTF-8"),
    ("a/b; x=1; y=2", "a/b; y=2; X=1"), ('a/b; x="1 2"', "a/b; x=\"1 2\""),
    ('a/b; x="q"', "a/b; x=q"),  # RFC 2045 5.1: the quotes are not part of the value
    ("text/plain", "text/plain; charset=US-ASCII"),  # RFC 2046 4.1.2: the default
    ("text/plain; charset=us-ascii", "text/plain")])
def test_equal_media_types(sent: str, got: str) -> None:
    assert same_media_type(sent, got)


@pytest.mark.parametrize(("sent", "got"), [
    ("text/plain", "application/octet-stream"), ("text/plain", "text/plain; charset=utf-8"),
    ("a/b; x=Q", "a/b; x=q"), ("image/png", ""),
    ("application/pdf", "application/pdf; charset=us-ascii"),  # the default is text/*'s
    ("text/plain; format=flowed", "text/plain"), ("text/plain; charset=utf-8", "text/plain")])
def test_different_media_types(sent: str, got: str) -> None:
    assert not same_media_type(sent, got)


def test_canonical_form_is_the_same_media_type() -> None:
    for value in ("Text/Plain", "TEXT/html; Charset=UTF-8; Foo=Bar", "image/png", "a/b;x=1"):
        assert same_media_type(value, canonical_media_type(value))
    assert canonical_media_type("Text/Plain") == "text/plain; charset=us-ascii"


def test_a_target_storing_canonical_media_types_passes() -> None:
    outcomes = run_embedded([], ["AM-ATTACHMENT-META"], seed=5,
                            variants=["media-type-canonical"])
    assert outcomes["AM-ATTACHMENT-META"].status == "passed", (
        outcomes["AM-ATTACHMENT-META"].failure)
    outcomes = run_embedded(["attachment-type-generic"], ["AM-ATTACHMENT-META"], seed=5,
                            variants=["media-type-canonical"])
    assert outcomes["AM-ATTACHMENT-META"].status == "failed"


def test_a_cut_is_described_in_bytes() -> None:
    sent = "x" * 3999 + "\U0001f600tail"
    assert describe_cut(sent, sent.encode()[:3999].decode()) == (
        "cut after 3999 of 4007 UTF-8 bytes (3999 of 4004 characters)")
    assert "first difference at byte 1" in describe_cut("abc", "aXc")


def test_uploads_are_matched_to_their_ids_in_order() -> None:
    example = {"attachments": [
        {"kind": "new", "name": "a", "content_type": "text/plain", "data": "YQ=="},
        {"kind": "repeat", "index": 0},
        {"kind": "new", "name": "b", "content_type": "image/png", "data": ""}]}
    prepared = Prepared("addMessage", {}, "1", ["7", "9"], {"7": b"a", "9": b""})
    assert uploaded(example, prepared) == {
        "7": {"attachmentName": "a", "contentType": "text/plain", "data": b"a"},
        "9": {"attachmentName": "b", "contentType": "image/png", "data": b""}}
