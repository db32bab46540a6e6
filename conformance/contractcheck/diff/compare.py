"""Whether a change to a type narrows, widens or incomparably changes what it accepts.

Base types compare along their derivation (and xsd:float within xsd:double, anything
within xsd:string); facets compare as limits and bounds, enumerations and occurrence
ranges as sets, patterns as constraints (more patterns accept less).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance import ns
from conformance.contractcheck.diff.components import UPPER_LIMITS
from conformance.contractcheck.diff.kinds import CHANGED, NARROWED, WIDENED

_XSD = f"{{{ns.XSD}}}"
_LEXICAL_TOP = {f"{_XSD}string", f"{_XSD}anySimpleType", f"{_XSD}anyAtomicType"}
_EXTRA_WIDENINGS = {(f"{_XSD}float", f"{_XSD}double")}


def _ancestors(xsd_type: Any) -> list[str | None]:
    names: list[str | None] = []
    while xsd_type is not None:
        names.append(getattr(xsd_type, "name", None))
        xsd_type = getattr(xsd_type, "base_type", None)
    return names


def compare_builtins(c_type: Any, t_type: Any) -> str | None:
    c_name, t_name = getattr(c_type, "name", None), getattr(t_type, "name", None)
    if c_name == t_name:
        return None
    if t_name in _ancestors(c_type) or (c_name, t_name) in _EXTRA_WIDENINGS:
        return WIDENED
    if c_name in _ancestors(t_type) or (t_name, c_name) in _EXTRA_WIDENINGS:
        return NARROWED
    if t_name in _LEXICAL_TOP:
        return WIDENED  # every lexical form of the old type is a string
    if c_name in _LEXICAL_TOP:
        return NARROWED
    return CHANGED


def compare_facets(c: dict[str, Any], t: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name in UPPER_LIMITS:
        change = _compare_limit(c.get(name), t.get(name), upper=True)
        if change:
            yield name, change
    change = _compare_limit(c.get("minLength", 0), t.get("minLength", 0), upper=False)
    if change:
        yield "minLength", change
    for side in ("min", "max"):
        c_bound = _bound(c, side)
        t_bound = _bound(t, side)
        change = _compare_bound(c_bound, t_bound, upper=side == "max")
        if change:
            yield _bound_name(t if t_bound else c, side), change
    if c.get("pattern") != t.get("pattern"):
        yield "pattern", compare_sets(c.get("pattern", frozenset()),
                                      t.get("pattern", frozenset()), reverse=True) or CHANGED


def _compare_limit(c_value: Any, t_value: Any, upper: bool) -> str | None:
    if c_value == t_value:
        return None
    if c_value is None:
        return NARROWED
    if t_value is None:
        return WIDENED
    tighter = t_value < c_value if upper else t_value > c_value
    return NARROWED if tighter else WIDENED


def _bound(facets: dict[str, Any], side: str) -> tuple[Any, bool] | None:
    if f"{side}Exclusive" in facets:
        return facets[f"{side}Exclusive"], True
    if f"{side}Inclusive" in facets:
        return facets[f"{side}Inclusive"], False
    return None


def _bound_name(facets: dict[str, Any], side: str) -> str:
    return f"{side}Exclusive" if f"{side}Exclusive" in facets else f"{side}Inclusive"


def _compare_bound(c: tuple[Any, bool] | None, t: tuple[Any, bool] | None,
                   upper: bool) -> str | None:
    if c == t:
        return None
    if c is None or t is None:
        return NARROWED if c is None else WIDENED
    try:
        if c[0] == t[0]:
            return NARROWED if t[1] else WIDENED  # exclusive is the tighter one
        tighter = t[0] < c[0] if upper else t[0] > c[0]
    except TypeError:
        return CHANGED
    return NARROWED if tighter else WIDENED


def compare_sets(c: Any, t: Any, reverse: bool = False) -> str | None:
    """narrowed if the target accepts a subset; ``reverse`` for constraints (patterns)."""
    if c == t:
        return None
    if t < c:
        return WIDENED if reverse else NARROWED
    if t > c:
        return NARROWED if reverse else WIDENED
    return CHANGED


def compare_ranges(c: tuple[int, int | None], t: tuple[int, int | None]) -> str:
    c_low, c_high = c
    t_low, t_high = t
    c_top = float("inf") if c_high is None else c_high
    t_top = float("inf") if t_high is None else t_high
    if t_low >= c_low and t_top <= c_top:
        return NARROWED
    if t_low <= c_low and t_top >= c_top:
        return WIDENED
    return CHANGED
