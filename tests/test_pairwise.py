"""The all-pairs generator covers every allowed pair, respects its constraint, is
deterministic and small; the coverage phase's examples are valid addMessage examples."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.strategies import edge_examples as edge
from conformance.strategies.pairwise import all_pairs, covered_by, required_pairs

PARAMETERS = st.dictionaries(
    st.sampled_from("abcdefg"), st.lists(st.integers(0, 5), min_size=1, max_size=4,
                                         unique=True), min_size=2, max_size=6)


def _missing(parameters: dict, rows: list[dict], allowed=lambda r: True) -> set:
    needed = set(required_pairs(parameters, allowed))
    got = set().union(*(covered_by(r, list(parameters)) for r in rows))
    return needed - got


@settings(max_examples=40)
@given(PARAMETERS)
def test_every_pair_is_covered(parameters: dict[str, list[int]]) -> None:
    rows = all_pairs(parameters)
    assert not _missing(parameters, rows)
    assert all(set(r) == set(parameters) for r in rows)
    total = 1
    for values in parameters.values():
        total *= len(values)
    assert len(rows) <= total


@settings(max_examples=40)
@given(PARAMETERS)
def test_constraint_is_respected_and_only_allowed_pairs_are_required(parameters) -> None:
    def allowed(row: dict) -> bool:  # no row may hold the value 0 twice
        return list(row.values()).count(0) < 2

    rows = all_pairs(parameters, allowed)
    assert all(allowed(r) for r in rows)
    assert not _missing(parameters, rows, allowed)


def test_same_input_gives_same_rows() -> None:
    assert all_pairs(edge.PAIRWISE, edge._allowed) == all_pairs(edge.PAIRWISE, edge._allowed)


def test_domain_coverage_phase_covers_every_pair_and_stays_small() -> None:
    for rows in (edge.pairwise_rows(), edge.pairwise_rows(templates=True),
                 edge.pairwise_rows(attachments_min=1), edge.pairwise_rows(sessions=(
                     "garbage", "logged_out", "empty"))):
        parameters = {k: sorted({repr(r[k]) for r in rows}) for k in rows[0]}
        assert 6 <= len(rows) <= 25
        full = 1
        for values in parameters.values():
            full *= len(values)
        assert len(rows) < full / 4
        as_repr = [{k: repr(v) for k, v in r.items()} for r in rows]
        assert not _missing(parameters, as_repr, lambda r: edge._allowed(
            {k: eval(v) for k, v in r.items()}))  # noqa: S307 (reprs of our own values)


def test_the_pair_the_issue_names_is_covered() -> None:
    """sLevel 1 with sendNotification true, for every variant; and every variant on a
    closed ticket."""
    rows = edge.pairwise_rows()
    assert any(r["slevel"] == "1" and r["notify"] for r in rows)
    for variant, status in product((1, 2, 3), ("open", "close")):
        assert any(r["variant"] == variant and r["status"] == status for r in rows)
    assert all(r["recipients"] == "none" for r in rows if r["variant"] == 1)


def test_coverage_examples_have_the_example_shape() -> None:
    keys = {"variant", "session", "ticket", "status", "slevel", "attachments", "notify",
            "body", "html_body", "template", "mail"}
    for example in edge.pairwise_valid() + edge.pairwise_sessions():
        assert set(example) == keys
