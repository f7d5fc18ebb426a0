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
their HTML with Jinja and write it (write.py), then for each document look
up the PDF cache by a key over HTML + CSS + fonts + WeasyPrint version +
variant; render only what is missing (in worker processes when ctx.jobs > 1)
and copy every PDF from the cache into the staging folder.

Nothing here reads the clock: a PDF's dates come from the data (the latest
record date, or the rubric's year), so identical input gives identical bytes.

Incremental builds, four levels:
* per document's HTML: the HTML cache (htmlcache.py) keyed by the template's
  inputs (a unit sheet's by the rubric, result, unit, signatures and office,
  looked up before its sheet is built; the others by a canonical digest of
  their context), so unchanged documents are not rendered with Jinja again;
* per document: the PDF cache (cache.py) keyed by the rendered HTML, CSS,
  fonts, WeasyPrint version and PDF variant; only documents whose key is new
  are rendered. Each document is laid out alone (a unit sheet too: laying
  the sheets of a period out together saved 8 % of their CPU time, but tied
  each sheet's bytes to the others, so one changed record laid out all of
  them again);
* per part of a book laid out in parts (book.py: a ledger's periods, a
  summary's ranking, matrix and groups of units, the cover and contents
  laid out last with the body's page numbers): each part is cached by its
  own key (pdf.py), so a changed record lays out again only the parts that
  show it; the book is joined from its parts, the same bytes as a clean build;
* per build: when ctx.build_id (a hash of every input file) and booklet's own
  code are unchanged, a manifest of the last build's output is replayed
  (manifest.py) without planning or rendering anything.
ctx.clean ignores both.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, Optional

from ..buildctx import BuildContext
from ..timings import stage
from . import fonts
from .cache import PRUNE_AFTER_S, PdfCache, render_key
from .htmlcache import HtmlCache
from .env import THEME_DIR, make_env
from .manifest import Manifest, fast_key, save_manifest
from .pdf import RenderJob, RenderSettings
from .plan import Doc, plan_documents
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
            out, replay_stats = replayed
            LAST_STATS.update(replay_stats)
            LAST_STATS["seconds"] = time.perf_counter() - t0
            return out

    root = Path(ctx.project.root).resolve()
    env = make_env(root)
    css_text = load_css(env)
    with stage("pdf: plan"):
        docs = plan_documents(ctx)
    if only is not None:
        docs = [d for d in docs if only(d)]
    with stage("pdf: render html"):
        render_all_html(env, docs, ctx)
    with stage("pdf: write html"):
        html_files = write_html(docs, css_text)
    stats: dict = {"documents": len(docs), "rendered": 0, "cached": 0, "pages": 0,
                   "seconds": 0.0, "html_files": len(html_files), "pages_rendered": 0,
                   "parts_rendered": 0, "parts_cached": 0}
    LAST_STATS.update(stats)
    if not ctx.pdf:
        LAST_STATS["seconds"] = time.perf_counter() - t0
        return html_files

    with stage("pdf: keys + lookup"):
        fonts.check_fonts()
        font_ids = fonts.font_identities()
        engine = fonts.weasyprint_version() or "?"
        for d in docs:
            d.key = render_key(d.html.replace(CSS_MARK, ""), css_text, font_ids, engine,
                               ctx.pdf_variant)
        cache = PdfCache(ctx.cache_dir)
        todo: dict[str, Doc] = {}           # cache key -> first document with it
        for d in docs:
            if (ctx.clean or cache.get(d.key) is None) and d.key not in todo:
                todo[d.key] = d
    # biggest jobs first, so that no long job is left for the end
    todo = dict(sorted(todo.items(), key=lambda kv: -kv[1].weight))

    def part_key(html: str) -> str:
        return render_key(html.replace(CSS_MARK, ""), css_text, font_ids, engine,
                          ctx.pdf_variant)

    pages: dict[str, int] = {}
    if todo:
        roots = [root, THEME_DIR, Path(ctx.site_dir), Path(ctx.internal_dir)]
        settings = RenderSettings(css_text, THEME_DIR.joinpath("print").as_uri() + "/",
                                  roots, ctx.pdf_variant, project_templates=root / "templates")
        parts_cache = PdfCache(ctx.cache_dir, reuse_parts=not ctx.clean)
        jobs = [RenderJob(i, html_for(env, d), d.html_path.resolve().as_uri(), d.origin, key,
                          d.book, d.sig, part_key=part_key, part_cache=parts_cache)
                for i, (key, d) in enumerate(todo.items())]

        def store(key: str, pdf: bytes, n_pages: int) -> None:
            cache.put(key, pdf, n_pages)

        workers = ctx.jobs if ctx.jobs and ctx.jobs > 0 else default_workers()
        bar = None
        if ctx.progress and stderr_is_tty():
            import click
            bar = click.progressbar(length=len(jobs), label="生成 PDF", file=sys.stderr)
            bar.__enter__()
        try:
            with stage("pdf: lay out"):
                done = render_all(jobs, settings, store, workers=workers,
                                  progress=bar.update if bar else None)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        pages.update(done.pages)
        stats["extra_passes"] = done.extra_passes
        stats["parts_rendered"] = done.parts_rendered
        stats["parts_cached"] = done.parts_cached
        stats["pages_rendered"] = done.pages_laid_out
        cpu: dict[str, float] = {}
        for jk, d in todo.items():
            cpu[d.kind] = cpu.get(d.kind, 0.0) + done.cpu.get(jk, 0.0)
        stats["cpu_by_kind"] = {k: round(v, 1) for k, v in cpu.items()}
        stats["jobs"] = len(jobs)

    out = []
    with stage("pdf: copy into staging"):
        for d in docs:
            cache.copy_to(d.key, d.pdf_path)
            out.append(d.pdf_path)
            stats["pages"] += pages.get(d.key) or cache.pages(d.key)
    keys = {d.key for d in docs}
    with stage("pdf: touch + prune"):
        cache.touch(keys)
        cache.prune(keys)
    rendered = {d.key for d in docs if d.key in pages}
    stats["rendered"] = len(rendered)
    stats["rendered_paths"] = [d.rel.as_posix() for d in docs if d.key in pages]
    stats["cached"] = len(docs) - len(rendered)
    stats["seconds"] = time.perf_counter() - t0
    LAST_STATS.update(stats)
    fast = fast_key(ctx) if only is None else None
    if fast is not None:
        with stage("pdf: manifest"):
            save_manifest(fast, ctx, docs, css_text, stats)
    return out


def render_all_html(env, docs: list[Doc], ctx: BuildContext) -> None:
    """Each document's print HTML: from the HTML cache when its template
    inputs are unchanged (htmlcache.py; the planner looks up unit sheets by
    their inputs, before building their sheets), else rendered and kept.
    ctx.clean renders everything again."""
    cache = HtmlCache(ctx.cache_dir, getattr(env, "project_templates", None))
    used: set[str] = set()
    hits = unkeyed = 0
    for d in docs:
        if d.html:                      # found by the planner
            hits += 1
        else:
            if d.html_key is None:
                d.html_key = cache.key(d.template, d.full_context())
            html = (cache.get(d.html_key) if (d.html_key is not None and not ctx.clean)
                    else None)
            if html is None:
                html = render_html(env, d)
                if d.html_key is not None:
                    cache.put(d.html_key, html)
            else:
                hits += 1
            d.html = html
        if d.html_key is not None:
            used.add(d.html_key)
        else:
            unkeyed += 1
    LAST_STATS["html_cached"] = hits
    LAST_STATS["html_unkeyed"] = unkeyed
    cache.prune(used, PRUNE_AFTER_S)
