"""Replaying the last build's PDF output when nothing changed.

When ctx.build_id (a hash of every input file) and booklet's own code are
unchanged, a manifest of the last build's output is replayed: PDFs and kept
HTML copied from the cache, without planning or rendering anything.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Optional

from ..buildctx import BuildContext
from . import fonts
from .cache import PRUNE_AFTER_S, PdfCache, code_hash, fresh_copy
from .plan import Doc
from .write import CSS_MARK

MANIFEST_VERSION = "booklet-manifest-1"


def code_stamp() -> str:
    """Identity of booklet's own code and theme (a change of scoring or
    templates must not reuse the last build's output)."""
    return code_hash()      # the same hash as the build fingerprint


def fast_key(ctx: BuildContext) -> Optional[str]:
    """Key of the whole PDF output for this build's inputs, or None when the
    build cannot tell (no build id)."""
    if not ctx.build_id or not ctx.pdf:
        return None
    h = hashlib.sha256()
    for part in (MANIFEST_VERSION, ctx.build_id, code_stamp(), ctx.pdf_variant or "-",
                 fonts.weasyprint_version() or "?", "\n".join(fonts.font_identities()),
                 str(Path(ctx.project.root).resolve())):
        h.update(part.encode("utf-8") + b"\0")
    return h.hexdigest()


class Manifest:
    """What the last build with the same inputs wrote: every PDF's cache key,
    every kept HTML (stored in the cache by content), stylesheets, photos.
    A rebuild without any change copies these and renders nothing, without
    even planning the documents."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir)
        self.html_dir = self.dir / "html"

    def path(self, key: str) -> Path:
        return self.dir / "manifests" / f"{key}.json"

    def store_text(self, text: str) -> str:
        data = text.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        f = self.html_dir / sha[:2] / f"{sha}.html"
        if not f.exists():
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, f)
        else:
            os.utime(f)                 # in use: its mtime is its last use
        return sha

    def prune(self, older_than_s: float) -> None:
        """Forget stored HTML not used by any build for a while."""
        cutoff = time.time() - older_than_s
        for f in self.html_dir.glob("*/*.html"):
            try:
                if f.stat().st_mtime < cutoff:
                    f.unlink()
            except OSError:
                pass

    def text_path(self, sha: str) -> Path:
        return self.html_dir / sha[:2] / f"{sha}.html"

    def save(self, key: str, entries: list[dict], css: list[dict], stats: dict) -> None:
        f = self.path(key)
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"entries": entries, "css": css, "stats": stats},
                                  ensure_ascii=False))
        os.replace(tmp, f)
        # keep the last few manifests only
        old = sorted(f.parent.glob("*.json"), key=lambda p: p.stat().st_mtime)[:-8]
        for p in old:
            p.unlink(missing_ok=True)

    def replay(self, key: str, ctx: BuildContext,
               cache: PdfCache) -> Optional[tuple[list[Path], dict]]:
        """Copy the output of the manifest `key`: (files, the figures of the
        build that wrote it); None if anything is missing."""
        try:
            data = json.loads(self.path(key).read_text())
        except (OSError, ValueError):
            return None
        roots = {"site": Path(ctx.site_dir), "internal": Path(ctx.internal_dir)}
        entries, css = data["entries"], data["css"]
        needed = [cache.path(e["key"]) for e in entries]
        needed += [self.text_path(e["html"]) for e in entries]
        needed += [self.text_path(c["sha"]) for c in css]
        needed += [Path(src) for e in entries for src in e["assets"].values()]
        if not all(p.is_file() for p in needed):
            return None
        out = []
        if not all("html_root" in e for e in entries):
            return None                 # written before print HTML was kept internal
        for c in css:
            target = roots[c["root"]] / c["rel"]
            target.parent.mkdir(parents=True, exist_ok=True)
            fresh_copy(self.text_path(c["sha"]), target)
        for e in entries:
            pdf = roots[e["root"]] / e["rel"]
            pdf.parent.mkdir(parents=True, exist_ok=True)
            fresh_copy(cache.path(e["key"]), pdf)
            html = roots[e["html_root"]] / e["html_rel"]
            html.parent.mkdir(parents=True, exist_ok=True)
            fresh_copy(self.text_path(e["html"]), html)
            for name, src in e["assets"].items():
                target = html.parent / name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src, target)
            out.append(pdf)
        cache.touch(e["key"] for e in entries)
        # nothing laid out this time: only the totals of the output are the last build's
        return out, {**data["stats"], "rendered": 0, "cached": len(entries), "fast": True,
                     "rendered_paths": [], "pages_rendered": 0, "parts_rendered": 0,
                     "parts_cached": 0, "extra_passes": 0, "cpu_by_kind": {}, "jobs": 0}


def save_manifest(key: str, ctx: BuildContext, docs: list[Doc], css_text: str,
                   stats: dict) -> None:
    man = Manifest(ctx.cache_dir)
    name = {Path(ctx.site_dir): "site", Path(ctx.internal_dir): "internal"}
    entries, css, seen_css = [], [], set()
    css_sha = man.store_text(css_text)
    def where(path: Path) -> tuple[str, str]:
        """(root name, path relative to that root) of an output file."""
        for root_dir, root_name in name.items():
            try:
                return root_name, Path(path).relative_to(root_dir).as_posix()
            except ValueError:
                continue
        raise ValueError(f"{path} is outside the outputs")

    for d in docs:
        root = name[Path(d.out_root)]
        href = os.path.relpath(d.css_path, d.html_path.parent).replace(os.sep, "/")
        kept = d.html.replace(CSS_MARK, f'<link rel="stylesheet" href="{href}">')
        html_root, html_rel = where(d.html_path)
        entries.append({"root": root, "rel": str(d.rel), "key": d.key,
                        "html": man.store_text(kept), "html_root": html_root,
                        "html_rel": html_rel,
                        "assets": {k: str(v) for k, v in d.assets.items()}})
        css_root, css_rel = where(d.css_path)
        if (css_root, css_rel) not in seen_css:
            seen_css.add((css_root, css_rel))
            css.append({"root": css_root, "rel": css_rel, "sha": css_sha})
    man.save(key, entries, css, {k: v for k, v in stats.items() if k != "seconds"})
    man.prune(PRUNE_AFTER_S)
