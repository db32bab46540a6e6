"""All-pairs (pairwise) combination of parameter values, deterministic.

The coverage phase of a check runs these fixed examples before any random one, as
Schemathesis' coverage phase does, so that no combination of two parameter values (sLevel 1
with sendNotification true, addMessage2 on a closed ticket, ...) rests on luck at a small
budget. Greedy construction in the manner of AETG/IPO: start each row from the first pair
not yet covered, then give every other parameter the value that covers most new pairs. A
constraint ``allowed(partial_row)`` removes impossible combinations (e.g. a reply template
with addMessage, which has none); pairs it forbids are not required.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import combinations
from typing import Any

Row = dict[str, Any]
PairKey = tuple[str, Hashable, str, Hashable]


def _key(value: Any) -> Hashable:
    return repr(value)


def required_pairs(parameters: Mapping[str, Sequence[Any]],
                   allowed: Callable[[Row], bool]) -> dict[PairKey, Row]:
    """Every pair of values of two parameters that the constraint allows."""
    names = list(parameters)
    pairs: dict[PairKey, Row] = {}
    for first, second in combinations(names, 2):
        for a in parameters[first]:
            for b in parameters[second]:
                partial = {first: a, second: b}
                if allowed(partial):
                    pairs[(first, _key(a), second, _key(b))] = partial
    return pairs


def covered_by(row: Row, names: list[str]) -> set[PairKey]:
    present = [n for n in names if n in row]
    return {(a, _key(row[a]), b, _key(row[b])) for a, b in combinations(present, 2)}


def all_pairs(parameters: Mapping[str, Sequence[Any]],
              allowed: Callable[[Row], bool] = lambda row: True) -> list[Row]:
    """Rows (one value per parameter, in the parameters' order) covering every allowed
    pair of values at least once; the same input always gives the same rows."""
    names = list(parameters)
    if len(names) < 2:
        return [{names[0]: v} for v in parameters[names[0]]] if names else []
    missing = dict(required_pairs(parameters, allowed))
    rows: list[Row] = []
    while missing:
        row = _build_row(parameters, names, allowed, next(iter(missing.values())), missing)
        rows.append(row)
        for pair in covered_by(row, names):
            missing.pop(pair, None)
    return rows


def _build_row(parameters: Mapping[str, Sequence[Any]], names: list[str],
               allowed: Callable[[Row], bool], seed: Row, missing: Mapping[PairKey, Row]
               ) -> Row:
    row = dict(seed)
    for name in names:
        if name in row:
            continue
        best, best_gain = None, -1
        for value in parameters[name]:
            candidate = {**row, name: value}
            if not allowed(candidate):
                continue
            gain = sum(pair in missing for pair in covered_by(candidate, names)
                       if name in (pair[0], pair[2]))
            if gain > best_gain:
                best, best_gain = value, gain
        if best_gain < 0:
            raise ValueError(f"no value of {name!r} is allowed with {row!r}")
        row[name] = best
    return {name: row[name] for name in names}
