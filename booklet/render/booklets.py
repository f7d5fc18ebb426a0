"""The printed documents of a build, assembled and written as PDF.

`build_pdfs(ctx)` is the entry point `booklet build` calls. It writes

* the annual ledger book (台账) per unit and rubric   → internal  paths.ledger_pdf
* the town summary book per rubric and period        → site      paths.summary_pdf
* the blank score sheet per rubric                   → site      paths.blank_pdf
* each unit's filled score sheet per period          → site      paths.sheet_pdf

and keeps each document's print HTML beside its PDF (paths.html_beside), with
a relative link to a copy of the stylesheet and copies of its photos, so it
opens in a browser.

Steps, one module each: plan the documents (plan.py, checking every photo
path first, so a bad one is reported with its record file and line), render
their HTML with Jinja and write it (write.py), group unit sheets into batches
laid out together (batch.py), then for each
document look up the PDF cache by a key over HTML + CSS + fonts + WeasyPrint
version + variant; render only what is missing (in worker processes when
ctx.jobs > 1) and copy every PDF into the staging folder.

Nothing here reads the clock: a PDF's dates come from the data (the latest
record date, or the rubric's year), so identical input gives identical bytes.

Incremental builds, two levels:
* per document: the PDF cache (cache.py) keyed by the rendered HTML, CSS,
  fonts, WeasyPrint version and PDF variant; only documents whose key is new
  are rendered;
* per build: when ctx.build_id (a hash of every input file) and booklet's own
  code are unchanged, a manifest of the last build's output is replayed
  (manifest.py) without planning or rendering anything.
ctx.clean ignores both.
"""
from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from ..buildctx import BuildContext
from . import fonts
from .batch import batch_html, carrier_html, group_batches
from .cache import PdfCache, render_key
from .env import THEME_DIR, make_env
from .manifest import Manifest, fast_key, save_manifest
from .pdf import RenderJob, RenderSettings
from .plan import Doc, plan_documents, qpdf_available
from .write import CSS_MARK, html_for, load_css, render_html, write_html
from .workers import default_workers, render_all, stderr_is_tty

#: figures of the last build_pdfs call (for the CLI summary and the benchmark)
LAST_STATS: dict = {}


def build_pdfs(ctx: BuildContext, only: Optional[Callable[[Doc], bool]] = None) -> list[Path]:
    """Write every booklet of the build into ctx.site_dir / ctx.internal_dir.

    Returns the PDFs written (with ctx.pdf False: the HTML files only).
    `only` selects some documents (tests, previews)."""
    t0 = time.perf_counter()
    LAST_STATS.clear()
    fast = fast_key(ctx) if (only is None and not ctx.clean) else None
    if fast is not None:
        replayed = Manifest(ctx.cache_dir).replay(fast, ctx, PdfCache(ctx.cache_dir))
        if replayed is not None:
            out, stats = replayed
            LAST_STATS.update(stats)
            LAST_STATS["seconds"] = time.perf_counter() - t0
            return out

    root = Path(ctx.project.root).resolve()
    env = make_env(root)
    css_text = load_css(env)
    docs = plan_documents(ctx)
    if only is not None:
        docs = [d for d in docs if only(d)]
    for d in docs:
        d.html = render_html(env, d)
    html_files = write_html(docs, css_text)
    stats = {"documents": len(docs), "rendered": 0, "cached": 0, "pages": 0,
             "seconds": 0.0, "html_files": len(html_files)}
    LAST_STATS.update(stats)
    if not ctx.pdf:
        LAST_STATS["seconds"] = time.perf_counter() - t0
        return html_files

    fonts.check_fonts()
    font_ids = fonts.font_identities()
    engine = fonts.weasyprint_version() or "?"
    # unit sheets of one rubric and period are laid out together and cut apart
    batches = group_batches(docs) if qpdf_available() else {}
    batch_key: dict[tuple, str] = {}
    for k, members in batches.items():
        batch_key[k] = render_key(batch_html(env, members, frozenset()), css_text, font_ids,
                                  engine, ctx.pdf_variant)
    for d in docs:
        d.key = render_key(d.html.replace(CSS_MARK, ""), css_text, font_ids, engine,
                           ctx.pdf_variant)
        if d.batch in batch_key:
            d.key = hashlib.sha256(f"{batch_key[d.batch]}\0{d.key}".encode()).hexdigest()
    cache = PdfCache(ctx.cache_dir)
    todo: dict[str, Doc] = {}           # job key -> first document of the job
    job_members: dict[str, list[Doc]] = {}
    weight: dict[str, int] = {}
    for d in docs:
        if not (ctx.clean or cache.get(d.key) is None):
            continue
        if d.batch in batch_key:
            jk = batch_key[d.batch]
            if jk not in todo:
                todo[jk] = d
                job_members[jk] = batches[d.batch]
                weight[jk] = 2 * len(batches[d.batch])
        elif d.key not in todo:
            todo[d.key] = d
            weight[d.key] = d.weight
    # biggest jobs first, so that no long job is left for the end
    todo = dict(sorted(todo.items(), key=lambda kv: -weight[kv[0]]))

    pages: dict[str, int] = {}
    if todo:
        roots = [root, THEME_DIR, Path(ctx.site_dir), Path(ctx.internal_dir)]
        settings = RenderSettings(css_text, THEME_DIR.joinpath("print").as_uri() + "/",
                                  roots, ctx.pdf_variant, project_templates=root / "templates")
        jobs = []
        for i, (jk, d) in enumerate(todo.items()):
            group = job_members.get(jk)
            if group:
                def batch_for(breaks, part=None, page_start=None, _m=group):
                    return batch_html(env, _m, breaks)
                jobs.append(RenderJob(i, batch_for, d.html_path.resolve().as_uri(), d.origin, jk,
                                      sig=("batch",) + d.sig,
                                      members=[(m.key, carrier_html(m)) for m in group]))
            else:
                jobs.append(RenderJob(i, html_for(env, d), d.html_path.resolve().as_uri(),
                                      d.origin, d.key, d.parts, d.sig))

        def store(key: str, pdf: bytes, n_pages: int) -> None:
            cache.put(key, pdf, n_pages)

        workers = ctx.jobs if ctx.jobs and ctx.jobs > 0 else default_workers()
        bar = None
        if ctx.progress and stderr_is_tty():
            import click
            bar = click.progressbar(length=len(jobs), label="生成 PDF", file=sys.stderr)
            bar.__enter__()
        try:
            done = render_all(jobs, settings, store, workers=workers,
                              progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        pages.update(done.pages)
        stats["extra_passes"] = done.extra_passes
        cpu: dict[str, float] = {}
        for jk, d in todo.items():
            cpu[d.kind] = cpu.get(d.kind, 0.0) + done.cpu.get(jk, 0.0)
        stats["cpu_by_kind"] = {k: round(v, 1) for k, v in cpu.items()}
        stats["jobs"] = len(jobs)

    out = []
    for d in docs:
        cache.copy_to(d.key, d.pdf_path)
        out.append(d.pdf_path)
        stats["pages"] += pages.get(d.key) or cache.pages(d.key)
    keys = {d.key for d in docs}
    cache.touch(keys)
    cache.prune(keys)
    rendered = {d.key for d in docs if d.key in pages}
    stats["rendered"] = len(rendered)
    stats["cached"] = len(docs) - len(rendered)
    stats["seconds"] = time.perf_counter() - t0
    LAST_STATS.update(stats)
    fast = fast_key(ctx) if only is None else None
    if fast is not None:
        save_manifest(fast, ctx, docs, css_text, stats)
    return out
