"""Where the packaged example project (rubrics, schemas, sample records) lives.

In a wheel it is booklet/_project/ (hatch force-include); in a source
checkout it is the repository root itself, so there is one copy of each file.
"""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def example_project() -> Path:
    bundled = PACKAGE_DIR / "_project"
    if (bundled / "booklet.yml").is_file():
        return bundled
    return PACKAGE_DIR.parent


def schema_dir() -> Path:
    return example_project() / "schema"


def docs_dir() -> Path:
    """The documentation: booklet/_docs/ in a wheel (hatch force-include),
    the repository's docs/ in a source checkout. The Chinese documents are
    in its zh/ folder."""
    bundled = PACKAGE_DIR / "_docs"
    if (bundled / "zh" / "index.md").is_file():
        return bundled
    return PACKAGE_DIR.parent / "docs"
