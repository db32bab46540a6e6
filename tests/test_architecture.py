"""The dependency rule (ARCHITECTURE.md) as a test: every import of ``conformance`` points
down its layers, the registry and the run context never import the checks, and there is no
import cycle. The checker itself is proven to catch an upward import and a cycle."""

from __future__ import annotations

from pathlib import Path

import architecture

PACKAGE = Path(__file__).resolve().parents[1] / "conformance"


def test_every_import_points_down_its_layers() -> None:
    edges = architecture.graph(PACKAGE)
    assert len(edges) > 100  # the whole package was read
    assert [str(v) for v in architecture.upward(edges, architecture.faces(PACKAGE))] == []


def test_the_xsd_strategies_package_imports_one_way() -> None:
    """strategies/xsd/: base, facets, the factories, builtins, patterns, simple, content,
    then the entry point (issue 15.2); a module of it importing one above fails."""
    edges = architecture.graph(PACKAGE)
    assert {m for m in edges if architecture.xsd_rank(m) is not None} == {
        f"{architecture.XSD_PACKAGE}.{n}" for step in architecture.XSD_ORDER for n in step}
    assert architecture.against_xsd_order(edges) == []
    wrong = {**edges, f"{architecture.XSD_PACKAGE}.base": {
        f"{architecture.XSD_PACKAGE}.content"}}
    assert [v.imported for v in architecture.against_xsd_order(wrong)] == [
        f"{architecture.XSD_PACKAGE}.content"]
    # the one public entry point: nothing outside the package imports its modules
    outside = {m for m, targets in edges.items() if not m.startswith(architecture.XSD_PACKAGE)
               for t in targets if t.startswith(architecture.XSD_PACKAGE + ".")}
    assert outside == set(), outside


def test_no_import_cycle() -> None:
    assert architecture.cycles(architecture.graph(PACKAGE)) == []


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "conformance"
    for name, source in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return package


def test_a_deliberate_upward_import_is_caught(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "__init__.py": "", "suite/__init__.py": "", "report/__init__.py": "",
        "report/render.py": "from conformance.suite import engine\n",
        "suite/engine.py": "def run():\n    from conformance.report import render\n",
    })
    edges = architecture.graph(package)
    assert [str(v) for v in architecture.upward(edges, architecture.faces(package))] == [
        "conformance.suite.engine imports conformance.report.render: an import that runs "
        "up a layer"]
    assert architecture.cycles(edges) == [["conformance.report.render",
                                           "conformance.suite.engine"]]


def test_the_engine_never_imports_the_checks(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "__init__.py": "", "suite/__init__.py": "", "suite/checks/__init__.py": "",
        "suite/checks/status.py": "from conformance.suite.context import RunContext\n",
        "suite/context.py": "import conformance.suite.checks.status\n",
    })
    violations = architecture.upward(architecture.graph(package), architecture.faces(package))
    assert [v.why for v in violations] == ["the engine imports the checks"]


def test_annotations_only_imports_are_no_dependency(tmp_path: Path) -> None:
    package = _package(tmp_path, {
        "__init__.py": "", "suite/__init__.py": "", "report/__init__.py": "",
        "suite/engine.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                           "    from conformance.report import render\n",
        "report/render.py": "",
    })
    assert architecture.upward(architecture.graph(package)) == []
