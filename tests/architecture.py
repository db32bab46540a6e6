"""The dependency rule of the package, as data and a checker (used by test_architecture.py).

Every module of ``conformance`` belongs to a layer; a module may import only from its own
layer or the layers below it, and the module import graph has no cycle. Imports inside
functions count (a lazy import does not make a cycle go away); imports under
``if TYPE_CHECKING:`` do not (they exist for annotations only and are never executed).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

# Bottom to top. A module's layer is the one of the longest prefix that names it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("conformance", "conformance.ns", "conformance.resources"),
    ("conformance.soap", "conformance.contract", "conformance.codec"),
    # XSD-derived strategies (the strategies.xsd package) and XML text, under the domain
    ("conformance.strategies.xsd", "conformance.strategies.xmltext",
     "conformance.contractcheck"),
    ("conformance.strategies", "conformance.reference"),
    ("conformance.suite",),  # the engine: registry, run context, client, observation
    ("conformance.suite.checks",),  # the checks, on the engine
    # the engine's top: the catalogue of checks, the pytest binding, whole runs
    ("conformance.suite.catalogue", "conformance.suite.ci", "conformance.suite.merge",
     "conformance.suite.distributed", "conformance.suite.detection",
     "conformance.suite.plugin", "conformance.suite.runner",
     "conformance.suite.test_conformance"),
    ("conformance.report", "conformance.differential"),
    ("conformance.publish",),
    ("conformance.compare", "conformance.history"),
    ("conformance.orchestrate",),
    ("conformance.cli", "conformance.__main__"),
)
# Inside the XSD strategies package, bottom to top (a module imports only those before it;
# annotation-only imports aside); its __init__ is the one entry point, on top of them all.
XSD_PACKAGE = "conformance.strategies.xsd"
XSD_ORDER: tuple[tuple[str, ...], ...] = (
    ("base",), ("facets",), ("strings", "numeric", "temporal"), ("builtins",), ("patterns",),
    ("simple",), ("content",))
# Modules of the engine that the checks build on: they never import the checks (the
# checks register themselves; the registry and the run context know nothing of them).
BELOW_THE_CHECKS = ("conformance.suite.registry", "conformance.suite.context")


@dataclass(frozen=True)
class Violation:
    importer: str
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.importer} imports {self.imported}: {self.why}"


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(name: str, path: Path) -> set[tuple[str, str]]:
    """What the module ``name`` (file ``path``) imports: (module, name taken from it),
    the name empty for ``import module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_package = path.name == "__init__.py"
    found: set[tuple[str, str]] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.update((base, alias.name) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def faces(root: Path) -> frozenset[str]:
    """The modules that are a package's ``__init__``."""
    return frozenset(module_name(root, p) for p in root.rglob("__init__.py"))


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports. ``from package import module`` is an
    import of that module (the package itself is already imported by then);
    ``from module import name`` of the module that holds the name."""
    files = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        targets = set()
        for module, taken in imports_of(name, path):
            imported = f"{module}.{taken}" if f"{module}.{taken}" in files else module
            while imported not in files and "." in imported:
                imported = imported.rsplit(".", 1)[0]
            if imported in files and imported != name:
                targets.add(imported)
        edges[name] = targets
    return edges


def layer(module: str) -> int:
    best, rank = -1, 0
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def upward(edges: dict[str, set[str]], faces: frozenset[str] = frozenset()
           ) -> list[Violation]:
    """Imports that run up a layer. A package's face (``faces``: its ``__init__``) may
    re-export from inside its own package, whatever the layer."""
    found = []
    for importer, targets in sorted(edges.items()):
        for imported in sorted(targets):
            if importer in faces and imported.startswith(importer + "."):
                continue
            if importer in BELOW_THE_CHECKS and imported.startswith("conformance.suite.checks"):
                found.append(Violation(importer, imported, "the engine imports the checks"))
            elif layer(imported) > layer(importer):
                found.append(Violation(importer, imported, "an import that runs up a layer"))
    return found


def xsd_rank(module: str) -> int | None:
    """A module's place in XSD_ORDER (None: not one of the package's modules)."""
    for index, names in enumerate(XSD_ORDER):
        if module in {f"{XSD_PACKAGE}.{n}" for n in names}:
            return index
    return None


def against_xsd_order(edges: dict[str, set[str]]) -> list[Violation]:
    """Imports inside the XSD strategies package that run up its order (or that reach its
    entry point from inside)."""
    found = []
    for importer, targets in sorted(edges.items()):
        rank = xsd_rank(importer)
        if rank is None:
            continue
        for imported in sorted(targets):
            other = xsd_rank(imported)
            if imported == XSD_PACKAGE or (other is not None and other >= rank
                                           and imported != importer):
                if other == rank and imported != XSD_PACKAGE:
                    continue  # siblings of one step (strings, numeric, temporal) are apart
                found.append(Violation(importer, imported, "against the XSD package's order"))
    return found


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found
