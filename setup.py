"""The build step of the wheel (the rest of the metadata is in pyproject.toml).

The canonical contract (``schemas/``) and the seed data (``fixtures/``) live once, at the top
level of the repository. Building copies them into the package as ``conformance/_data/``, so
an installed wheel finds them through importlib.resources (see ``conformance/resources.py``);
the repository never holds a second copy that could drift."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = {"schemas": ("*.wsdl", "*.xsd", "README.md"), "fixtures": ("**/*",)}


class BuildWithData(build_py):
    """``build_py`` that also copies the shipped folders into ``conformance/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        for folder, patterns in SHIPPED.items():
            target = Path(self.build_lib, "conformance", "_data", folder)
            shutil.rmtree(target, ignore_errors=True)
            for pattern in patterns:
                for source in (ROOT / folder).glob(pattern):
                    if source.is_file():
                        destination = target / source.relative_to(ROOT / folder)
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(source, destination)


setup(cmdclass={"build_py": BuildWithData})
