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
    """Every pair of values of two parameters that some allowed complete row holds."""
    names = list(parameters)
    pairs: dict[PairKey, Row] = {}
    for first, second in combinations(names, 2):
        for a in parameters[first]:
            for b in parameters[second]:
                partial = {first: a, second: b}
                if allowed(partial) and _complete(parameters, names, allowed, partial,
                                                  {}) is not None:
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
    row = _complete(parameters, names, allowed, seed, missing)
    if row is None:
        raise ValueError(f"no allowed row holds {seed!r}")
    return {name: row[name] for name in names}


def _complete(parameters: Mapping[str, Sequence[Any]], names: list[str],
              allowed: Callable[[Row], bool], row: Row, missing: Mapping[PairKey, Row]
              ) -> Row | None:
    """``row`` completed parameter by parameter, each time with the allowed value that
    covers most missing pairs (first in order on a tie); backtracks where the constraint
    leaves no value. None when no allowed completion exists."""
    todo = [n for n in names if n not in row]
    if not todo:
        return dict(row)
    name = todo[0]

    def gain(value: Any) -> int:
        candidate = {**row, name: value}
        return sum(pair in missing for pair in covered_by(candidate, names)
                   if name in (pair[0], pair[2]))

    choices = [v for v in parameters[name] if allowed({**row, name: v})]
    for value in sorted(choices, key=gain, reverse=True):  # stable: ties keep the order
        done = _complete(parameters, names, allowed, {**row, name: value}, missing)
        if done is not None:
            return done
    return None
