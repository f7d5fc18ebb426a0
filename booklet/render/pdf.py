"""HTML → PDF with WeasyPrint, in-process, optionally in worker processes.

One `Renderer` per process holds the shared `FontConfiguration`, the
pre-parsed stylesheet and the safe URL fetcher, so fonts are loaded and CSS
is parsed once per worker, not once per document. Worker processes are
forked (`multiprocessing`, start method fork) and inherit the jobs.

Rowspan cells across page breaks: WeasyPrint (70) does not repeat a rowspan
cell on the next page, so a long section would lose its label there. After
laying a document out, `_inspect_rows` finds each page whose first score-sheet
row is covered by a merged cell from the previous page (and any label repeated
needlessly mid-page); the document is laid out again with those rows as
`breaks`, where the sheet starts a new merged cell with the label repeated
(see sheet.Sheet.rows). The breaks of the last document of the same kind are
tried first, so most documents need a single layout.

Three shapes of job:
* one document → one PDF;
* a long book in `parts` (see merge.py): laid out part by part with running
  page numbers, joined with qpdf (bounded memory);
* a batch of unit sheets: laid out as one document, each sheet in its own page
  group (numbered from 1, starting on a right-hand page), then cut apart with
  qpdf, each piece taking its title and metadata from a one-page carrier.
  This spares the per-document costs (font subsetting, set-up) of 248 small
  PDFs.

The cyclic garbage collector is off while a document is laid out (a layout is
hundreds of thousands of objects, which made big documents superlinear); after
each job the garbage is collected and the survivors frozen.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence
from urllib.parse import urljoin

from ..errors import BookletError
from ..model import Loc
from .fetcher import SafeFetcher, unwrap_fetch_error

MAX_PASSES = 4


@dataclass
class RenderJob:
    """One document to render. `html_for(breaks, part, page_start)` gives its
    HTML (without a stylesheet link) for a set of page-break rows; with
    `parts` > 1 the document is laid out part by part (see merge.py)."""
    index: int
    html_for: Callable[[frozenset, Optional[int], Optional[int]], str]
    base_url: str
    origin: Loc
    key: str
    parts: int = 0
    sig: tuple = ()                  # documents alike in layout (template, rubrics)
    # a batch: several documents laid out as one (each in its own page group,
    # numbered from 1, starting on a right-hand page), then cut apart; each
    # member is (cache key, carrier HTML giving its title and metadata)
    members: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RenderSettings:
    css_text: str
    css_base_url: str
    roots: list[Path]
    variant: Optional[str] = None
    # the project's templates/ folder: relative url()s of a stylesheet found
    # there resolve against it (the others against the packaged theme)
    project_templates: Optional[Path] = None


class Renderer:
    def __init__(self, settings: RenderSettings):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self.settings = settings
        self.passes = 0                 # extra layouts for rowspans across pages
        self.learned: dict[tuple, frozenset] = {}   # doc kind -> breaks of the last one
        self.font_config = FontConfiguration()
        self.css = []
        self.css_origins: dict[str, Loc] = {}   # url -> stylesheet file:line (read at layout)
        for text, base_url, loc, origins in css_parts(settings):
            for url, at in origins.items():
                self.css_origins.setdefault(url, at)
            fetcher = SafeFetcher(settings.roots, loc, origins)
            try:
                self.css.append(weasyprint.CSS(string=text, base_url=base_url,
                                               font_config=self.font_config, url_fetcher=fetcher))
            except BaseException as e:  # noqa: BLE001 - FatalURLFetchingError is a BaseException
                if isinstance(e, (KeyboardInterrupt, SystemExit)):
                    raise
                err = _as_booklet_error(e, loc)
                if not isinstance(err, BookletError):
                    err = BookletError(f"打印样式表无法使用：{type(e).__name__}: {e}", loc=loc,
                                       fix="检查该样式表；删除项目中的改写即恢复默认样式。")
                raise err from None

    def _layout(self, job: RenderJob, fetcher, part: Optional[int], page_start: Optional[int]):
        """Lay out, with merged cells split where pages begin. The breaks of
        the last document of the same kind (same template and rubric: same
        rows, so mostly the same pages) are tried first, which spares the
        second layout for most documents."""
        from weasyprint import HTML

        learned = self.learned.get(job.sig, frozenset())
        breaks: frozenset = learned
        document = None
        for n in range(MAX_PASSES):
            html = job.html_for(breaks, part, page_start)
            document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
                font_config=self.font_config, stylesheets=self.css)
            needed, wasted, seen = _inspect_rows(document)
            if not needed and not wasted:
                break
            if n + 1 < MAX_PASSES:
                breaks = (breaks - wasted) | needed
                self.passes += 1
        self.learned[job.sig] = (learned - seen) | (breaks & seen)
        return document

    def _options(self) -> dict:
        return {"pdf_variant": self.settings.variant} if self.settings.variant else {}

    def render(self, job: RenderJob) -> list[tuple[str, bytes, int]]:
        """(cache key, PDF bytes, pages) of every document `job` makes."""
        fetcher = SafeFetcher(self.settings.roots, job.origin, self.css_origins)
        # The cyclic garbage collector walks every live object on each pass;
        # with the hundreds of thousands of boxes of a layout that makes
        # rendering superlinear. Nothing cyclic needs freeing mid-document.
        gc_was = gc.isenabled()
        gc.disable()
        try:
            if job.members:
                return self._render_batch(job, fetcher)
            if job.parts > 1:
                pdf, pages = self._render_parts(job, fetcher)
                return [(job.key, pdf, pages)]
            document = self._layout(job, fetcher, None, None)
            return [(job.key, document.write_pdf(**self._options()), len(document.pages))]
        except BookletError:
            raise
        except BaseException as e:  # noqa: BLE001 - see _as_booklet_error
            if isinstance(e, (KeyboardInterrupt, SystemExit)):
                raise
            raise _as_booklet_error(e, job.origin) from None
        finally:
            if gc_was:
                gc.enable()

    def _render_batch(self, job: RenderJob, fetcher) -> list[tuple[str, bytes, int]]:
        import tempfile

        from weasyprint import HTML

        from .merge import PageMarks, bookmark_tree, extract_pages

        document = self._layout(job, fetcher, None, None)
        pages_of: dict[int, list[int]] = {}
        for n, page in enumerate(document.pages):
            unit = _batch_member(page)
            if unit is not None:
                pages_of.setdefault(unit, []).append(n)
        out = []
        with tempfile.TemporaryDirectory(prefix="booklet-batch-") as tmp:
            source = Path(tmp) / "batch.pdf"
            source.write_bytes(document.write_pdf(**self._options()))
            for m, (key, carrier_html) in enumerate(job.members):
                pages = pages_of.get(m, [])
                if not pages:
                    raise BookletError(f"批量排版后找不到第 {m + 1} 份评分表的页面。", loc=job.origin)
                carrier = HTML(string=carrier_html).write_pdf(**self._options())
                marks = [PageMarks(document.pages[p].bookmarks, document.pages[p].height)
                         for p in pages]
                out.append((key, extract_pages(carrier, source, pages, bookmark_tree(marks)),
                            len(pages)))
        return out

    def _render_parts(self, job: RenderJob, fetcher) -> tuple[bytes, int]:
        from .merge import PageMarks, bookmark_tree, merge_parts

        pdfs, marks = [], []
        start = 1
        for part in range(job.parts):
            document = self._layout(job, fetcher, part, start)
            pdfs.append(document.write_pdf(**self._options()))
            marks += [PageMarks(p.bookmarks, p.height) for p in document.pages]
            start += len(document.pages)
            del document
            gc.collect()
        return merge_parts(pdfs, bookmark_tree(marks)), start - 1


_CSS_HEADER = re.compile(r"^/\* (print/[A-Za-z0-9_.-]+\.css) \*/$", re.M)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.I)


def css_parts(settings: RenderSettings) -> list[tuple[str, str, Loc, dict[str, Loc]]]:
    """The print stylesheet as the files it was joined from (see
    write.load_css): (text, base URL, file, url -> file:line). A file from the
    project's templates/ resolves its relative url()s against its own folder
    there, and a refusal names that file and line."""
    text = settings.css_text
    heads = list(_CSS_HEADER.finditer(text))
    if not heads:
        return [(text, settings.css_base_url, Loc("templates/print/print.css"), {})]
    parts = []
    for n, m in enumerate(heads):
        name = m.group(1)
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[m.start():end]
        custom = settings.project_templates
        if custom is not None and (Path(custom) / name).is_file():
            path = Path(custom).resolve() / name
            base_url = path.parent.as_uri() + "/"
            loc_file = f"templates/{name}"
        else:
            base_url = settings.css_base_url
            loc_file = f"booklet/theme/{name}"
        origins: dict[str, Loc] = {}
        for u in _CSS_URL.finditer(body):
            url = next(g for g in u.groups() if g is not None)
            line = body.count("\n", 0, u.start())      # the header line is not in the file
            origins.setdefault(urljoin(base_url, url), Loc(loc_file, line))
        parts.append((body, base_url, Loc(loc_file), origins))
    return parts


def _as_booklet_error(e: BaseException, origin: Loc) -> BaseException:
    inner = unwrap_fetch_error(e)
    if isinstance(inner, BookletError):
        return inner
    if type(e).__name__ == "FatalURLFetchingError":
        return BookletError(f"打印文档读取外部资源失败：{e}", loc=origin)
    return e


def _batch_member(page) -> Optional[int]:
    """Which member of a batch a page belongs to (None: a blank page)."""
    for box in page._page_box.descendants():
        el = getattr(box, "element", None)
        if el is not None and el.get("data-batch") is not None:
            return int(el.get("data-batch"))
    return None


def _inspect_rows(document) -> tuple[frozenset, frozenset, frozenset]:
    """(needed, wasted, seen): rows that begin a page while a merged cell
    from the previous page covers them (they need a break); rows that were
    given a break but do not begin a page (a label repeated mid-page); and
    every score-sheet row of the document. A row taller than a page counts
    where it begins."""
    from weasyprint.formatting_structure import boxes

    needed, wasted, seen = set(), set(), set()
    for n, page in enumerate(document.pages):
        first = True
        for box in page._page_box.descendants():
            if not isinstance(box, boxes.TableRowBox):
                continue
            el = box.element
            key = el.get("data-row") if el is not None else None
            if key is None:
                continue              # thead repeated on this page, other tables
            if key in seen:
                first = False
                continue              # the rest of a row begun on an earlier page
            seen.add(key)
            if first and n > 0 and el.get("data-cont"):
                needed.add(key)
            if not first and el.get("data-split"):
                wasted.add(key)
            first = False
    return frozenset(needed), frozenset(wasted), frozenset(seen)


# ---------------------------------------------------------------- workers
# Worker processes are forked: they inherit the jobs (closures over the Jinja
# environment and the model) and build their own Renderer once. They die with
# the build (_die_with_parent); one that cannot start stops the build.

_JOBS: Sequence[RenderJob] = ()
_SETTINGS: Optional[RenderSettings] = None
_RENDERER: Optional[Renderer] = None
_STORE: Optional[Callable[[str, bytes, int], None]] = None


@dataclass
class RenderReport:
    pages: dict[str, int] = field(default_factory=dict)      # cache key -> pages
    cpu: dict[str, float] = field(default_factory=dict)      # cache key -> CPU seconds
    extra_passes: int = 0                                    # layouts redone for rowspans


_INIT_ERROR = None     # a worker's start-up failure (Problems), reported for every job
_PARENT = 0


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive the build (kill -9 of `booklet build`): on
    Linux the kernel kills it (PR_SET_PDEATHSIG); elsewhere, and as a second
    guard, a thread ends it once its parent is gone."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)          # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):                   # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:                          # died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)
    threading.Thread(target=watch, name="booklet-parent-watch", daemon=True).start()


def _worker_init() -> None:
    """Build the worker's Renderer. A failure (a broken font in custom.css)
    must not kill the worker: the pool would start another forever. It is
    kept and reported as the result of the first job, which stops the build."""
    global _RENDERER, _INIT_ERROR
    _die_with_parent(_PARENT)
    try:
        _RENDERER = Renderer(_SETTINGS)  # type: ignore[arg-type]
    except BookletError as e:
        _INIT_ERROR = e.problems
    except Exception as e:  # noqa: BLE001 - reported to the parent, which stops
        _INIT_ERROR = BookletError(f"PDF 渲染进程无法启动：{type(e).__name__}: {e}",
                                   loc=Loc("templates/print"),
                                   fix="检查打印样式表和字体（booklet doctor）。").problems
    gc.freeze()


def _worker_run(i: int):
    """Render job i and store its PDFs; returns (i, {key: pages}, cpu, passes, problems, fatal)."""
    if _INIT_ERROR is not None:
        return i, {}, 0.0, 0, _INIT_ERROR, True
    job = _JOBS[i]
    t = time.process_time()
    before = _RENDERER.passes  # type: ignore[union-attr]
    try:
        outs = _RENDERER.render(job)  # type: ignore[union-attr]
    except BookletError as e:
        return i, {}, 0.0, 0, e.problems, False
    for key, pdf, pages in outs:
        _STORE(key, pdf, pages)  # type: ignore[misc]
    counts = {key: pages for key, _, pages in outs}
    del outs
    # The layout is garbage now: collect it, then freeze what survives (fonts,
    # caches) so that later collections do not walk it again.
    gc.collect()
    gc.freeze()
    return (i, counts, time.process_time() - t,
            _RENDERER.passes - before, None, False)  # type: ignore[union-attr]


class _Stop(Exception):
    """A worker could not start: stop at once with its problems."""


def render_all(jobs: Sequence[RenderJob], settings: RenderSettings, store: Callable,
               workers: int = 1, progress: Optional[Callable[[int], None]] = None) -> RenderReport:
    """Render every job; `store(key, pdf_bytes, pages)` keeps each PDF.
    Raises BookletError with every failure. A worker that cannot start or
    dies stops the build (never restarted), whatever the number of workers."""
    global _JOBS, _SETTINGS, _STORE, _RENDERER, _PARENT, _INIT_ERROR
    from ..errors import Problems

    report = RenderReport()
    problems = Problems()
    if not jobs:
        return report
    workers = max(1, min(workers, len(jobs)))
    use_pool = workers > 1 and "fork" in multiprocessing.get_all_start_methods()
    _JOBS, _SETTINGS, _STORE = list(jobs), settings, store

    def take(result) -> None:
        i, pages, cpu, passes, errs, fatal = result
        if fatal:
            raise _Stop(errs)
        if errs:
            problems.extend(errs)
        report.pages.update(pages)
        report.cpu[_JOBS[i].key] = cpu
        report.extra_passes += passes
        if progress:
            progress(1)
    try:
        if not use_pool:
            if _RENDERER is None or _RENDERER.settings != settings:
                _RENDERER = Renderer(settings)
            for n in range(len(_JOBS)):
                take(_worker_run(n))
        else:
            _run_pool(workers, take)
    except _Stop as stop:
        raise BookletError(stop.args[0]) from None
    finally:
        _JOBS, _STORE, _INIT_ERROR = (), None, None
    if problems:
        # a stylesheet's bad url() stops every document: say it once
        unique = Problems()
        seen: set = set()
        for p in problems.items:
            if (p.loc, p.what) not in seen:
                seen.add((p.loc, p.what))
                unique.items.append(p)
        raise BookletError(unique)
    return report


def _run_pool(workers: int, take: Callable) -> None:
    """Jobs in forked worker processes (they inherit the jobs). Jobs come
    biggest first; one at a time keeps both cores busy to the end. On any
    failure the workers are killed at once, not left to finish."""
    global _PARENT
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    _PARENT = os.getpid()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init)
    ok = False
    try:
        pending = {pool.submit(_worker_run, n) for n in range(len(_JOBS))}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise BookletError(
                        "PDF 渲染进程意外退出（可能是内存不足，或字体、样式表使渲染引擎崩溃）。",
                        loc=Loc("templates/print"),
                        fix="用 --jobs 1 重新运行以查看原因；运行 booklet doctor 检查字体。") from None
                take(result)
        ok = True
    finally:
        if not ok:
            for proc in list(getattr(pool, "_processes", {}).values()):
                if proc.is_alive():
                    proc.kill()
        pool.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


def stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
