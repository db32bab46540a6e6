"""Where the files the tool reads are found: the canonical contract (``schemas/``) and the
seed data of the reference target (``fixtures/``).

The repository keeps one copy of each, at its top level, as the files people read and edit.
The wheel carries them inside the package as ``conformance/_data/schemas`` and
``conformance/_data/fixtures`` (copied there by the build step in ``setup.py``), found
through :mod:`importlib.resources`; a source checkout (the editable install of ``make``)
has no ``_data`` and reads the top-level folders themselves.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

SHIPPED = ("schemas", "fixtures")


def data_dir(name: str) -> Path:
    """The folder ``schemas`` or ``fixtures`` as a real directory on disk."""
    if name not in SHIPPED:
        raise ValueError(f"no shipped folder {name!r}")
    packaged = importlib.resources.files("conformance").joinpath("_data", name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name  # a source checkout
