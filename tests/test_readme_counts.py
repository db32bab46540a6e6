"""The README's counts of faults and variants are the catalogues' own."""

from __future__ import annotations

from pathlib import Path

from conformance.reference import faults, variants

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_counts_the_catalogues() -> None:
    assert f"with {len(faults.CATALOGUE)} realistic implementation" in README
    assert f"started with {len(variants.CATALOGUE)} legitimate variations" in README
