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
