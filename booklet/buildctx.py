"""What one build passes to each output writer (PDF booklets, forms, site).

`booklet build` fills this in after load → validate → score, creates fresh
staging folders, calls each writer, and swaps the staging folders in only if
every writer succeeded, so a failed build leaves the last good output intact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .model import Project
from .scoring.result import Result


@dataclass
class BuildContext:
    project: Project
    results: list[Result]
    site_dir: Path                 # staging folder that becomes site/ (public)
    internal_dir: Path             # staging folder that becomes the internal output
    cache_dir: Path                # persistent across builds (incremental PDFs)
    jobs: int = 1                  # worker processes for PDF rendering
    clean: bool = False            # ignore the cache, render everything
    pdf: bool = True               # False: HTML-only build (--no-pdf)
    pdf_variant: Optional[str] = None   # e.g. "pdf/a-2b"
    progress: bool = True          # show a progress bar on a terminal
    build_id: str = ""             # short hash of all inputs (shown on the site)
    outputs: list[Path] = field(default_factory=list)   # files written, for the summary
    unchanged: bool = False        # always False here (see KeptOutput)

    @property
    def root(self) -> Path:
        return Path(self.project.root)


@dataclass
class KeptOutput:
    """What a build returns when its inputs and booklet's code are unchanged
    since the last build: no project is loaded, the last outputs stay."""
    site_dir: Path
    internal_dir: Path
    build_id: str
    unchanged: bool = True
