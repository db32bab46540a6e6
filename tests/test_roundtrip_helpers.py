"""The comparison rules of the round-trip oracles: media types as RFC 2045 compares them,
cut bodies described in UTF-8 bytes, uploads matched to the ids they got."""

from __future__ import annotations

import pytest

from conformance.suite.checks.limits import describe_cut
from conformance.suite.checks.roundtrip import same_media_type, uploaded
from conformance.suite.context import Prepared


@pytest.mark.parametrize(("sent", "got"), [
    ("text/plain", "TEXT/Plain"), ("text/csv; charset=utf-8", "text/csv;charset=UTF-8"),
    ("a/b; x=1; y=2", "a/b; y=2; X=1")])
def test_equal_media_types(sent: str, got: str) -> None:
    assert same_media_type(sent, got)


@pytest.mark.parametrize(("sent", "got"), [
    ("text/plain", "application/octet-stream"), ("text/plain", "text/plain; charset=utf-8"),
    ("a/b; x=Q", "a/b; x=q"), ("image/png", "")])
def test_different_media_types(sent: str, got: str) -> None:
    assert not same_media_type(sent, got)


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
