"""Rendered PDFs kept across builds, keyed by everything that decides their bytes.

key = sha256(code version, WeasyPrint version, PDF variant, font files'
identities, stylesheet text, rendered HTML). The HTML already contains every
datum printed (scores, texts, the content hash of each photo in its file
name), so an unchanged key means an unchanged PDF: the cached file is copied
into the staging folder instead of rendering again.

The parts of books laid out in parts (pdf.py) are kept the same way, each by
its own key, with what the book's outline needs of their pages (bookmarks
and page heights).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Iterable, Optional

# Bump when the writer changes in a way that changes PDF bytes for the same HTML.
CODE_VERSION = "booklet-pdf-4"
PRUNE_AFTER_S = 14 * 24 * 3600
CODE_SUFFIXES = (".py", ".html", ".css", ".js", ".svg", ".json", ".yml")
PACKAGE = Path(__file__).resolve().parent.parent


def code_hash() -> str:
    """booklet's own code and theme, by content: the one identity of the code
    behind every cache (a new version of booklet rebuilds everything)."""
    h = hashlib.sha256()
    for p in sorted(PACKAGE.rglob("*")):
        if p.suffix in CODE_SUFFIXES and p.is_file():
            data = p.read_bytes()
            h.update(f"{p.relative_to(PACKAGE).as_posix()}:{len(data)}\n".encode())
            h.update(data)
    return h.hexdigest()


def fresh_copy(src: Path, target: Path) -> None:
    """Put a copy of the cache file `src` at `target` (in a staging folder).
    A copy, not a hard link: an office may open a published PDF and save it in
    place (or a sync tool may rewrite it), and that must never reach back into
    the cache, which later builds copy from. Copying the example's ~60 MB costs
    a fraction of a second."""
    target.unlink(missing_ok=True)
    shutil.copyfile(src, target)


def prune_files(folder: Path, pattern: str, keep: set[str], older_than_s: float,
                also: tuple[str, ...] = ()) -> int:
    """Delete the cache files `pattern` in `folder` whose stem is not in `keep`
    and that were not used for `older_than_s` (with their `also` siblings)."""
    if not folder.is_dir():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for p in folder.glob(pattern):
        if p.stem in keep:
            continue
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
                for suffix in also:
                    p.with_suffix(suffix).unlink(missing_ok=True)
                removed += 1
        except OSError:
            pass
    return removed


def render_key(html: str, css: str, fonts: Iterable[str], engine: str,
               variant: Optional[str]) -> str:
    h = hashlib.sha256()
    for part in (CODE_VERSION, engine, variant or "-", "\n".join(fonts), css, html):
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class PdfCache:
    def __init__(self, cache_dir: Path, reuse_parts: bool = True):
        self.dir = Path(cache_dir) / "pdf"
        self.reuse_parts = reuse_parts      # False (--clean): parts are stored, not read

    def path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pdf"

    def meta_path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> Optional[Path]:
        p = self.path(key)
        if p.is_file() and self.meta_path(key).is_file():
            return p
        return None

    def pages(self, key: str) -> int:
        try:
            return int(json.loads(self.meta_path(key).read_text())["pages"])
        except (OSError, ValueError, KeyError):
            return 0

    def put(self, key: str, pdf: bytes, pages: int, extra: Optional[dict] = None) -> Path:
        p = self.path(key)
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pdf)
        os.replace(tmp, p)
        meta = self.meta_path(key)
        tmp = meta.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"pages": pages, **(extra or {})}, ensure_ascii=False))
        os.replace(tmp, meta)
        return p

    def save_part(self, key: str, pdf: bytes, marks: list, cut: Optional[tuple] = None) -> None:
        """A laid-out part of a book, with its pages' bookmarks, heights and
        anchors (merge.PageMarks: floats survive JSON exactly), and where a
        group of unit entries was cut (book.cut_units)."""
        self.put(key, pdf, len(marks),
                 {"marks": [[list(m.bookmarks), m.height, list(m.anchors)] for m in marks],
                  "cut": list(cut) if cut is not None else None})

    def load_part(self, key: str) -> Optional[tuple[bytes, list, Optional[tuple]]]:
        """(PDF bytes, merge.PageMarks of its pages, cut) of a cached part, or None."""
        from .merge import PageMarks
        if not self.reuse_parts:
            return None
        try:
            meta = json.loads(self.meta_path(key).read_text())
            pdf = self.path(key).read_bytes()
            marks = [PageMarks([(lvl, label, tuple(pos), state)
                                for lvl, label, pos, state in bookmarks], height, anchors)
                     for bookmarks, height, anchors in meta["marks"]]
            cut = tuple(meta["cut"]) if meta["cut"] is not None else None
        except (OSError, ValueError, KeyError, TypeError):
            return None
        self.touch([key])
        return pdf, marks, cut

    def copy_to(self, key: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fresh_copy(self.path(key), target)

    def touch(self, keys: Iterable[str]) -> None:
        """Mark entries as used (their mtime is their last use)."""
        now = time.time()
        for k in keys:
            try:
                os.utime(self.path(k), (now, now))
            except OSError:
                pass

    def prune(self, keep: set[str], older_than_s: float = PRUNE_AFTER_S) -> int:
        """Delete entries not used by this build and unused for a while."""
        return prune_files(self.dir, "*/*.pdf", keep, older_than_s, also=(".json",))
