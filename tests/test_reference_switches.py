"""Every fault and variant switch of the reference target is named at the top of the module
that reads it: each module's ``FAULTS`` / ``VARIANTS`` equals the catalogue names its code
mentions (docstrings and comments aside), and every name of the two catalogues is honoured
by some module."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from conformance.reference import faults, variants

REFERENCE = Path(faults.__file__).parent
CATALOGUES = {"FAULTS": set(faults.BY_NAME), "VARIANTS": set(variants.BY_NAME)}
MODULES = sorted(p.stem for p in REFERENCE.glob("*.py")
                 if p.stem not in ("__init__", "faults", "variants"))


def mentioned(module: str) -> dict[str, set[str]]:
    """The catalogue names among the string constants of a module's code."""
    tree = ast.parse((REFERENCE / f"{module}.py").read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                body[0].value, ast.Constant):
            skipped.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in CATALOGUES for t in targets):
                skipped.update(id(n) for n in ast.walk(node))  # the declaration itself
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)
               and isinstance(n.value, str) and id(n) not in skipped}
    return {kind: strings & names for kind, names in CATALOGUES.items()}


def declared(module: str) -> dict[str, set[str]]:
    mod = importlib.import_module(f"conformance.reference.{module}")
    return {kind: set(getattr(mod, kind, ())) for kind in CATALOGUES}


@pytest.mark.parametrize("module", MODULES)
def test_each_module_declares_the_switches_it_reads(module: str) -> None:
    assert declared(module) == mentioned(module)


def test_every_catalogued_switch_is_honoured_somewhere() -> None:
    for kind, names in CATALOGUES.items():
        honoured = set().union(*(declared(m)[kind] for m in MODULES))
        assert names - honoured == set(), kind
