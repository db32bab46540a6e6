"""Inputs at the limits: each size example has a multi-byte character across its
boundary; a declared limit (--max-body-bytes) or a consistent discovered one allows a
refusal past it that stores nothing, never a silent cut; the option is checked before
anything runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from embedded_runs import run_with
from hypothesis import given, settings

from conformance.strategies import edge_examples as edge
from conformance.suite.checks.limits import Discovered
from conformance.suite.detection import run_embedded

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("profile", ["quick", "standard"])
def test_every_size_example_straddles_its_boundary(profile: str) -> None:
    examples = edge.size_examples(profile)
    assert {e["variant"] for e in examples} == ({3} if profile == "quick" else {1, 2, 3})
    reached = set()
    for example in examples:
        for field in ("body", "html_body") if example["variant"] == 3 else ("body",):
            encoded = example[field].encode()
            size = next(n for n in edge.SIZES if n < len(encoded) <= n + 16)
            reached.add(size)
            with pytest.raises(UnicodeDecodeError):  # a cut at `size` bytes splits a character
                encoded[:size].decode()
            assert len(encoded[:size - 1].decode()) == size - 1  # ASCII up to the boundary
    assert reached == set(edge.SIZES if profile == "standard" else edge.QUICK_SIZES)


def test_line_endings_and_attachment_edges_are_in_the_quick_profile() -> None:
    bodies = {e["body"] for e in edge.line_ending_examples()}
    assert any("\r\n" in b for b in bodies) and any("\r" in b.replace("\r\n", "")
                                                    for b in bodies)
    assert any("\n" in b.replace("\r\n", "") for b in bodies)
    lists = edge.attachment_lists("quick")
    assert any(len(lst) == 1 and lst[0]["data"] == "" for lst in lists)
    assert any(sum(a["kind"] == "new" for a in lst) >= 5
               and any(a["kind"] == "repeat" for a in lst) for lst in lists)
    large = [a for lst in edge.attachment_lists("standard") for a in lst
             if a["kind"] == "new" and len(a["data"]) * 3 // 4 > 1024 * 1024]
    assert large


def test_a_refusal_past_the_declared_limit_passes_and_a_cut_never_does() -> None:
    outcomes = run_embedded([], ["AM-BODY-LIMITS"], seed=3, variants=["body-limit"],
                            options={"max_body_bytes": 65535})
    assert outcomes["AM-BODY-LIMITS"].status == "passed", outcomes["AM-BODY-LIMITS"].failure
    outcomes, _ = run_with(["AM-BODY-LIMITS"], ["body-cut-at-byte-limit"],
                           max_body_bytes=8000)
    failure = outcomes["AM-BODY-LIMITS"].failure
    assert failure is not None and "cut after 4000" in failure["message"]


def test_a_refusal_within_the_declared_limit_fails() -> None:
    outcomes = run_embedded([], ["AM-BODY-LIMITS"], seed=3, variants=["body-limit"],
                            options={"max_body_bytes": 100_000})
    failure = outcomes["AM-BODY-LIMITS"].failure
    assert failure is not None and "within the declared limit of 100000" in failure["message"]


def test_an_undeclared_limit_is_discovered_and_a_cut_below_it_still_fails() -> None:
    """Standard profile: bodies of 255 to 32767 bytes stored whole, 65535+ and 1 MiB
    refused with errorCode 7 and nothing stored: a consistent limit, passed without
    --max-body-bytes. The same target cutting at 4000 bytes fails."""
    outcomes = run_embedded([], ["AM-BODY-LIMITS"], "standard", seed=3,
                            variants=["body-limit"])
    assert outcomes["AM-BODY-LIMITS"].status == "passed", outcomes["AM-BODY-LIMITS"].failure
    outcomes = run_embedded(["body-cut-at-byte-limit"], ["AM-BODY-LIMITS"], "standard",
                            seed=3, variants=["body-limit"])
    failure = outcomes["AM-BODY-LIMITS"].failure
    assert failure is not None and "cut after 399" in failure["message"]  # 3999 or 4000


def test_a_refusal_that_stores_the_message_fails_declared_or_not() -> None:
    for declared in (None, 8000):
        outcomes, _ = run_with(["AM-BODY-LIMITS"], ["body-limit-stores-anyway"],
                               max_body_bytes=declared)
        failure = outcomes["AM-BODY-LIMITS"].failure
        assert failure is not None and "yet the ticket's messages changed" in failure["message"]


def test_a_discovered_limit_must_be_consistent() -> None:
    seen = Discovered()
    seen.add("addMessage3", (9000, 9000), refused=False)
    assert seen.inconsistent("addMessage3", (8000, 8000), refused=True) == (9000, 9000)
    assert seen.inconsistent("addMessage3", (10000, 10000), refused=True) is None
    assert seen.inconsistent("addMessage", (8000, 8000), refused=True) is None  # per operation
    # A limit on the sum of both bodies: 6000 + 6000 refused after 9000 + 0 stored is allowed.
    assert seen.inconsistent("addMessage3", (6000, 12000), refused=True) is None
    seen.add("addMessage3", (10000, 10000), refused=True)
    assert seen.inconsistent("addMessage3", (12000, 12000), refused=False) == (10000, 10000)
    assert seen.inconsistent("addMessage3", (9500, 9500), refused=False) is None


def test_max_body_bytes_must_be_positive() -> None:
    result = subprocess.run([sys.executable, "-m", "conformance", "run", "--max-body-bytes",
                             "0"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 2
    assert "--max-body-bytes" in result.stderr and "Traceback" not in result.stderr


@settings(max_examples=30, deadline=None)
@given(edge.drawn_sizes())
def test_thorough_draws_sizes_near_each_boundary(example: dict) -> None:
    size = edge.utf8_size(example["body"])
    assert any(n - 8 <= size <= n + 16 for n in edge.SIZES)
    assert set(example) == set(edge.size_examples("quick")[0])


@pytest.mark.parametrize("variant", ["request-limit-413", "request-limit-fault"])
def test_a_size_refusal_by_fault_or_413_is_a_limit_not_a_failure(variant: str) -> None:
    """A target whose front end answers 413, or whose service answers a Fault, past a size
    it will not take (variants request-limit-*) passes AM-BODY-LIMITS in the standard
    profile, whose sizes reach past both limits; a silent cut still fails with them."""
    outcomes = run_embedded([], ["AM-BODY-LIMITS"], profile="standard", seed=3,
                            variants=[variant])
    assert outcomes["AM-BODY-LIMITS"].status == "passed", outcomes["AM-BODY-LIMITS"].failure
    cut = run_embedded(["body-cut-at-byte-limit"], ["AM-BODY-LIMITS"], profile="standard",
                       seed=3, variants=[variant])
    assert cut["AM-BODY-LIMITS"].status == "failed"
